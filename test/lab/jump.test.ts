/**
 * (lab) Through a bastion: every hop of a jump chain diagnosed, the built CLI running inside a
 * client namespace that has no default route (jumpLab.ts), real sshd on bastions and private
 * hosts, the private hosts reachable only through an SSH channel.
 */
import * as assert from 'assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import type { LabHost } from '../support/lab';
type LightHostLike = Pick<LabHost, 'ipv4'>;
import { labUnavailableReason } from '../support/lab';
import { cliUnavailableReason } from '../support/labEngine';
import { createJumpTopology, type JumpTopology } from '../support/jumpLab';
import { assertReportSchema } from '../support/reportSchema';

interface JsonReport {
  verdict: { code: string; hop?: number; summary: string; loginTested?: false; remediation: Array<{ command?: string }> };
  target: { host: string; jump?: Array<{ host: string; port: number; user?: string }> };
  checks: Array<{ id: string; status: string; hop?: number; summary: string; evidence: Record<string, unknown> }>;
  findings: Array<{ code: string; message: string }>;
}

describe('(lab) jump chains: each hop diagnosed through the one before it', function () {
  this.timeout(120_000);
  let j: JumpTopology | undefined;
  let bastion: LabHost, noForward: LabHost, down: LabHost;
  let priv: LabHost, stopped: LabHost, dropped: LabHost, wrongKey: LabHost, third: LabHost, behindNoForward: LabHost;
  let kh: string;
  const timeout = '2000';

  before(async function () {
    const reason = labUnavailableReason() ?? cliUnavailableReason();
    if (reason) {
      console.log(`    SKIPPED lab jump tests: ${reason}`);
      this.skip();
    }
    j = await createJumpTopology();
    [bastion, noForward, down] = await Promise.all([
      j.addBastion({ label: 'bastion', sshd: {} }),
      j.addBastion({ label: 'bastion-no-forwarding', sshd: { extraConfig: ['AllowTcpForwarding no'] } }),
      // A bastion that is down: nothing answers at all (its SYNs counted).
      j.addBastion({ label: 'bastion-down', nft: 'tcp dport 22 counter drop\ndrop' }),
    ]);
    [priv, stopped, dropped, wrongKey, behindNoForward] = await Promise.all([
      j.addBehind(bastion, { label: 'private', sshd: {} }),
      j.addBehind(bastion, { label: 'private-sshd-stopped' }),
      j.addBehind(bastion, { label: 'private-port-dropped', sshd: {}, nft: 'tcp dport 22 drop' }),
      // Accepts no key at all for the lab user: the lab key is the wrong key here.
      j.addBehind(bastion, { label: 'private-wrong-key', sshd: { extraConfig: ['Match User *', '  AuthorizedKeysFile none'] } }),
      j.addBehind(noForward, { label: 'behind-no-forwarding', sshd: {} }),
    ]);
    third = await j.addBehind(priv, { label: 'third-hop', sshd: {} });
    kh = j.lab.writeKnownHosts([bastion, noForward, priv, dropped, wrongKey, behindNoForward, third].map((h) => h.knownHostsLine));
  });

  after(async () => {
    await j?.destroy();
  });

  const user = () => j!.lab.user;
  async function diagnose(host: LabHost, chain: LabHost[], extra: string[] = []): Promise<{ code: number | null; report: JsonReport; stderr: string }> {
    const r = await j!.runCli(['diagnose', host.ipv4, '--user', user(), '-i', j!.lab.clientKeyPath, '--known-hosts', kh,
      '--jump', chain.map((b) => `${user()}@${b.ipv4}`).join(','), '--timeout', timeout, '--json', ...extra]);
    let report: JsonReport;
    try {
      report = JSON.parse(r.stdout) as JsonReport;
    } catch {
      throw new Error(`no JSON (exit ${r.code}): ${r.stderr}\n${r.stdout}`);
    }
    assertReportSchema(report);
    return { code: r.code, report, stderr: r.stderr };
  }
  const ids = (r: JsonReport) => r.checks.map((c) => c.id);

  it('the client has no default route and the private hosts are reachable only through a bastion', async () => {
    await j!.assertIsolation();
    // Straight from the client the private address is not even routable.
    const direct = await j!.runCli(['diagnose', priv.ipv4, '--timeout', '1000', '--alt-ports', 'none', '--no-icmp', '--json']);
    const o = JSON.parse(direct.stdout) as JsonReport;
    assert.equal(o.verdict.code, 'HOST_UNREACHABLE', direct.stdout);
  });

  it('all healthy: OK, every layer of both hops checked, the chain in the report', async () => {
    const { code, report } = await diagnose(priv, [bastion]);
    assert.equal(report.verdict.code, 'OK', report.verdict.summary);
    assert.equal(code, 0);
    assert.equal(report.verdict.hop, 2);
    for (const id of ['hop1.dns', 'hop1.icmp', 'hop1.tcp', 'hop1.banner', 'hop1.kex', 'hop1.hostkey', 'hop1.login', 'hop2.tcp', 'hop2.banner', 'hop2.kex', 'hop2.hostkey', 'hop2.login']) {
      assert.ok(ids(report).includes(id), `${id} missing: ${ids(report).join(' ')}`);
    }
    assert.equal(report.checks.find((c) => c.id === 'hop1.login')?.status, 'pass');
    assert.equal(report.checks.find((c) => c.id === 'hop2.login')?.status, 'pass');
    // The host key of the private host is checked under its own name, and matches.
    assert.equal(report.checks.find((c) => c.id === 'hop2.hostkey')?.status, 'pass');
    // No ICMP beyond the first hop, and the report says so.
    const icmp2 = report.checks.find((c) => c.id === 'hop2.icmp')!;
    assert.equal(icmp2.status, 'skip');
    assert.match(icmp2.summary, /beyond the first hop/);
    assert.deepEqual(report.target.jump, [{ host: bastion.ipv4, port: 22, user: user() }]);
    assert.ok(report.verdict.remediation.some((s) => s.command?.includes(`-J ${user()}@${bastion.ipv4}`)), JSON.stringify(report.verdict.remediation));
  });

  it('private sshd stopped: PORT_CLOSED on hop 2, seen from the bastion', async () => {
    const { code, report } = await diagnose(stopped, [bastion]);
    assert.equal(report.verdict.code, 'PORT_CLOSED', report.verdict.summary);
    assert.equal(report.verdict.hop, 2);
    assert.equal(code, 1);
    assert.match(report.verdict.summary, new RegExp(`seen from bastion ${bastion.ipv4.replace(/\./g, '\\.')}`));
    const tcp = report.checks.find((c) => c.id === 'hop2.tcp')!;
    assert.equal((tcp.evidence.forward as { kind: string }).kind, 'refused');
  });

  it('private port dropped: PORT_FILTERED on hop 2 (the other ports answer through the bastion)', async () => {
    const { report } = await diagnose(dropped, [bastion]);
    assert.equal(report.verdict.code, 'PORT_FILTERED', report.verdict.summary);
    assert.equal(report.verdict.hop, 2);
    assert.equal((report.checks.find((c) => c.id === 'hop2.tcp')!.evidence.forward as { kind: string }).kind, 'timeout');
    assert.ok(ids(report).includes('hop2.altports'));
  });

  it("bastion's AllowTcpForwarding no: JUMP_FORWARDING_DENIED on hop 1", async () => {
    const { code, report } = await diagnose(behindNoForward, [noForward]);
    assert.equal(report.verdict.code, 'JUMP_FORWARDING_DENIED', report.verdict.summary);
    assert.equal(report.verdict.hop, 1);
    assert.equal(code, 1);
    assert.equal(report.checks.find((c) => c.id === 'hop1.login')?.status, 'pass');
    assert.equal((report.checks.find((c) => c.id === 'hop2.tcp')!.evidence.forward as { kind: string }).kind, 'prohibited');
  });

  it("bastion down: hop 1's own verdict, nothing beyond it tried", async () => {
    const { code, report } = await diagnose(priv, [down], ['--alt-ports', 'none']);
    assert.equal(report.verdict.code, 'NO_RESPONSE', report.verdict.summary);
    assert.equal(report.verdict.hop, 1);
    assert.equal(code, 1);
    assert.ok(!ids(report).some((id) => id.startsWith('hop2.')), ids(report).join(' '));
  });

  it('wrong key for the private host: AUTH_FAILED on hop 2 (the bastion accepted it)', async () => {
    const { report } = await diagnose(wrongKey, [bastion]);
    assert.equal(report.verdict.code, 'AUTH_FAILED', report.verdict.summary);
    assert.equal(report.verdict.hop, 2);
    assert.equal(report.checks.find((c) => c.id === 'hop1.login')?.status, 'pass');
  });

  it('private host key changed: HOST_KEY_MISMATCH on hop 2, nothing sent to it', async () => {
    const foreign = await j!.lab.foreignHostKey();
    const changed = j!.lab.writeKnownHosts([bastion.knownHostsLine, `${priv.ipv4} ${foreign}`]);
    const r = await j!.runCli(['diagnose', priv.ipv4, '--user', user(), '-i', j!.lab.clientKeyPath, '--known-hosts', changed,
      '--jump', `${user()}@${bastion.ipv4}`, '--timeout', timeout, '--json']);
    const report = JSON.parse(r.stdout) as JsonReport;
    assert.equal(report.verdict.code, 'HOST_KEY_MISMATCH', report.verdict.summary);
    assert.equal(report.verdict.hop, 2);
    assert.notEqual(report.checks.find((c) => c.id === 'hop2.login')?.status, 'pass');
  });

  it('a three-hop chain: OK, then a stopped third hop is PORT_CLOSED on hop 3 seen from hop 2', async () => {
    const ok = await diagnose(third, [bastion, priv]);
    assert.equal(ok.report.verdict.code, 'OK', ok.report.verdict.summary);
    assert.equal(ok.report.verdict.hop, 3);
    assert.ok(ids(ok.report).includes('hop3.login'));
    assert.equal(ok.report.target.jump?.length, 2);

    const closed = await diagnose(third, [bastion, priv], ['--port', '2200', '--alt-ports', 'none']);
    assert.equal(closed.report.verdict.code, 'PORT_CLOSED', closed.report.verdict.summary);
    assert.equal(closed.report.verdict.hop, 3);
    assert.match(closed.report.verdict.summary, new RegExp(`seen from bastion ${priv.ipv4.replace(/\./g, '\\.')}`));
  });

  it('a ssh_config with ProxyJump, imported and diagnosed end to end', async () => {
    const cfg = path.join(j!.lab.dir, 'ssh_config');
    fs.writeFileSync(cfg, [
      'Host lab-bastion',
      `  HostName ${bastion.ipv4}`,
      `  User ${user()}`,
      `  IdentityFile ${j!.lab.clientKeyPath}`,
      'Host lab-private',
      `  HostName ${priv.ipv4}`,
      `  User ${user()}`,
      '  ProxyJump lab-bastion',
      'Host lab-third',
      `  HostName ${third.ipv4}`,
      `  User ${user()}`,
      '  ProxyJump lab-private',
      'Host loop-a',
      '  ProxyJump loop-b',
      'Host loop-b',
      '  ProxyJump loop-a',
    ].join('\n') + '\n');
    const runner = path.resolve(__dirname, '..', 'support', 'jumpRunner.js');
    const r = await j!.runNode(runner, [cfg, 'lab-third', j!.lab.clientKeyPath, kh]);
    const report = JSON.parse(r.stdout) as JsonReport;
    assertReportSchema(report);
    assert.equal(report.verdict.code, 'OK', report.verdict.summary);
    assert.equal(report.verdict.hop, 3);
    assert.deepEqual(report.target.jump?.map((h) => h.host), [bastion.ipv4, priv.ipv4]);

    const loop = await j!.runNode(runner, [cfg, 'loop-a', j!.lab.clientKeyPath, kh]);
    assert.equal(loop.code, 2);
    assert.match(loop.stderr, /ProxyJump loop: loop-a → loop-b → loop-a/);
  });

  it('reachability light check through the chain; a bastion that is down is asked once per interval', async () => {
    const runner = path.resolve(__dirname, '..', 'support', 'jumpLightRunner.js');
    const hop = (b: LightHostLike) => ({ host: b.ipv4, port: 22, user: user(), identityFile: j!.lab.clientKeyPath });
    const t = (h: LabHost, b: LabHost) => ({ host: h.ipv4, port: 22, protocol: 'ssh', jump: [hop(b)], knownHostsPath: kh });
    const synCount = async () => Number(/counter packets (\d+)/.exec((await down.exec(['nft', 'list', 'ruleset'])).stdout)?.[1] ?? NaN);
    const before = await synCount();
    const r = await j!.runNode(runner, [JSON.stringify({
      timeoutMs: 1500, intervalMs: 60_000,
      targets: [t(priv, bastion), t(stopped, bastion), t(priv, down), t(dropped, down), t(wrongKey, down)],
    })], { timeoutMs: 60_000 });
    const results = JSON.parse(r.stdout) as Array<{ state: string; reason: string; detail: string }>;
    assert.equal(results[0]!.state, 'reachable', JSON.stringify(results));
    assert.equal(results[1]!.state, 'unreachable');
    assert.match(results[1]!.detail, new RegExp(`seen from ${bastion.ipv4.replace(/\./g, '\\.')}: refused`));
    for (const x of results.slice(2)) assert.deepEqual([x.state, x.reason], ['unreachable', 'bastion'], JSON.stringify(results));
    // Three instances behind the down bastion, one connect attempt's SYNs (a first and its
    // retransmission within 1.5 s): the second and third did not touch it.
    const syns = (await synCount()) - before;
    assert.ok(syns >= 1 && syns <= 2, `${syns} SYNs reached the down bastion`);
  });
});
