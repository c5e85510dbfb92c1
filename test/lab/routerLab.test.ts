/**
 * (lab) The router topology itself (routerLab.ts), checked before any verdict relies on it: the
 * client has no default route and reaches the guests only through the router, the router's
 * forward chain sees (and can drop) the client's packets, tcpdump works inside a guest's
 * namespace, the CLI runs in the client namespace against the local endpoint there, and the
 * fake TAT runs the real in-guest script in the guest's namespace.
 */
import * as assert from 'assert/strict';
import { execFile } from 'child_process';
import { MARK } from '../../src/cloud/guestScript';
import type { LabHost } from '../support/lab';
import { labUnavailableReason } from '../support/lab';
import { addLabNetwork, labInstance } from '../support/labCloud';
import { cliUnavailableReason } from '../support/labEngine';
import { createRouterLab, type RouterLab } from '../support/routerLab';
import { defaultTencentFixture, REGION } from '../support/tencentEndpoint';

interface JsonReport {
  verdict: { code: string };
  checks: Array<{ id: string; status: string; summary: string; evidence: Record<string, unknown> }>;
}

function tool(cmd: string, args: string[], timeoutMs = 10_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: timeoutMs }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : null) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

describe('(lab) router topology: client → router → guest', function () {
  this.timeout(120_000);
  let r: RouterLab | undefined;
  let guest: LabHost;
  let names: string[] = [];

  before(async function () {
    const reason = labUnavailableReason() ?? cliUnavailableReason();
    if (reason) {
      console.log(`    SKIPPED router lab tests: ${reason}`);
      this.skip();
    }
    r = await createRouterLab();
    guest = await r.addGuest({ label: 'routed-guest', sshd: {} });
    names = [r.clientNs, r.router.ns, guest.ns];
  });

  afterEach(async () => { await r?.setForwardRules([]); });

  after(async () => {
    await r?.destroy();
    if (!names.length) return;
    const left = (await tool('ip', ['netns', 'list'])).stdout;
    for (const n of names) assert.ok(!left.split('\n').some((l) => l.split(' ')[0] === n), `namespace ${n} left behind`);
  });

  const diagnose = (extra: string[] = []) => r!.runCli(['diagnose', guest.ipv4, '--no-icmp', '--timeout', '1500', '--known-hosts', r!.lab.writeKnownHosts([guest.knownHostsLine]), '--alt-ports', '2222', '--json', ...extra]);

  it('isolation: no default route in the client, guests routed via the router, unreachable from the machine', async () => {
    await r!.assertIsolation();
    // The guest answers the client's address, which lives only in the client namespace.
    const back = await guest.exec(['ip', 'route', 'get', r!.callerIpv4]);
    assert.match(back.stdout, new RegExp(`via ${guest.rootIpv4.replace(/\./g, '\\.')} `));
  });

  it("the client's connection goes through the router: its forward counter grows, and a drop there filters the port", async () => {
    const before = await r!.forwardedPackets();
    const ok = await diagnose();
    assert.equal(ok.code, 0, ok.stderr + ok.stdout);
    assert.equal((JSON.parse(ok.stdout) as JsonReport).verdict.code, 'OK');
    const after = await r!.forwardedPackets();
    assert.ok(after > before, `the router forwarded nothing (${before} → ${after})`);

    await r!.setForwardRules([`ip saddr ${r!.callerIpv4} tcp dport 22 drop`]);
    const dropped = await diagnose();
    assert.equal(dropped.code, 1, dropped.stderr);
    const tcp = (JSON.parse(dropped.stdout) as JsonReport).checks.find((c) => c.id === 'tcp');
    assert.equal(tcp?.evidence.outcome, 'timeout', JSON.stringify(tcp));
  });

  it("tcpdump inside the guest's namespace sees the client's SYN from the caller address", async () => {
    const capture = guest.exec(['timeout', '8', 'tcpdump', '-i', 'any', '-n', '-l', '-c', '1', `tcp dst port 22 and src host ${r!.callerIpv4}`], 12_000)
      .catch((e: Error) => ({ stdout: '', stderr: e.message }));
    // tcpdump needs a moment to open its socket: connect a few times, bounded.
    for (let i = 0; i < 5; i++) {
      await new Promise((res) => setTimeout(res, 400));
      await r!.runCli(['diagnose', guest.ipv4, '--no-icmp', '--timeout', '1000', '--alt-ports', '2222', '--json']);
    }
    const { stdout, stderr } = await capture;
    assert.match(stdout, new RegExp(`IP ${r!.callerIpv4.replace(/\./g, '\\.')}\\.\\d+ > ${guest.ipv4.replace(/\./g, '\\.')}\\.22: Flags \\[S\\]`), `${stdout}\n${stderr}`);
  });

  it('the CLI in the client namespace reaches the local endpoint there; TAT runs the real script in the guest', async () => {
    const fx = defaultTencentFixture();
    addLabNetwork(fx, '10.213.255.254');
    fx.instances.push(labInstance('ins-routed01', guest, { PrivateIpAddresses: [guest.ipv4] }));
    const res = await r!.runCloudCli(['diagnose', guest.ipv4, '--no-icmp', '--timeout', '1500', '--alt-ports', '2222', '--tencent-instance', 'ins-routed01', '--region', REGION, '--guest-checks', '--json'],
      { fixture: fx, guests: { 'ins-routed01': r!.guestFacts(guest) }, env: { CVM_DOCTOR_CALLER_IP: r!.callerIpv4 } });
    assert.ok(res.stdout, res.stderr);
    const rep = JSON.parse(res.stdout) as JsonReport;
    assert.deepEqual(res.requests.filter((q) => q.action === 'RunCommand').map((q) => q.errorCode), [undefined]);
    assert.equal(res.commands.length, 1);
    assert.ok(res.commands[0]!.script.includes(`${MARK}:BEGIN $1`) && res.commands[0]!.script.includes('sec listen'));
    const guestCheck = rep.checks.find((c) => c.id === 'cloud.guest');
    assert.ok(guestCheck, JSON.stringify(rep.checks.map((c) => c.id)));
    // The script's `listen` section is the guest's own sockets: its sshd on 22.
    assert.match(JSON.stringify(guestCheck.evidence), /"listeningPorts":\[22\]/, JSON.stringify(guestCheck));
  });
});
