/**
 * (lab) Path evidence against the router lab (routerLab.ts: client → router → guest, the client
 * in a namespace without a default route): the TCP trace from the client shows the router hop
 * and the destination; when the router drops tcp/22 it shows where the path stops; each TCP tool
 * on its own, and the ICMP fallback when the lookup finds no TCP tool; the guest's trace back to
 * the caller through the fake TAT (the real script, run in the guest's namespace), with mtr and
 * with tracepath, open and stopped at the router.
 */
import * as assert from 'assert/strict';
import { execFile } from 'child_process';
import * as path from 'path';
import { notTracedThroughJump } from '../../src/core/pathEvidence';
import type { PathTrace } from '../../src/core/trace';
import { traceSummary } from '../../src/core/traceText';
import { labUnavailableReason, type LabHost } from '../support/lab';
import { addLabNetwork, labInstance } from '../support/labCloud';
import { cliUnavailableReason } from '../support/labEngine';
import { createRouterLab, type RouterLab } from '../support/routerLab';
import { defaultTencentFixture, REGION } from '../support/tencentEndpoint';

interface JsonReport {
  verdict: { code: string };
  checks: Array<{ id: string; status: string; summary: string; evidence: Record<string, unknown> }>;
}

const RUNNER = path.resolve(__dirname, '../support/traceRunner.js');
const hopsOf = (t: PathTrace) => t.hops.map((h) => h.address ?? '*');

describe('(lab) path evidence through the router lab', function () {
  this.timeout(180_000);
  let r: RouterLab | undefined;
  let guest: LabHost;
  let names: string[] = [];

  before(async function () {
    const reason = labUnavailableReason() ?? cliUnavailableReason();
    if (reason) {
      console.log(`    SKIPPED path evidence lab tests: ${reason}`);
      this.skip();
    }
    r = await createRouterLab();
    guest = await r.addGuest({ label: 'traced-guest', sshd: {} });
    names = [r.clientNs, r.router.ns, guest.ns];
    await r.assertIsolation();
  });

  afterEach(async () => { await r?.setForwardRules([]); });

  after(async () => {
    await r?.destroy();
    if (!names.length) return;
    const left = await new Promise<string>((res) => execFile('ip', ['netns', 'list'], (_e, out) => res(String(out))));
    for (const n of names) assert.ok(!left.split('\n').some((l) => l.split(' ')[0] === n), `namespace ${n} left behind`);
  });

  async function traceWith(tools: string, port = 22): Promise<PathTrace> {
    const res = await r!.runNode(RUNNER, [guest.ipv4, String(port), '1000', tools], { timeoutMs: 60_000 });
    assert.equal(res.code, 0, res.stderr);
    return JSON.parse(res.stdout) as PathTrace;
  }

  const diagnose = (extra: string[]) => r!.runCli(['diagnose', guest.ipv4, '--timeout', '1500', '--alt-ports', 'none',
    '--known-hosts', r!.lab.writeKnownHosts([guest.knownHostsLine]), '--trace', ...extra], { timeoutMs: 90_000 });

  it('the CLI --trace: the router hop, then the destination (JSON and text)', async () => {
    const json = await diagnose(['--json']);
    const rep = JSON.parse(json.stdout) as JsonReport;
    assert.equal(rep.verdict.code, 'OK', json.stderr);
    const out = rep.checks.find((c) => c.id === 'path.out');
    assert.ok(out, JSON.stringify(rep.checks.map((c) => c.id)));
    const t = out.evidence as unknown as PathTrace;
    assert.equal(t.tool, 'mtr', out.summary);
    assert.equal(t.protocol, 'tcp');
    assert.deepEqual(hopsOf(t), [r!.router.ipv4, guest.ipv4]);
    assert.equal(t.reached, true);
    assert.equal(out.status, 'pass');
    // No cloud instance named: no path.back check.
    assert.equal(rep.checks.some((c) => c.id === 'path.back'), false);
    const text = await diagnose([]);
    assert.match(text.stdout, new RegExp(`Path to the host .*\\(mtr --tcp, TCP to port 22\\): the destination ${guest.ipv4.replace(/\./g, '\\.')} answered at hop 2`));
  });

  it('the router drops tcp/22: the trace stops after the router hop (CLI, Korean text too)', async () => {
    await r!.setForwardRules([`ip saddr ${r!.callerIpv4} tcp dport 22 drop`]);
    const json = await diagnose(['--json']);
    const rep = JSON.parse(json.stdout) as JsonReport;
    assert.equal(rep.verdict.code, 'PORT_FILTERED', json.stdout);
    const out = rep.checks.find((c) => c.id === 'path.out')!;
    const t = out.evidence as unknown as PathTrace;
    assert.equal(t.reached, false);
    assert.equal(t.hops[0]!.address, r!.router.ipv4);
    assert.ok(t.hops.slice(1).every((h) => h.address === undefined), JSON.stringify(t.hops));
    assert.equal(out.status, 'warn');
    assert.match(out.summary, new RegExp(`stops after hop 1 \\(${r!.router.ipv4.replace(/\./g, '\\.')}\\): hop 2 and beyond did not answer`));
    const ko = await diagnose(['--lang', 'ko']);
    assert.match(ko.stdout, /경로가 홉 1 다음에서 끊깁니다/);
  });

  for (const tool of ['traceroute', 'tcptraceroute'] as const) {
    it(`${tool} alone: reached when open, stopped at the router when it drops tcp/22`, async () => {
      const open = await traceWith(tool);
      assert.deepEqual([open.tool, open.protocol, hopsOf(open), open.reached], [tool, 'tcp', [r!.router.ipv4, guest.ipv4], true], JSON.stringify(open));
      assert.deepEqual(open.skipped.map((s) => [s.tool, s.reason]), tool === 'traceroute' ? [['mtr', 'not-installed']] : [['mtr', 'not-installed'], ['traceroute', 'not-installed']]);
      await r!.setForwardRules([`ip saddr ${r!.callerIpv4} tcp dport 22 drop`]);
      const stopped = await traceWith(tool);
      assert.equal(stopped.reached, false);
      assert.equal(stopped.hops[0]!.address, r!.router.ipv4);
      assert.ok(stopped.hops.length >= 2 && stopped.hops.slice(1).every((h) => h.address === undefined), JSON.stringify(stopped.hops));
    });
  }

  it('the command told for a target behind a bastion (trace the last leg from the bastion) runs and reaches it', async () => {
    // The client namespace stands in for the bastion: the told argv, run as told (no shell).
    const told = traceSummary(notTracedThroughJump({ host: guest.ipv4, port: 22, protocol: 'ssh', altPorts: [], timeoutMs: 1000, icmp: false, jump: [{ host: '10.213.0.1', port: 22 }] }), 'en');
    const cmd = /: (mtr .*)$/.exec(told)?.[1];
    assert.ok(cmd, told);
    const argv = cmd.split(' ');
    const out = await new Promise<string>((resolve, reject) => execFile('ip', ['netns', 'exec', r!.clientNs, ...argv], { timeout: 60_000 }, (e, so, se) => (e ? reject(new Error(`${cmd}: ${se || e.message}`)) : resolve(so))));
    assert.match(out, new RegExp(`\\|-- ${guest.ipv4.replace(/\./g, '\\.')}\\s`), out);
  });

  it('no TCP tool found: the ICMP fallback (net-ping) traces the router and the guest, and says it is ICMP', async () => {
    await r!.setForwardRules([`ip saddr ${r!.callerIpv4} tcp dport 22 drop`]);
    const t = await traceWith('none');
    assert.deepEqual(t.skipped.map((s) => [s.tool, s.reason]), [['mtr', 'not-installed'], ['traceroute', 'not-installed'], ['tcptraceroute', 'not-installed']]);
    assert.equal(t.tool, 'net-ping', JSON.stringify(t));
    assert.equal(t.protocol, 'icmp');
    // ICMP passes where tcp/22 does not: exactly why the report labels the protocol.
    assert.deepEqual(hopsOf(t), [r!.router.ipv4, guest.ipv4]);
    assert.equal(t.reached, true);
    const { traceSummary } = await import('../../src/core/traceText');
    assert.match(traceSummary(t, 'en'), /\(net-ping, ICMP\).*ICMP may be filtered where TCP is not/);
  });

  describe('from the guest back to the caller (fake TAT runs the real script)', () => {
    const fixture = () => {
      const fx = defaultTencentFixture();
      addLabNetwork(fx, '10.213.255.254');
      fx.instances.push(labInstance('ins-traced01', guest, { PrivateIpAddresses: [guest.ipv4] }));
      return fx;
    };
    const cloudRun = async (without?: string[]) => {
      const res = await r!.runCloudCli(['diagnose', guest.ipv4, '--no-icmp', '--timeout', '1500', '--alt-ports', 'none', '--tencent-instance', 'ins-traced01', '--region', REGION, '--guest-checks', '--trace', '--json'],
        { fixture: fixture(), guests: { 'ins-traced01': r!.guestFacts(guest, without ? { without } : {}) }, env: { CVM_DOCTOR_CALLER_IP: r!.callerIpv4 }, timeoutMs: 120_000 });
      assert.ok(res.stdout, res.stderr);
      assert.equal(res.commands.length, 1);
      // The caller's address went into the script, validated, as the trace's only variable part.
      assert.ok(res.commands[0]!.script.includes(`mtr -n --report -c 1 -m 20 --timeout 1 ${r!.callerIpv4}`), res.commands[0]!.script);
      const rep = JSON.parse(res.stdout) as JsonReport;
      const back = rep.checks.find((c) => c.id === 'path.back');
      assert.ok(back, JSON.stringify(rep.checks.map((c) => [c.id, c.summary])));
      const guestCheck = rep.checks.find((c) => c.id === 'cloud.guest')!;
      assert.match(String(guestCheck.evidence.output), /@@CVMDOCTOR:BEGIN traceback/);
      return { back, t: back.evidence as unknown as PathTrace, output: String(guestCheck.evidence.output) };
    };

    it('mtr in the guest: the router hop, then the caller', async () => {
      const { back, t } = await cloudRun();
      assert.deepEqual([t.tool, t.protocol, t.target], ['mtr', 'icmp', r!.callerIpv4]);
      assert.deepEqual(hopsOf(t), [guest.rootIpv4, r!.callerIpv4]);
      assert.equal(t.reached, true);
      assert.match(back.summary, /from the instance to your address .*\(mtr, ICMP\): the destination .* answered at hop 2/);
    });

    it('no mtr in the guest: tracepath; the router drops what the guest sends to the caller: it stops after hop 1', async () => {
      await r!.setForwardRules([`ip saddr ${guest.ipv4} ip daddr ${r!.callerIpv4} meta l4proto { icmp, udp } drop`]);
      const { back, t, output } = await cloudRun(['/usr/bin/mtr']);
      assert.deepEqual([t.tool, t.protocol], ['tracepath', 'udp'], JSON.stringify(t));
      assert.equal(t.reached, false);
      assert.equal(t.hops[0]?.address, guest.rootIpv4, output.slice(output.indexOf('BEGIN traceback') - 12));
      assert.ok(t.hops.length >= 2 && t.hops.slice(1).every((h) => h.address === undefined), JSON.stringify(t.hops));
      assert.equal(back.status, 'warn');
    });
  });
});
