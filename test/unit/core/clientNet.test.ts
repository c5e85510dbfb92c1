/**
 * (unit) "Is it my network?" (issue 12): the parsers of the in-guest reach sections over REAL
 * outputs captured in the router lab (test/unit/fixtures/reach), the script's validation, the
 * engine's bounded SYN keeper, and the decision table — CLIENT_NETWORK_BLOCKS only when every
 * condition holds, the return path, and "cannot decide".
 */
import * as assert from 'assert/strict';
import { buildGuestScript, parseGuestOutput, parseSections } from '../../../src/cloud/guestScript';
import { parseCapture, parseIpAddrLines, parseSelfLines } from '../../../src/cloud/guestScriptReach';
import { classifyCode, findings } from '../../../src/core/classify';
import { clientPath, keepSyns, reachCheck } from '../../../src/core/clientNet';
import { diagnose } from '../../../src/core/diagnose';
import { CancelledError } from '../../../src/core/cancel';
import type { Lang, TcpResult } from '../../../src/core/model';
import type { Probes } from '../../../src/core/probeContract';
import { buildVerdict } from '../../../src/core/verdict';
import { CALLER, clientNetEvidence, GUEST, reachFixture } from './clientNetEvidence';
import { tcp as tcpResult } from './evidence';

const sectionLines = (name: string, section: string) => parseSections(reachFixture(name as 'open')).get(section)?.lines ?? [];
const miscLines = (from: string, to: string) => {
  const l = reachFixture('misc').split('\n');
  return l.slice(l.findIndex((x) => x.startsWith(from)) + 1, l.findIndex((x) => x.startsWith(to)));
};

describe('(unit) client network: the in-guest parsers over real outputs', () => {
  it('ip -o -4 addr / ip -o addr → the addresses', () => {
    assert.deepEqual(parseIpAddrLines(sectionLines('open', 'reach-addr')), [GUEST]);
    assert.deepEqual(parseIpAddrLines(miscLines('# ip -o -4', '# ip -o addr')), ['10.213.255.2']);
    assert.deepEqual(parseIpAddrLines(miscLines('# ip -o addr', '# self-connects')), ['127.0.0.1', '::1', '10.213.255.2', 'fd00:cd:ff::2']);
    assert.deepEqual(parseIpAddrLines(['garbage', '2: eth0 inet not-an-ip/28 scope global']), []);
  });

  it('self-connect lines: SSH on loopback, private and public; refused; the 3 s bound', () => {
    assert.deepEqual(parseSelfLines(sectionLines('open', 'reach-self')), [
      { scope: 'loopback', address: '127.0.0.1', outcome: 'ssh', line: 'SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u10' },
      { scope: 'private', address: GUEST, outcome: 'ssh', line: 'SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u10' },
      { scope: 'public', address: GUEST, outcome: 'ssh', line: 'SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u10' },
    ]);
    assert.deepEqual(parseSelfLines(miscLines('# self-connects', '# tcpdump')), [
      { scope: 'loopback', address: '127.0.0.1', outcome: 'refused', line: 'cvmd: connect: Connection refused' },
      { scope: 'private', address: '10.213.255.9', outcome: 'timeout' },
    ]);
    assert.deepEqual(parseSelfLines(['self private 10.213.0.9 rc=124 SSH-2.0-OpenSSH_8.0', 'self public nope rc=0 x', 'tool bash']),
      [{ scope: 'private', address: '10.213.0.9', outcome: 'ssh', line: 'SSH-2.0-OpenSSH_8.0' }], 'nc keeps the connection until the bound: rc 124 with a banner');
  });

  it('tcpdump, all open: SYNs in, SYN-ACKs out, stopped at the packet limit', () => {
    const c = parseCapture(sectionLines('open', 'reach-capture'), CALLER);
    assert.equal(c.status, 'observed');
    if (c.status !== 'observed') return;
    assert.deepEqual([c.synsIn, c.repliesOut, c.resetsOut, c.packets, c.limitReached, c.windowSec], [2, 2, 0, 40, true, 1]);
    assert.match(c.sample[0]!, /^1796171925\.373192 eth0 {2}In {2}IP 10\.213\.0\.65\.57322 > 10\.213\.0\.82\.22: Flags \[S\]/);
  });

  it('tcpdump, the router drops the SYNs: nothing in 6 s (time limit)', () => {
    assert.deepEqual(parseCapture(sectionLines('routerdrop', 'reach-capture'), CALLER),
      { status: 'observed', caller: CALLER, windowSec: 6, synsIn: 0, repliesOut: 0, resetsOut: 0, packets: 0, sample: [] });
  });

  it('tcpdump, the guest drops its replies: 18 SYNs in, no SYN-ACK left', () => {
    const c = parseCapture(sectionLines('guestdrop', 'reach-capture'), CALLER);
    assert.equal(c.status === 'observed' && [c.synsIn, c.repliesOut, c.packets].join(), '18,0,18');
  });

  it('no tcpdump, no caller, tcpdump failing: never "observed"', () => {
    assert.deepEqual(parseCapture(sectionLines('notcpdump', 'reach-capture'), CALLER), { status: 'no-tcpdump' });
    assert.deepEqual(parseCapture(['capture no-caller'], undefined), { status: 'no-caller' });
    const failed = parseCapture(['capture start 1796171900', ...miscLines('# tcpdump', '\u0000'), 'capture end 1796171900'], CALLER);
    assert.deepEqual(failed, { status: 'failed', detail: 'tcpdump: nosuch0: No such device exists' });
    // Output cut before the end: not observed.
    assert.equal(parseCapture(sectionLines('routerdrop', 'reach-capture').slice(0, 3), CALLER).status, 'failed');
  });

  it('the whole real output → guest evidence with reach', () => {
    const g = parseGuestOutput(reachFixture('guestdrop'), 22, CALLER);
    assert.deepEqual([g.serviceActive, g.listeningPorts, g.firewallBlocks], [true, [22], false]);
    assert.equal(g.reach?.tool, 'bash');
    assert.deepEqual(g.reach?.privateIps, [GUEST]);
    assert.equal(g.reach?.self.filter((s) => s.outcome === 'ssh').length, 3);
    // The nft output rule that drops the replies is no input firewall.
    assert.equal(g.reach?.capture?.status, 'observed');
  });
});

describe('(unit) client network: the script\'s variable parts are validated', () => {
  it('writes the caller and the public addresses, and nothing else', () => {
    const s = buildGuestScript(22, { callerIp: CALLER, publicIps: [GUEST, 'fd00:cd:1::2'] });
    assert.match(s, /^CALLER=10\.213\.0\.65$/m);
    assert.match(s, /^PUBLIC_IPS="10\.213\.0\.82 fd00:cd:1::2"$/m);
    assert.match(s, /timeout 6 tcpdump -i any -n -l -tt -c 40 "tcp port \$PORT and host \$CALLER"/);
    assert.match(buildGuestScript(22), /^CALLER=$/m);
    assert.match(buildGuestScript(22), /^PUBLIC_IPS=""$/m);
  });
  for (const bad of ['10.213.0.65; reboot', '$(id)', 'example.com', '10.213.0.65 ', '']) {
    it(`rejects ${JSON.stringify(bad)} as the caller or a public address`, () => {
      assert.throws(() => buildGuestScript(22, { callerIp: bad }), RangeError);
      assert.throws(() => buildGuestScript(22, { publicIps: [GUEST, bad] }), RangeError);
    });
  }
  it('the port check is unchanged', () => assert.throws(() => buildGuestScript(0, { callerIp: CALLER }), RangeError));
});

describe('(unit) client network: the engine keeps sending SYNs while the guest watches', () => {
  const fakeTcp = (outcome: TcpResult['outcome'], calls: Array<{ address: string; port: number; timeoutMs: number }>): Probes['tcp'] => async (address, port, o) => {
    calls.push({ address, port, timeoutMs: o.timeoutMs });
    if (outcome !== 'timeout') return { result: { ...tcpResult(outcome), address, port } };
    // A silent port: resolves as a timeout at its deadline or when the signal ends it.
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, o.timeoutMs);
      o.signal.addEventListener('abort', () => { clearTimeout(t); resolve(); }, { once: true });
    });
    return { result: { ...tcpResult('timeout'), address, port } };
  };

  it('one timed attempt per interval to the target only, until the in-guest check ends: covered', async () => {
    const calls: Array<{ address: string; port: number; timeoutMs: number }> = [];
    let end!: () => void;
    const until = new Promise<void>((r) => { end = r; });
    setTimeout(() => end(), 95);
    const r = await keepSyns(fakeTcp('timeout', calls), GUEST, 22, until, new AbortController().signal, { attemptMs: 20 });
    assert.equal(r.coveredGuestRun, true);
    assert.equal(r.connected, 0);
    assert.ok(r.attempts >= 4 && r.attempts <= 6, String(r.attempts));
    assert.ok(calls.every((c) => c.address === GUEST && c.port === 22 && c.timeoutMs === 20));
  });

  it('bounded: at the attempt limit it stops and says the check was not covered', async () => {
    const calls: Array<{ address: string; port: number; timeoutMs: number }> = [];
    const r = await keepSyns(fakeTcp('timeout', calls), GUEST, 22, new Promise(() => undefined), new AbortController().signal, { attemptMs: 5, maxAttempts: 3 });
    assert.deepEqual([r.attempts, r.coveredGuestRun, calls.length], [3, false, 3]);
    const t = await keepSyns(fakeTcp('refused', []), GUEST, 22, new Promise(() => undefined), new AbortController().signal, { attemptMs: 10, maxMs: 45 });
    assert.ok(t.attempts >= 3 && t.attempts <= 6 && !t.coveredGuestRun, `an early answer waits out its interval: ${t.attempts}`);
  });

  it('a connect ends the sending at once', async () => {
    const calls: Array<{ address: string; port: number; timeoutMs: number }> = [];
    const r = await keepSyns(fakeTcp('connected', calls), GUEST, 22, new Promise(() => undefined), new AbortController().signal, { attemptMs: 10 });
    assert.deepEqual([r.attempts, r.connected, r.coveredGuestRun], [1, 1, true]);
  });

  it('a user cancel rejects with CancelledError', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(new CancelledError()), 30);
    await assert.rejects(keepSyns(fakeTcp('refused', []), GUEST, 22, new Promise(() => undefined), ac.signal, { attemptMs: 10 }), (e: Error) => e.name === 'CancelledError');
  });
});

describe('(unit) client network: the decision', () => {
  const code = clientNetEvidence;
  const codes = (e: ReturnType<typeof code>, lang: Lang = 'en') => findings(e, classifyCode(e), lang).map((f) => f.code);

  it('every condition holds → CLIENT_NETWORK_BLOCKS, whose text names the caller and the window', () => {
    const e = clientNetEvidence();
    assert.equal(classifyCode(e), 'CLIENT_NETWORK_BLOCKS');
    const v = buildVerdict('CLIENT_NETWORK_BLOCKS', e, 'en');
    assert.match(v.summary, /saw no SYN from 10\.213\.0\.65 in 6 s/);
    assert.match(v.summary, /answers the instance's own connection \(127\.0\.0\.1, 10\.213\.0\.82\)/);
    const ko = buildVerdict('CLIENT_NETWORK_BLOCKS', e, 'ko');
    assert.match(ko.title, /^내 네트워크가 포트 22를 막습니다/);
    assert.match(ko.summary, /6초 동안 10\.213\.0\.65 주소에서 온 SYN 패킷을 보지 못했습니다/);
  });

  // Each condition broken alone: never CLIENT_NETWORK_BLOCKS.
  const broken: Array<[string, ReturnType<typeof code>]> = [
    ['the client connected', code({ over: { tcp: tcpResult('connected') } })],
    ['the port was refused, not silent', code({ over: { tcp: tcpResult('refused', 'ECONNREFUSED') } })],
    ['a security group denies', code({ cloud: { securityGroups: { verdict: 'deny', evaluatedFor: CALLER } } })],
    ['the groups were evaluated for any source (exceptions)', code({ cloud: { securityGroups: { verdict: 'allow', evaluatedFor: 'any source', exceptFor: ['10.213.9.0/24'] } } })],
    ['no security group record (read failed)', code({ cloud: { securityGroups: undefined, errors: [{ kind: 'network', action: 'DescribeSecurityGroupPolicies', message: 'x' }] } })],
    ['the network ACL denies', code({ cloud: { networkAcl: { verdict: 'deny', aclId: 'acl-lab' } } })],
    ['the network ACL could not be read', code({ cloud: { networkAcl: undefined, errors: [{ kind: 'network', action: 'DescribeNetworkAcls', message: 'x' }] } })],
    ['the guest firewall blocks', code({ guest: { firewallBlocks: true } })],
    ['sshd is not running', code({ guest: { serviceActive: false } })],
    ['sshd does not listen on the port', code({ guest: { listeningPorts: [2222] } })],
    ['the guest cannot reach its own port', code({ output: reachFixture('routerdrop').replace(/^self (loopback|private) (\S+) rc=0 SSH-.*$/gm, 'self $1 $2 rc=1 cvmd: connect: Connection refused') })],
    ['no self-connect tool', code({ output: reachFixture('routerdrop').replace(/^tool bash$/m, 'tool none').replace(/^self .*\n/gm, '') })],
    ['tcpdump not installed', code({ output: reachFixture('notcpdump') })],
    ['a SYN arrived', code({ output: reachFixture('guestdrop') })],
    ['the caller address unknown', code({ cloud: { callerIp: undefined } })],
    ['the SYNs did not cover the capture', code({ over: { clientSyns: { attempts: 150, connected: 0, durationMs: 150_000, coveredGuestRun: false } } })],
    ['no SYNs kept up (no record)', code({ over: { clientSyns: undefined } })],
    ['the guest checks did not finish', code({ guest: { error: 'x', errorKind: 'incomplete' } })],
    ['the agent is offline', code({ guest: { agentOnline: false } })],
    ['the probed address is not the instance\'s', code({ over: { tcp: { ...tcpResult('timeout'), address: '10.213.0.99' } } })],
  ];
  for (const [name, e] of broken) {
    it(`${name} → not CLIENT_NETWORK_BLOCKS`, () => assert.notEqual(classifyCode(e), 'CLIENT_NETWORK_BLOCKS'));
  }

  it('SYNs arrived, the client still timed out → the port verdict, told as a lost reply, with RETURN_PATH_BLOCKED', () => {
    const e = clientNetEvidence({ output: reachFixture('guestdrop') });
    assert.equal(classifyCode(e), 'PORT_FILTERED');
    assert.deepEqual(clientPath(e), { kind: 'return-path', caller: CALLER, synsIn: 18, repliesOut: 0 });
    assert.ok(codes(e).includes('RETURN_PATH_BLOCKED'), codes(e).join());
    const v = buildVerdict('PORT_FILTERED', e, 'en');
    assert.match(v.title, /your SYNs arrive, the replies never come back/);
    assert.match(v.summary, /saw 18 SYN\(s\) from 10\.213\.0\.65 arrive, yet no SYN-ACK left the instance/);
    // No SYN-ACK left: the instance itself drops it (tcpdump sees what leaves, so not the ACL).
    assert.match(v.summary, /firewall rules on input and output .*reverse-path filtering and its routes/);
    assert.doesNotMatch(v.summary, /ACL/);
    // SYN-ACKs left and were lost: the way back (the ACL's outbound rules among them).
    const replied = clientNetEvidence({ output: reachFixture('guestdrop') });
    const cap = replied.cloud!.guest!.reach!.capture!;
    assert.equal(cap.status, 'observed');
    if (cap.status === 'observed') cap.repliesOut = 3;
    const rv = buildVerdict('PORT_FILTERED', replied, 'en');
    assert.match(rv.summary, /answered them with 3 SYN-ACK\(s\) that never reached you\. The way in is open; the reply is dropped on the way back: check the network ACL's outbound rules/);
    assert.match(buildVerdict('PORT_FILTERED', replied, 'ko').summary, /SYN-ACK 패킷 3개로 응답했지만 나에게 도착하지 않았습니다\. 들어가는 길은 열려 있고/);
    assert.ok(v.remediation.some((s) => s.command?.includes('ip route get 10.213.0.65')), JSON.stringify(v.remediation));
    assert.ok(v.remediation.some((s) => s.command?.includes('rp_filter')));
    assert.match(buildVerdict('PORT_FILTERED', e, 'ko').summary, /SYN 패킷 18개가 도착한 것을 확인했습니다/);
    // A connect during the keeper: the path works now; no claim.
    assert.equal(clientPath(clientNetEvidence({ output: reachFixture('guestdrop'), over: { clientSyns: { attempts: 3, connected: 1, durationMs: 3000, coveredGuestRun: true } } })), undefined);
  });

  const undecided: Array<[string, ReturnType<typeof code>, RegExp]> = [
    ['caller unknown', code({ cloud: { callerIp: undefined } }), /your public address is unknown/],
    ['no tcpdump', code({ output: reachFixture('notcpdump') }), /tcpdump is not installed there/],
    ['not covered', code({ over: { clientSyns: { attempts: 150, connected: 0, durationMs: 150_000, coveredGuestRun: false } } }), /did not last until the in-guest check ended/],
  ];
  for (const [name, e, text] of undecided) {
    it(`${name} → SYN_ARRIVAL_UNKNOWN, the port verdict stays`, () => {
      assert.equal(classifyCode(e), 'PORT_FILTERED');
      const f = findings(e, classifyCode(e), 'en').find((x) => x.code === 'SYN_ARRIVAL_UNKNOWN');
      assert.match(f?.message ?? '', text);
      assert.ok(findings(e, classifyCode(e), 'ko').find((x) => x.code === 'SYN_ARRIVAL_UNKNOWN')?.message.includes('판단'));
    });
  }

  it('remediation: another network, the network owner, sshd on 443 too — per OS, each variant labelled when unknown', () => {
    // The fixture's guest is Debian 12 (its /etc/os-release): without it, the OS is unknown.
    const e = clientNetEvidence({ guest: { os: undefined } });
    const steps = buildVerdict('CLIENT_NETWORK_BLOCKS', e, 'en').remediation;
    assert.match(steps[0]!.text, /phone hotspot/);
    assert.match(steps[1]!.text, /outgoing TCP 22 is blocked/);
    const deb = steps.find((s) => s.text.startsWith('[Debian/Ubuntu (ssh.service)] ') && s.command?.includes('Port 443'));
    assert.match(deb?.command ?? '', /sudo sed -i '1i Port 443' \/etc\/ssh\/sshd_config && sudo mkdir -p \/run\/sshd && sudo sshd -t && sudo systemctl restart ssh$/);
    const sock = steps.find((s) => s.text.startsWith('[Ubuntu 22.10+ (ssh.socket)] ') && s.command?.includes('Port 443'));
    assert.match(sock?.command ?? '', /daemon-reload && sudo systemctl restart ssh\.socket$/);
    const rhel = steps.find((s) => s.text.startsWith('[CentOS/Rocky/AlmaLinux/TencentOS, openSUSE/SLES] ') && s.command?.includes('Port 443'));
    assert.match(rhel?.command ?? '', /sudo sshd -t && sudo systemctl restart sshd$/);
    assert.ok(steps.some((s) => s.command === 'sudo semanage port -m -t ssh_port_t -p tcp 443'));
    assert.ok(steps.some((s) => /ssh -p 443 /.test(s.command ?? '')), JSON.stringify(steps.map((s) => s.command)));
    // Known OS: only its commands, unlabelled.
    const debian = clientNetEvidence({ guest: { os: { id: 'debian', versionId: '12' } } });
    const only = buildVerdict('CLIENT_NETWORK_BLOCKS', debian, 'en').remediation.filter((s) => s.command);
    assert.ok(only.every((s) => !/systemctl restart sshd|semanage/.test(s.command!)), JSON.stringify(only));
  });

  it('the reach check: fail with the capture told; Korean too', () => {
    const e = clientNetEvidence();
    // The engine emits it after the cloud checks (diagnose.ts); here its builder alone.
    const c = reachCheck(e, 'en')!;
    assert.equal(c.id, 'cloud.guestReach');
    assert.equal(c.status, 'fail');
    assert.match(c.summary, /127\.0\.0\.1 answers SSH/);
    assert.match(c.summary, /tcpdump saw no SYN from 10\.213\.0\.65 to port 22 in 6 s/);
    assert.match(c.summary, /12 more connection attempts over 12 s/);
    assert.match(reachCheck(e, 'ko')!.summary, /6초 동안 10\.213\.0\.65 주소에서 포트 22 쪽으로 온 SYN 패킷이 없습니다/);
    assert.equal(reachCheck(clientNetEvidence({ output: reachFixture('notcpdump') }), 'en')!.status, 'warn');
  });
});

describe('(unit) client network: the engine starts the SYN keeper as soon as the port gave up', () => {
  // Scripted probes (nothing touches the network): ping answers, every SYN is dropped, the other
  // port is slow to answer; the cloud's view (with the guest's answer) comes after 400 ms.
  const target = { host: GUEST, port: 22, protocol: 'ssh' as const, altPorts: [2222], timeoutMs: 150, icmp: true, cloud: { instanceId: 'ins-lab00001', region: 'ap-seoul' } };
  const probes = (log: Array<[string, number]>, t0: number): Probes => ({
    dns: async (host) => ({ ok: true, literal: true, addresses: [{ address: host, family: 4 }], durationMs: 0 }),
    icmp: async (address) => ({ outcome: 'reply', method: 'raw-socket', address, rttMs: 1, durationMs: 1 }),
    tcp: async (address, port, o) => {
      log.push([`tcp:${port}`, performance.now() - t0]);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, o.timeoutMs);
        o.signal.addEventListener('abort', () => { clearTimeout(t); resolve(); }, { once: true });
      });
      return { result: { outcome: 'timeout', address, port, deadlineMs: o.timeoutMs, durationMs: o.timeoutMs } };
    },
    banner: async () => { throw new Error('no banner on a filtered port'); },
    ssh: async () => { throw new Error('no ssh on a filtered port'); },
    rdp: async () => { throw new Error('no rdp'); },
  });
  const cloudAnswer = (after: number) => ({
    inspect: async () => {
      await new Promise((r) => setTimeout(r, after));
      return clientNetEvidence().cloud!;
    },
  });

  it('with guest checks: attempts on the main port until the cloud answers; the report has the reach check', async () => {
    const log: Array<[string, number]> = [];
    const t0 = performance.now();
    const report = await diagnose(target, { probes: probes(log, t0), cloud: cloudAnswer(400), guestChecks: true });
    const main = log.filter(([p]) => p === 'tcp:22');
    assert.ok(main.length >= 2, JSON.stringify(log));
    // The keeper's attempts run on port 22 only (the alternative port was tried once, by the scan).
    assert.deepEqual([...new Set(log.map(([p]) => p))].sort(), ['tcp:22', 'tcp:2222']);
    const reachC = report.checks.find((c) => c.id === 'cloud.guestReach');
    const kept = reachC?.evidence.clientSyns as { attempts: number; coveredGuestRun: boolean } | undefined;
    assert.ok(kept && kept.attempts >= 1 && kept.coveredGuestRun, JSON.stringify(reachC));
    assert.equal(report.verdict.code, 'CLIENT_NETWORK_BLOCKS');
  });

  it('without guest checks: no keeper, and the cloud records alone never make CLIENT_NETWORK_BLOCKS', async () => {
    const log: Array<[string, number]> = [];
    const report = await diagnose(target, { probes: probes(log, performance.now()), cloud: cloudAnswer(300), guestChecks: false });
    assert.ok(!report.checks.some((c) => (c.evidence as { clientSyns?: unknown }).clientSyns), 'no SYN keeper without consent');
    assert.notEqual(report.verdict.code, 'CLIENT_NETWORK_BLOCKS');
  });
});
