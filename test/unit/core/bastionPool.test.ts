// (unit) A sweep's shared bastion sessions (core/bastionPool.ts) on fakes of the session
// interface: one login per key however many targets ask at once, keys that never mix
// credentials, reference counting by sweep item, the channel bound (and a refusal that may be
// our own channel count asked again alone), a dropped session logged in to again once, and
// everything closed on a cancel. Then the engine and runSweep with scripted probes: reports
// that say which hop checks were shared, and the socket budget of a shared bastion.
import * as assert from 'assert';
import {
  BastionPool, ChannelLimit, ChannelWaitExceeded, MAX_CHANNELS_PER_CONNECTION, SharedConnectionLost,
} from '../../../src/core/bastionPool';
import { diagnose } from '../../../src/core/diagnose';
import { bastionKeys, bastionKeyText, sharedCheck } from '../../../src/core/jumpShare';
import type { BannerResult, Credentials, ForwardKind, SshResult, Target, TcpResult } from '../../../src/core/model';
import type { JumpSession, OpenConnection, Probes, ProbeOptions, SshContext } from '../../../src/core/probeContract';
import { runSweep, socketsReserved, type SweepItem } from '../../../src/core/sweep';

const tick = () => new Promise((r) => setImmediate(r));

class FakeConn implements OpenConnection {
  closed = 0;
  constructor(readonly address: string, readonly port: number) {}
  close(): void { this.closed++; }
}

/** A bastion session: counts channels open at once; answers by host:port; can be dropped. */
class FakeSession implements JumpSession {
  open = 0;
  maxOpen = 0;
  forwards: string[] = [];
  closed = 0;
  private dropped = false;
  private readonly listeners: Array<() => void> = [];
  /** When set, forwards wait for `release()` before answering. */
  hold = false;
  private held: Array<() => void> = [];
  constructor(readonly via: string, private readonly answer: (host: string, port: number, open: number) => ForwardKind = () => 'opened') {}
  get lost(): boolean { return this.dropped; }
  onLost(l: () => void): void { if (this.dropped) l(); else this.listeners.push(l); }
  drop(): void { this.dropped = true; for (const l of this.listeners.splice(0)) l(); }
  release(): void { for (const r of this.held.splice(0)) r(); }
  async forward(host: string, port: number, _o: ProbeOptions): Promise<{ result: TcpResult; connection?: OpenConnection }> {
    this.forwards.push(`${host}:${port}`);
    if (this.hold) await new Promise<void>((r) => this.held.push(r));
    const kind = this.dropped ? 'error' : this.answer(host, port, this.open);
    const result: TcpResult = {
      outcome: kind === 'opened' ? 'connected' : kind === 'refused' ? 'refused' : 'error', address: host, port, deadlineMs: 1000, durationMs: 1,
      forward: { kind, via: this.via, ...(kind === 'prohibited' ? { reason: 1, message: 'administratively prohibited' } : {}) },
    };
    if (kind !== 'opened') return { result };
    this.open++;
    this.maxOpen = Math.max(this.maxOpen, this.open);
    const conn = new FakeConn(host, port);
    const close = conn.close.bind(conn);
    conn.close = () => { if (!conn.closed) this.open--; close(); };
    return { result, connection: conn };
  }
  close(): void { this.closed++; }
}

const opts = (signal = new AbortController().signal): ProbeOptions => ({ timeoutMs: 1000, signal });

describe('(unit) bastion pool: one login per hop for a sweep', () => {
  it('many targets at once: one build, the others get its evidence marked shared; closed when the last registered item is done', async () => {
    const pool = new BastionPool<string>();
    pool.register(['k']); pool.register(['k']); pool.register(['k']);
    const session = new FakeSession('b');
    let builds = 0;
    const build = async () => { builds++; await tick(); return { value: 'hop evidence', session }; };
    const signal = new AbortController().signal;
    const got = await Promise.all([pool.acquire('k', build, signal), pool.acquire('k', build, signal), pool.acquire('k', build, signal)]);
    assert.strictEqual(builds, 1);
    assert.deepStrictEqual(got.map((h) => h.shared), [false, true, true]);
    assert.ok(got.every((h) => h.value === 'hop evidence' && h.checkedAt === got[0]!.checkedAt && h.session === got[0]!.session));
    assert.strictEqual(pool.logins('k'), 1);
    pool.unregister(['k']); pool.unregister(['k']);
    assert.strictEqual(session.closed, 0, 'still registered by one item');
    pool.unregister(['k']);
    assert.strictEqual(session.closed, 1, 'closed with its last item');
  });

  it('a failed hop (no session) is shared as evidence too; a cancelled build is not: the next caller builds again', async () => {
    const pool = new BastionPool<string>();
    pool.register(['down']);
    let builds = 0;
    const a = await pool.acquire('down', async () => { builds++; return { value: 'NO_RESPONSE' }; }, new AbortController().signal);
    const b = await pool.acquire('down', async () => { builds++; return { value: 'other' }; }, new AbortController().signal);
    assert.strictEqual(builds, 1);
    assert.deepStrictEqual([a.shared, b.shared, b.value, b.session], [false, true, 'NO_RESPONSE', undefined]);

    const owner = new AbortController();
    let release!: () => void;
    const first = pool.acquire('c', () => new Promise((resolve, reject) => {
      release = () => reject(Object.assign(new Error('cancelled'), { name: 'CancelledError' }));
      owner.signal.addEventListener('abort', () => release());
    }), owner.signal);
    const second = pool.acquire('c', async () => ({ value: 'built by the second', session: new FakeSession('c') }), new AbortController().signal);
    await tick();
    owner.abort();
    await assert.rejects(first, { name: 'CancelledError' });
    const h = await second;
    assert.deepStrictEqual([h.value, h.shared], ['built by the second', false]);
    pool.close();
  });

  it('keys: equal only when host, port, user and credentials are all equal; a key\'s contents never appear in it', () => {
    const pool = new BastionPool();
    const t = (over: Partial<Target['jump'] extends Array<infer H> | undefined ? H : never> = {}, target: Partial<Target> = {}): Target => ({
      host: '10.0.1.5', port: 22, protocol: 'ssh', user: 'app', altPorts: [], timeoutMs: 1000, icmp: true,
      jump: [{ host: '203.0.113.5', port: 22, user: 'ops', ...over }], ...target,
    });
    const key = (target: Target, c?: Credentials) => bastionKeys(target, c, (s) => pool.secretId(s))[0]!;
    const base = key(t(), { identityFile: '/k/a' });
    assert.strictEqual(key(t({}, { host: '10.0.1.6', user: 'other' }), { identityFile: '/k/a', password: 'target only' }), base, 'another target behind the same bastion, same key: shared');
    const different: Array<[string, string]> = [
      ['another user', key(t({ user: 'root' }), { identityFile: '/k/a' })],
      ['another port', key(t({ port: 2222 }), { identityFile: '/k/a' })],
      ['another host', key(t({ host: '203.0.113.6' }), { identityFile: '/k/a' })],
      ['another identity file', key(t(), { identityFile: '/k/b' })],
      ['the hop\'s own identity file', key(t({ identityFile: '/k/hop' }), { identityFile: '/k/a' })],
      ['an agent as well', key(t(), { identityFile: '/k/a', agent: '/run/agent' })],
      ['no credentials', key(t())],
      ['another known_hosts', key(t({}, { knownHostsPath: '/other/kh' }), { identityFile: '/k/a' })],
    ];
    for (const [why, k] of different) assert.notStrictEqual(k, base, why);
    const withKey = key(t(), { privateKey: 'PRIVATE KEY BYTES', passphrase: 'pass phrase' });
    assert.strictEqual(key(t(), { privateKey: 'PRIVATE KEY BYTES', passphrase: 'pass phrase' }), withKey);
    assert.notStrictEqual(key(t(), { privateKey: 'OTHER KEY BYTES', passphrase: 'pass phrase' }), withKey);
    assert.ok(!withKey.includes('PRIVATE') && !withKey.includes('pass phrase'));
    assert.strictEqual(bastionKeyText(withKey), 'ops@203.0.113.5:22');
    // A two-hop chain: one key per bastion prefix; the second contains the first hop.
    const two = bastionKeys(t({}, { jump: [{ host: '203.0.113.5', port: 22, user: 'ops' }, { host: '10.0.0.9', port: 22 }] }), undefined, (s) => pool.secretId(s));
    assert.strictEqual(two.length, 2);
    assert.strictEqual(bastionKeyText(two[1]!), 'ops@203.0.113.5:22 → 10.0.0.9:22');
    assert.deepStrictEqual(bastionKeys({ ...t(), jump: [] }, undefined, (s) => pool.secretId(s)), []);
  });

  it('a dropped session is rebuilt once by the next caller (checks run again); dropped again: SharedConnectionLost', async () => {
    const pool = new BastionPool<number>();
    pool.register(['k']);
    const sessions: FakeSession[] = [];
    let n = 0;
    const build = async () => { const s = new FakeSession('b'); sessions.push(s); return { value: ++n, session: s }; };
    const s = new AbortController().signal;
    const a = await pool.acquire('k', build, s);
    sessions[0]!.drop();
    assert.strictEqual(sessions[0]!.closed, 1, 'a dropped session is closed (its socket freed)');
    const b = await pool.acquire('k', build, s);
    assert.deepStrictEqual([a.value, b.value, b.shared], [1, 2, false], 'the reconnect is a real check');
    const c = await pool.acquire('k', build, s);
    assert.deepStrictEqual([c.value, c.shared], [2, true]);
    sessions[1]!.drop();
    await assert.rejects(pool.acquire('k', build, s), SharedConnectionLost);
    assert.strictEqual(pool.logins('k'), 2, 'one login, one reconnect, no more');
    pool.close();
  });

  it('close (a cancelled sweep): every session closed, nothing handed out again', async () => {
    const pool = new BastionPool<string>();
    const a = new FakeSession('a');
    const b = new FakeSession('b');
    pool.register(['a']); pool.register(['b']);
    await pool.acquire('a', async () => ({ value: 'a', session: a }), new AbortController().signal);
    await pool.acquire('b', async () => ({ value: 'b', session: b }), new AbortController().signal);
    assert.strictEqual(pool.openSessions, 2);
    pool.close();
    assert.deepStrictEqual([a.closed, b.closed, pool.openSessions], [1, 1, 0]);
    await assert.rejects(pool.acquire('a', async () => ({ value: 'x' }), new AbortController().signal), { name: 'CancelledError' });
  });
});

describe('(unit) channel bound of a shared session', () => {
  it(`never more than ${MAX_CHANNELS_PER_CONNECTION} channels open at once; the rest wait, and each is asked only once it has a slot`, async () => {
    const inner = new FakeSession('b');
    const limited = new ChannelLimit(inner);
    const want = MAX_CHANNELS_PER_CONNECTION + 5;
    const opened = await Promise.all(Array.from({ length: MAX_CHANNELS_PER_CONNECTION }, (_, i) => limited.forward(`10.0.1.${i}`, 22, opts())));
    const later = Array.from({ length: want - MAX_CHANNELS_PER_CONNECTION }, (_, i) => limited.forward(`10.0.2.${i}`, 22, opts()));
    await tick();
    assert.strictEqual(inner.forwards.length, MAX_CHANNELS_PER_CONNECTION, 'the queued ones are not asked yet (their timing has not begun)');
    for (const r of opened) r.connection!.close();
    const rest = await Promise.all(later);
    assert.strictEqual(inner.forwards.length, want);
    assert.strictEqual(inner.maxOpen, MAX_CHANNELS_PER_CONNECTION);
    for (const r of rest) { r.connection!.close(); r.connection!.close(); }
    assert.strictEqual(limited.openChannels, 0, 'a connection closed twice gives its slot back once');
  });

  it('a refusal while other channels are open is asked again alone, and that answer stands; the bound comes down', async () => {
    // A bastion that allows 2 channels per connection and refuses more "administratively".
    const inner = new FakeSession('b', (_h, _p, open) => (open >= 2 ? 'prohibited' : 'opened'));
    const limited = new ChannelLimit(inner);
    const first = await Promise.all([limited.forward('10.0.1.1', 22, opts()), limited.forward('10.0.1.2', 22, opts())]);
    const third = limited.forward('10.0.1.3', 22, opts());
    await tick();
    // Refused with two open: waits until it is alone.
    first.forEach((r) => r.connection!.close());
    const r = await third;
    assert.strictEqual(r.result.forward?.kind, 'opened', 'not JUMP_FORWARDING_DENIED: the refusal was our channel count');
    assert.strictEqual(limited.channelLimit, 2);
    r.connection!.close();

    // A bastion that really forbids it: refused when alone too, and that is the answer.
    const denying = new ChannelLimit(new FakeSession('b', () => 'prohibited'));
    const d = await denying.forward('10.0.1.4', 22, opts());
    assert.strictEqual(d.result.forward?.kind, 'prohibited');
  });

  it('asked alone means without other probes\' channels: a channel that carries a kept session does not hold it back', async () => {
    // Refuses 10.0.1.9 whenever anything else is open (a count limit of 1 probe channel).
    const inner = new FakeSession('b', (h, _p, open) => (h === '10.0.1.9' && open > 1 ? 'prohibited' : 'opened'));
    const limited = new ChannelLimit(inner);
    const carrier = await limited.forward('10.0.1.1', 22, opts());
    limited.pin(carrier.connection!);
    const probe = await limited.forward('10.0.1.2', 22, opts());
    const asked = limited.forward('10.0.1.9', 22, opts());
    await tick();
    probe.connection!.close();
    const r = await asked;
    assert.strictEqual(r.result.forward?.kind, 'opened');
    r.connection!.close();
    // A destination the bastion forbids, alone or not: its policy; the bound is restored.
    const policy = new ChannelLimit(new FakeSession('b', (h) => (h === '10.0.9.9' ? 'prohibited' : 'opened')));
    const open = await policy.forward('10.0.1.1', 22, opts());
    const denied = policy.forward('10.0.9.9', 22, opts());
    await tick();
    open.connection!.close();
    assert.strictEqual((await denied).result.forward?.kind, 'prohibited');
    assert.strictEqual(policy.channelLimit, MAX_CHANNELS_PER_CONNECTION);
    carrier.connection!.close();
  });

  it('a wait for a slot is cancellable and bounded; a bounded wait is an internal error, never a verdict', async () => {
    const inner = new FakeSession('b');
    const limited = new ChannelLimit(inner, 1);
    const held = await limited.forward('10.0.1.1', 22, opts());
    const ctl = new AbortController();
    const waiting = limited.forward('10.0.1.2', 22, opts(ctl.signal));
    ctl.abort();
    await assert.rejects(waiting, { name: 'CancelledError' });
    await assert.rejects(limited.forward('10.0.1.3', 22, { timeoutMs: 1, signal: new AbortController().signal }), ChannelWaitExceeded);
    held.connection!.close();
    const next = await limited.forward('10.0.1.4', 22, opts());
    assert.strictEqual(next.result.forward?.kind, 'opened', 'nothing left queued by the cancelled waits');
    next.connection!.close();
  });
});

// ---------------------------------------------------------------------------------------------
// The engine and the sweep on scripted probes.

const bannerOk: BannerResult = { outcome: 'ssh', line: 'SSH-2.0-OpenSSH_9.2', durationMs: 1 };
const sshOk = (): SshResult => ({
  handshake: 'ok', client: 'ssh2', algorithms: { kex: 'curve25519-sha256', serverHostKey: 'ssh-ed25519', cipher: 'aes128-ctr', mac: 'hmac-sha2-256', compress: 'none' },
  hostKey: { type: 'ssh-ed25519', fingerprint: 'SHA256:x', status: 'match', knownHostsPath: '/kh', knownEntries: [] },
  authMethods: ['publickey'], login: { outcome: 'ok', tried: ['publickey'], method: 'publickey' }, durationMs: 1,
});

/** Probes whose bastion logins are counted; behind it, `answer` decides each channel. */
function scripted(answer: (host: string, port: number, open: number) => ForwardKind) {
  const logins: FakeSession[] = [];
  const probes: Probes = {
    dns: async (host) => ({ ok: true, literal: true, addresses: [{ address: host, family: 4 }], durationMs: 0 }),
    icmp: async (address) => ({ outcome: 'reply', method: 'raw-socket', address, rttMs: 1, durationMs: 1 }),
    tcp: async (address, port) => ({ result: { outcome: 'connected', address, port, deadlineMs: 1000, durationMs: 1 }, connection: new FakeConn(address, port) }),
    banner: async () => bannerOk,
    ssh: async (_conn, ctx: SshContext) => {
      if (ctx.keepSession) {
        const s = new FakeSession(ctx.host, answer);
        logins.push(s);
        ctx.keepSession(s);
      }
      return sshOk();
    },
    rdp: async () => ({ outcome: 'rdp', durationMs: 1 }),
  };
  return { probes, logins };
}

const behind = (host: string, bastion = '203.0.113.5'): SweepItem => ({
  label: host,
  target: { host, port: 22, protocol: 'ssh', user: 'app', altPorts: [2222], timeoutMs: 1000, icmp: true, jump: [{ host: bastion, port: 22, user: 'ops' }] },
  credentials: { identityFile: '/k' },
});

describe('(unit) a sweep behind one bastion (scripted)', () => {
  it('12 targets: one login to the bastion; the first report ran its checks, the others say they were shared; verdicts per target', async () => {
    const { probes, logins } = scripted((host) => (host.endsWith('.9') ? 'refused' : 'opened'));
    const items = Array.from({ length: 12 }, (_, i) => behind(`10.0.1.${i}`));
    const out = await runSweep(items, {
      concurrency: 32, socketBudget: 900, signal: new AbortController().signal,
      diagnose: (item, s, bastions) => diagnose(item.target, { probes, credentials: item.credentials, ...(bastions ? { bastions } : {}) }, s),
    });
    assert.strictEqual(logins.length, 1, 'one connection to the bastion for the sweep');
    assert.strictEqual(logins[0]!.closed, 1, 'closed when the sweep is done');
    const reports = out.results.map((r) => r.report!);
    assert.deepStrictEqual(reports.map((r) => r.verdict.code), items.map((i) => (i.target.host === '10.0.1.9' ? 'PORT_CLOSED' : 'OK')));
    const hop1 = reports.map((r) => r.checks.filter((c) => c.hop === 1));
    const sharedOnes = hop1.filter((cs) => cs.every((c) => (c.evidence.shared as { connectionShared?: boolean } | undefined)?.connectionShared === true));
    const ranOnes = hop1.filter((cs) => cs.every((c) => c.evidence.shared === undefined));
    assert.strictEqual(ranOnes.length, 1, 'exactly one report ran the bastion checks');
    assert.strictEqual(sharedOnes.length, 11);
    for (const cs of sharedOnes) for (const c of cs) assert.match(c.summary, /checked once for this sweep at \d\d:\d\d:\d\d .*connection shared/);
    assert.deepStrictEqual(hop1[0]!.map((c) => c.id), hop1[5]!.map((c) => c.id), 'the same checks of the bastion in every report');
    // Told in Korean from the same evidence.
    const ko = sharedCheck(hop1[0]![0]!, '2026-12-01T10:00:00.000Z', true, 'ko');
    assert.match(ko.summary, /이번 일괄 점검에서 \d\d:00:00 \(UTC[+-]\d\d:\d\d\)에 한 번 확인한 결과이며, 연결을 함께 사용합니다$/);
    // Hop 2 is each target's own: never marked shared.
    assert.ok(reports.every((r) => r.checks.filter((c) => c.hop === 2).every((c) => c.evidence.shared === undefined)));
  });

  it('sharing off: one login per target (the bench\'s "before")', async () => {
    const { probes, logins } = scripted(() => 'opened');
    const items = Array.from({ length: 5 }, (_, i) => behind(`10.0.1.${i}`));
    await runSweep(items, {
      concurrency: 32, socketBudget: 900, signal: new AbortController().signal, shareBastions: false,
      diagnose: (item, s, bastions) => diagnose(item.target, { probes, credentials: item.credentials, ...(bastions ? { bastions } : {}) }, s),
    });
    assert.strictEqual(logins.length, 5);
    assert.ok(logins.every((s) => s.closed === 1));
  });

  it('two bastions: one login each; different credentials for the same bastion: not mixed', async () => {
    const { probes, logins } = scripted(() => 'opened');
    const items = [
      ...Array.from({ length: 4 }, (_, i) => behind(`10.0.1.${i}`, '203.0.113.5')),
      ...Array.from({ length: 4 }, (_, i) => behind(`10.0.2.${i}`, '203.0.113.6')),
      { ...behind('10.0.3.1', '203.0.113.5'), credentials: { identityFile: '/other' } },
    ];
    await runSweep(items, {
      concurrency: 32, socketBudget: 900, signal: new AbortController().signal,
      diagnose: (item, s, bastions) => diagnose(item.target, { probes, credentials: item.credentials, ...(bastions ? { bastions } : {}) }, s),
    });
    assert.deepStrictEqual(logins.map((s) => s.via).sort(), ['203.0.113.5', '203.0.113.5', '203.0.113.6']);
  });

  it('a bastion that refuses channels beyond 3 at once: no target gets JUMP_FORWARDING_DENIED for our own channel count', async () => {
    const { probes } = scripted((_h, _p, open) => (open >= 3 ? 'prohibited' : 'opened'));
    const items = Array.from({ length: 12 }, (_, i) => behind(`10.0.1.${i}`));
    const out = await runSweep(items, {
      concurrency: 32, socketBudget: 900, signal: new AbortController().signal,
      diagnose: (item, s, bastions) => diagnose(item.target, { probes, credentials: item.credentials, ...(bastions ? { bastions } : {}) }, s),
    });
    assert.deepStrictEqual(out.results.map((r) => r.report?.verdict.code), items.map(() => 'OK'));
  });

  it('the bastion drops the shared connection mid-sweep: the targets it cut short are diagnosed again over a new login', async () => {
    const { probes, logins } = scripted(() => 'opened');
    const items = Array.from({ length: 6 }, (_, i) => behind(`10.0.1.${i}`));
    // The first login's channels are held until it has been dropped.
    const origSsh = probes.ssh;
    let dropped = false;
    probes.ssh = async (conn, ctx, o) => {
      const r = await origSsh(conn, ctx, o);
      if (!ctx.keepSession && !dropped && ctx.via) {
        dropped = true;
        logins[0]!.drop();
        // What a cut channel shows: the login behind the bastion ended by an EOF.
        const cut: SshResult = { handshake: 'closed', login: { outcome: 'not-attempted', tried: [] }, durationMs: r.durationMs };
        return cut;
      }
      return r;
    };
    const out = await runSweep(items, {
      concurrency: 32, socketBudget: 900, signal: new AbortController().signal,
      diagnose: (item, s, bastions) => diagnose(item.target, { probes, credentials: item.credentials, ...(bastions ? { bastions } : {}) }, s),
    });
    assert.strictEqual(logins.length, 2, 'logged in again once');
    assert.deepStrictEqual(out.results.map((r) => r.report?.verdict.code ?? r.error), items.map(() => 'OK'));
    assert.ok(logins.every((s) => s.closed >= 1));
  });

  it('socket budget: a shared bastion costs one first-hop probe for the sweep, not one per target', async () => {
    const items = Array.from({ length: 12 }, (_, i) => behind(`10.0.1.${i}`));
    const hop1 = socketsReserved({ port: 22, altPorts: [2222] });
    const run = (shareBastions: boolean) => runSweep(items, {
      concurrency: 32, socketBudget: 900, signal: new AbortController().signal, shareBastions,
      diagnose: async (item) => ({ verdict: { code: 'OK' }, target: item.target } as never),
    });
    assert.strictEqual((await run(true)).peakReservedSockets, hop1);
    assert.strictEqual((await run(false)).peakReservedSockets, 12 * hop1);
  });

  it('a cancelled sweep closes the shared session', async () => {
    const { probes, logins } = scripted(() => 'opened');
    const ctl = new AbortController();
    const items = Array.from({ length: 4 }, (_, i) => behind(`10.0.1.${i}`));
    probes.banner = async (_c, o) => {
      // Behind the bastion: hangs until cancelled.
      if (logins.length) await new Promise((_r, reject) => o.signal.addEventListener('abort', () => reject(Object.assign(new Error('cancelled'), { name: 'CancelledError' }))));
      return bannerOk;
    };
    const sweep = runSweep(items, {
      concurrency: 32, socketBudget: 900, signal: ctl.signal,
      diagnose: (item, s, bastions) => diagnose(item.target, { probes, credentials: item.credentials, ...(bastions ? { bastions } : {}) }, s),
    });
    for (let i = 0; i < 50 && logins.length === 0; i++) await tick();
    await tick();
    ctl.abort();
    const out = await sweep;
    assert.ok(out.cancelled);
    assert.strictEqual(logins.length, 1);
    assert.strictEqual(logins[0]!.closed, 1);
  });
});

describe('(unit) --trace through a bastion (scripted)', () => {
  it('no trace runs from here; path.out says why and how to trace the last leg, in both languages', async () => {
    const { probes } = scripted(() => 'opened');
    let traced = 0;
    probes.trace = async () => { traced++; throw new Error('must not run'); };
    const item = behind('10.0.1.7');
    const d = await diagnose(item.target, { probes, credentials: item.credentials, trace: true }, new AbortController().signal);
    assert.strictEqual(traced, 0, 'a trace from here would show the way to the bastion only');
    const out = d.checks.find((c) => c.id === 'path.out');
    assert.strictEqual(out?.status, 'skip');
    assert.match(out!.summary, /reached through bastion 203\.0\.113\.5.*run on 203\.0\.113\.5: mtr --tcp -P 22 -n --report 10\.0\.1\.7/);
    const dk = await diagnose(item.target, { probes, credentials: item.credentials, trace: true, lang: 'ko' }, new AbortController().signal);
    const ko = dk.checks.find((c) => c.id === 'path.out');
    assert.match(ko!.summary, /배스천\(203\.0\.113\.5\)에서 실행하십시오: mtr --tcp -P 22 -n --report 10\.0\.1\.7/);
    assert.strictEqual(d.verdict.code, 'OK', 'the verdict is untouched');
    const plain = await diagnose(item.target, { probes, credentials: item.credentials }, new AbortController().signal);
    assert.ok(!plain.checks.some((c) => c.id === 'path.out'), 'without --trace there is no path check');
  });
});
