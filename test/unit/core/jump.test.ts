// (unit) Jump chains: the one parser of [user@]host[:port][,...], its printer for `ssh -J`, the
// ProxyJump resolver (hops' own Host blocks, loops refused), ProxyCommand's jump spelling, the
// bastion's answers by kind, and the chain engine on scripted probes (which hop, seen from where).
import * as assert from 'assert';
import { diagnose } from '../../../src/core/diagnose';
import { hopCredentials } from '../../../src/core/jumpDiagnose';
import {
  checkName, formatJumpChain, parseJumpList, parseJumpSpec, pathText, proxyCommandJump, proxyJumpChain, type HostConfig,
} from '../../../src/core/jump';
import type { BannerResult, SshResult, Target, TcpResult } from '../../../src/core/model';
import type { JumpSession, OpenConnection, Probes, ProbeOptions, SshContext } from '../../../src/core/probeContract';
import { sanitizeInstance } from '../../../src/core/savedInstance';
import { sshArgs } from '../../../src/core/sshCommand';
import { InputError } from '../../../src/core/validate';
import { forwardKindOf } from '../../../src/probes/jumpSession';

describe('(unit) jump chain syntax', () => {
  const ok: Array<[string, ReturnType<typeof parseJumpSpec>]> = [
    ['bastion', { host: 'bastion' }],
    ['ops@bastion.example.com:2222', { host: 'bastion.example.com', port: 2222, user: 'ops' }],
    ['203.0.113.5', { host: '203.0.113.5' }],
    ['[2001:db8::5]:2200', { host: '2001:db8::5', port: 2200 }],
    ['root@[2001:db8::5]', { host: '2001:db8::5', user: 'root' }],
    ['2001:db8::5', { host: '2001:db8::5' }],
    ['ssh://ops@bastion:2022', { host: 'bastion', port: 2022, user: 'ops' }],
  ];
  for (const [text, want] of ok) it(`parses ${text}`, () => assert.deepStrictEqual(parseJumpSpec(text), want));

  const bad = ['', 'host:0', 'host:99999', '[2001:db8::5', '[not-v6]:22', '-oProxyCommand=x', 'a b', 'us er@host', 'host:abc'];
  for (const text of bad) {
    it(`refuses ${JSON.stringify(text)} naming the field`, () => {
      assert.throws(() => parseJumpSpec(text, '--jump'), (e: unknown) => e instanceof InputError && e.field === '--jump');
    });
  }

  it('a chain: commas, "none", empty hops refused, bounded', () => {
    assert.deepStrictEqual(parseJumpList('a,ops@b:2222'), [{ host: 'a' }, { host: 'b', port: 2222, user: 'ops' }]);
    assert.deepStrictEqual(parseJumpList('none'), []);
    assert.throws(() => parseJumpList('a,,b'), InputError);
    assert.throws(() => parseJumpList(Array.from({ length: 9 }, (_, i) => `h${i}`).join(',')), /at most 8 hops/);
  });

  it('prints the chain as ssh -J takes it (IPv6 in brackets, :22 left out) and round-trips', () => {
    const hops = [{ host: 'b1', port: 22, user: 'ops' }, { host: '2001:db8::5', port: 2200 }];
    const text = formatJumpChain(hops);
    assert.strictEqual(text, 'ops@b1,[2001:db8::5]:2200');
    assert.deepStrictEqual(parseJumpList(text), [{ host: 'b1', user: 'ops' }, { host: '2001:db8::5', port: 2200 }]);
    assert.strictEqual(pathText({ host: '10.0.1.5', port: 22, user: 'me', jump: hops }), 'ops@b1 → [2001:db8::5]:2200 → me@10.0.1.5:22');
  });

  it('ssh command carries -J; a hostile hop is refused', () => {
    assert.deepStrictEqual(sshArgs({ host: '10.0.1.5', port: 22, user: 'u', jump: [{ host: 'b', port: 2222, user: 'ops' }] }), ['-J', 'ops@b:2222', '-l', 'u', '10.0.1.5']);
    assert.throws(() => sshArgs({ host: 'h', port: 22, jump: [{ host: '-oProxyCommand=x', port: 22 }] }));
  });

  it('a saved chain survives storage only when every hop is well-formed', () => {
    const base = { id: 'a', name: 'n', host: 'h', port: 22, protocol: 'ssh' };
    assert.deepStrictEqual(sanitizeInstance({ ...base, jump: [{ host: 'b', port: 22, user: 'ops' }] })?.jump, [{ host: 'b', port: 22, user: 'ops' }]);
    assert.strictEqual(sanitizeInstance({ ...base, jump: [{ host: 'b', port: 22 }, { host: 'x y', port: 22 }] })?.jump, undefined);
  });

  it('check names carry the hop', () => {
    assert.strictEqual(checkName('hop2.tcp', 'en'), 'Hop 2 · TCP connect');
    assert.strictEqual(checkName('tcp', 'en'), 'TCP connect');
    assert.strictEqual(checkName('hop1.login', 'ko'), '홉 1 · 로그인');
  });
});

describe('(unit) ProxyJump resolution', () => {
  const cfg: Record<string, HostConfig> = {
    bastion: { hostName: '203.0.113.5', port: 2222, user: 'ops', identityFile: '/k/bastion' },
    inner: { hostName: '10.0.0.9', port: 22, proxyJump: 'bastion' },
    a: { hostName: 'a.example', port: 22, proxyJump: 'b' },
    b: { hostName: 'b.example', port: 22, proxyJump: 'a' },
  };
  const lookup = (alias: string): HostConfig => cfg[alias] ?? { hostName: alias, port: 22 };

  it("each hop's own Host block: HostName, Port, User, IdentityFile; written parts win", () => {
    assert.deepStrictEqual(proxyJumpChain('bastion', lookup, { from: 'web', defaultUser: 'me' }), [
      { host: '203.0.113.5', port: 2222, user: 'ops', identityFile: '/k/bastion', name: 'bastion' },
    ]);
    assert.deepStrictEqual(proxyJumpChain('root@bastion:22,10.0.0.7', lookup, { from: 'web', defaultUser: 'me' }), [
      { host: '203.0.113.5', port: 22, user: 'root', identityFile: '/k/bastion', name: 'bastion' },
      { host: '10.0.0.7', port: 22, user: 'me' },
    ]);
  });

  it("the first hop's own ProxyJump is followed (as ssh -W does), the later ones' are not", () => {
    assert.deepStrictEqual(proxyJumpChain('inner', lookup, { from: 'db' }).map((h) => h.host), ['203.0.113.5', '10.0.0.9']);
    assert.deepStrictEqual(proxyJumpChain('10.0.0.1,inner', lookup, { from: 'db' }).map((h) => h.host), ['10.0.0.1', '10.0.0.9']);
  });

  it('a loop is refused with the path in the message', () => {
    assert.throws(() => proxyJumpChain('b', lookup, { from: 'a' }), /ProxyJump loop: a → b → a/);
    assert.throws(() => proxyJumpChain('self', lookup, { from: 'self' }), /ProxyJump loop: self → self/);
  });

  it('ProxyCommand ssh -W %h:%p bastion is a jump; any other ProxyCommand is not', () => {
    assert.deepStrictEqual(proxyCommandJump('ssh -W %h:%p bastion'), { host: 'bastion' });
    assert.deepStrictEqual(proxyCommandJump('/usr/bin/ssh -q -W [%h]:%p -p 2222 -l ops bastion'), { host: 'bastion', port: 2222, user: 'ops' });
    assert.deepStrictEqual(proxyCommandJump('ssh ops@bastion -W %h:%p'), { host: 'bastion', user: 'ops' });
    for (const c of ['nc -X connect -x proxy:8080 %h %p', 'ssh bastion nc %h %p', 'ssh -W %h:%p -o ProxyCommand=x bastion', 'sh -c "ssh -W %h:%p b"', 'ssh -W %h:%p %r@bastion']) {
      assert.strictEqual(proxyCommandJump(c), undefined, c);
    }
  });
});

describe('(unit) a bastion\'s answer to a channel request', () => {
  const cases: Array<[number | undefined, string, string]> = [
    [1, 'open failed', 'prohibited'],
    [2, 'Connection refused', 'refused'],
    [2, 'Connection timed out', 'timeout'],
    [2, 'No route to host', 'unreachable'],
    [2, 'Network is unreachable', 'unreachable'],
    [2, 'Name or service not known', 'name'],
    [2, 'Temporary failure in name resolution', 'name'],
    [2, 'something else', 'error'],
    [4, 'resource shortage', 'error'],
    [undefined, 'No response from server', 'error'],
  ];
  for (const [reason, message, kind] of cases) it(`${reason} "${message}" → ${kind}`, () => assert.strictEqual(forwardKindOf(reason, message), kind));
});

describe('(unit) credentials per hop', () => {
  it('the key and agent serve every hop; a password or passphrase of the target never goes to a bastion', () => {
    const c = { identityFile: '/k/id', password: 'secret', agent: '/agent' };
    assert.deepStrictEqual(hopCredentials(c, {}, false), { identityFile: '/k/id', agent: '/agent' });
    assert.deepStrictEqual(hopCredentials({ password: 'secret' }, {}, false), undefined);
    assert.deepStrictEqual(hopCredentials(c, { identityFile: '/k/bastion' }, false), { identityFile: '/k/bastion', agent: '/agent' });
    assert.strictEqual(hopCredentials(c, {}, true), c);
  });
});

// ---------------------------------------------------------------------------------------------
// The chain engine on scripted probes: nothing here touches the network.

class FakeConn implements OpenConnection {
  closed = 0;
  constructor(readonly address: string, readonly port: number) {}
  close(): void { this.closed++; }
}

const bannerOk: BannerResult = { outcome: 'ssh', line: 'SSH-2.0-OpenSSH_9.2', durationMs: 1 };
const sshOk = (): SshResult => ({
  handshake: 'ok', client: 'ssh2', algorithms: { kex: 'curve25519-sha256', serverHostKey: 'ssh-ed25519', cipher: 'aes128-ctr', mac: 'hmac-sha2-256', compress: 'none' },
  hostKey: { type: 'ssh-ed25519', fingerprint: 'SHA256:x', status: 'match', knownHostsPath: '/kh', knownEntries: [] },
  authMethods: ['publickey'], login: { outcome: 'ok', tried: ['publickey'], method: 'publickey' }, durationMs: 1,
});

/** Hosts by name: what each answers, and the sessions/channels opened, for assertions. */
function scripted(behind: Record<string, Partial<TcpResult['forward']> & { kind: NonNullable<TcpResult['forward']>['kind'] }>, log: string[]): Probes {
  const session = (via: string): JumpSession => ({
    async forward(host: string, port: number, _o: ProbeOptions) {
      log.push(`forward ${via}→${host}:${port}`);
      const b = behind[`${host}:${port}`] ?? { kind: 'refused', message: 'Connection refused' };
      const outcome = b.kind === 'opened' ? 'connected' : b.kind === 'refused' ? 'refused' : b.kind === 'timeout' ? 'timeout' : 'error';
      const result: TcpResult = { outcome, address: host, port, deadlineMs: 1000, durationMs: 1, forward: { ...b, via } };
      return b.kind === 'opened' ? { result, connection: new FakeConn(host, port) } : { result };
    },
    close() { log.push(`close ${via}`); },
  });
  return {
    dns: async (host) => ({ ok: true, literal: true, addresses: [{ address: host, family: 4 }], durationMs: 0 }),
    icmp: async (address) => ({ outcome: 'reply', method: 'raw-socket', address, rttMs: 1, durationMs: 1 }),
    tcp: async (address, port) => ({ result: { outcome: 'connected', address, port, deadlineMs: 1000, durationMs: 1 }, connection: new FakeConn(address, port) }),
    banner: async () => bannerOk,
    ssh: async (_conn, ctx: SshContext) => {
      log.push(`ssh ${ctx.host} creds=${Object.keys(ctx.credentials ?? {}).sort().join('+')} via=${ctx.via ?? '-'}`);
      ctx.keepSession?.(session(ctx.host));
      return sshOk();
    },
    rdp: async () => ({ outcome: 'rdp', durationMs: 1 }),
  };
}

const chainTarget = (over: Partial<Target> = {}): Target => ({
  host: '10.0.1.5', port: 22, protocol: 'ssh', user: 'app', altPorts: [2222], timeoutMs: 1000, icmp: true,
  jump: [{ host: '203.0.113.5', port: 22, user: 'ops' }], ...over,
});

describe('(unit) diagnosis through a jump chain (scripted)', () => {
  it('healthy: OK about hop 2, every hop checked, sessions closed, the password only to the target', async () => {
    const log: string[] = [];
    const r = await diagnose(chainTarget(), { probes: scripted({ '10.0.1.5:22': { kind: 'opened' } }, log), credentials: { identityFile: '/k', password: 'pw' } });
    assert.strictEqual(r.verdict.code, 'OK');
    assert.strictEqual(r.verdict.hop, 2);
    assert.match(r.verdict.summary, /Reached through ops@203\.0\.113\.5/);
    assert.deepStrictEqual(log, [
      'ssh 203.0.113.5 creds=identityFile via=-',
      'forward 203.0.113.5→10.0.1.5:22',
      'ssh 10.0.1.5 creds=identityFile+password via=203.0.113.5',
      // The target's session is not kept (nothing goes beyond it); the bastion's is closed.
      'close 203.0.113.5',
    ]);
    assert.ok(r.checks.every((c) => /^hop[12]\./.test(c.id) && c.hop === Number(c.id[3])), r.checks.map((c) => c.id).join(' '));
    assert.deepStrictEqual(r.target.jump, [{ host: '203.0.113.5', port: 22, user: 'ops' }]);
  });

  it('refused behind the bastion: PORT_CLOSED on hop 2, the text naming the bastion; the other ports asked through it', async () => {
    const log: string[] = [];
    const r = await diagnose(chainTarget(), { probes: scripted({}, log), credentials: { identityFile: '/k' } });
    assert.strictEqual(r.verdict.code, 'PORT_CLOSED');
    assert.strictEqual(r.verdict.hop, 2);
    assert.match(r.verdict.summary, /^Hop 2 of 2 \(10\.0\.1\.5:22\), seen from bastion 203\.0\.113\.5: /);
    assert.ok(log.includes('forward 203.0.113.5→10.0.1.5:2222'), log.join('\n'));
    const icmp = r.checks.find((c) => c.id === 'hop2.icmp');
    assert.strictEqual(icmp?.status, 'skip');
  });

  it('forwarding prohibited: JUMP_FORWARDING_DENIED about the bastion (hop 1)', async () => {
    const r = await diagnose(chainTarget(), { probes: scripted({ '10.0.1.5:22': { kind: 'prohibited', reason: 1, message: 'open failed' } }, []), credentials: { identityFile: '/k' } });
    assert.strictEqual(r.verdict.code, 'JUMP_FORWARDING_DENIED');
    assert.strictEqual(r.verdict.hop, 1);
    assert.match(r.verdict.summary, /Bastion 203\.0\.113\.5 refused to open a channel to 10\.0\.1\.5:22 \("open failed"\)/);
  });

  it('no credentials: the bastion is OK but the chain cannot go on — said so, never OK for the target', async () => {
    const log: string[] = [];
    const probes = scripted({ '10.0.1.5:22': { kind: 'opened' } }, log);
    probes.ssh = async (_c, ctx) => { log.push(`ssh ${ctx.host}`); return { ...sshOk(), login: { outcome: 'not-attempted', tried: [], reason: 'no credentials given', reasonKind: 'no-credentials' } }; };
    const r = await diagnose(chainTarget(), { probes });
    assert.strictEqual(r.verdict.code, 'OK');
    assert.strictEqual(r.verdict.loginTested, false);
    assert.strictEqual(r.verdict.hop, 1);
    assert.ok(r.findings.some((f) => f.code === 'JUMP_NOT_FOLLOWED' && /Hop 2 \(10\.0\.1\.5:22\)/.test(f.message)), JSON.stringify(r.findings));
    assert.ok(!log.some((l) => l.startsWith('forward')));
  });

  it("the cloud view per hop: the bastion's private address is the next hop's source; unknown, a finding says so", async () => {
    const seen: Array<{ id: string; source?: { via: string; address?: string } }> = [];
    const cloud = {
      inspect: async (t: Target, o: { source?: { via: string; address?: string } }) => {
        seen.push({ id: t.cloud!.instanceId, ...(o.source ? { source: o.source } : {}) });
        const bastion = t.cloud!.instanceId === 'ins-bastion1';
        return {
          instanceId: t.cloud!.instanceId, region: 'ap-guangzhou', errors: [], durationMs: 1,
          instance: { state: 'RUNNING', publicIps: bastion ? ['203.0.113.5'] : [], privateIps: bastion ? ['172.16.0.4'] : ['172.16.0.9'], securityGroupIds: ['sg-1'] },
          securityGroups: { verdict: 'allow' as const, evaluatedFor: o.source?.address ?? 'any source' },
        };
      },
    };
    const t = chainTarget({ cloud: { instanceId: 'ins-private1', region: 'ap-guangzhou' }, jump: [{ host: '203.0.113.5', port: 22, user: 'ops', cloud: { instanceId: 'ins-bastion1', region: 'ap-guangzhou' } }] });
    const r = await diagnose(t, { probes: scripted({ '10.0.1.5:22': { kind: 'opened' } }, []), credentials: { identityFile: '/k' }, cloud });
    assert.deepStrictEqual(seen, [{ id: 'ins-bastion1' }, { id: 'ins-private1', source: { via: '203.0.113.5', address: '172.16.0.4' } }]);
    assert.ok(r.checks.some((c) => c.id === 'hop2.cloud.securityGroups'));
    assert.ok(!r.findings.some((f) => f.code === 'JUMP_SOURCE_UNKNOWN'));

    seen.length = 0;
    const noBastionCloud = chainTarget({ cloud: { instanceId: 'ins-private1', region: 'ap-guangzhou' } });
    const r2 = await diagnose(noBastionCloud, { probes: scripted({ '10.0.1.5:22': { kind: 'opened' } }, []), credentials: { identityFile: '/k' }, cloud });
    assert.deepStrictEqual(seen, [{ id: 'ins-private1', source: { via: '203.0.113.5' } }]);
    assert.ok(r2.findings.some((f) => f.code === 'JUMP_SOURCE_UNKNOWN'), JSON.stringify(r2.findings));
  });

  it('behind a bastion, a server only the system OpenSSH can negotiate with: untested, never KEX_FAILED', async () => {
    const probes = scripted({ '10.0.1.5:22': { kind: 'opened' } }, []);
    const inner = probes.ssh;
    probes.ssh = async (c, ctx, o) => (ctx.via === undefined ? inner(c, ctx, o) : {
      handshake: 'kex-failed', client: 'ssh2', login: { outcome: 'not-attempted', tried: [], reason: 'handshake did not complete', reasonKind: 'handshake-failed' },
      serverAlgorithms: { kex: ['sntrup761x25519-sha512@openssh.com'], serverHostKey: ['ssh-ed25519'], cipher: ['aes128-ctr'], mac: ['hmac-sha2-256'] },
      negotiation: { ssh2: { missing: ['kex'] }, openssh: { version: 'OpenSSH_9.2p1', missing: [], enable: {}, enableSuffices: false }, legacyOnly: false },
      durationMs: 1,
    });
    const r = await diagnose(chainTarget(), { probes, credentials: { identityFile: '/k' } });
    assert.strictEqual(r.verdict.code, 'OK');
    assert.strictEqual(r.verdict.loginTested, false);
    assert.strictEqual(r.verdict.hop, 2);
    assert.match(r.verdict.summary, /only the system OpenSSH can negotiate with this server/);
  });
});
