/**
 * (lab) Probe evidence and cloud evidence meeting in one verdict: real hosts in namespaces
 * (real sshd, real nftables) described by the local TC3-verifying Tencent Cloud endpoint as
 * instances whose public IP is the host's namespace address. Through `diagnose()` with the
 * real probes and the real inspector (SDK → local endpoint), and through the built CLI with
 * the environment a user would set. The in-guest (TAT) answers come from the lab host itself
 * (see test/support/labCloud.ts). The caller address is the lab's root-side veth address: the
 * source the probes' packets really have.
 */
import * as assert from 'assert/strict';
import { createTencentInspector } from '../../src/cloud';
import { diagnose } from '../../src/core/diagnose';
import type { FindingCode, Report, Target, VerdictCode } from '../../src/core/model';
import { createProbes } from '../../src/probes';
import { createLab, type Lab, type LabHost, labUnavailableReason } from '../support/lab';
import { addLabNetwork, labGuest, labInstance } from '../support/labCloud';
import { cliUnavailableReason, LAB_TIMEOUT_MS, labTarget, runCli } from '../support/labEngine';
import { check, evidenceField, fingerprint } from '../support/labScenarios';
import { defaultTencentFixture, REGION, startTencentEndpoint, type TencentEndpoint } from '../support/tencentEndpoint';

const WRONG_KEY = 'wrongSecretKeyLab000000000000000000';

interface Hosts {
  /** sshd on 22, nftables drops tcp/22; ping answers. */
  filtered: LabHost;
  /** sshd on 22, nftables answers tcp/22 with a TCP reset. */
  resetting: LabHost;
  /** No sshd at all. */
  closed: LabHost;
  /** Drops everything (a stopped or isolated instance). */
  dark: LabHost;
  /** sshd on 22, nothing filtered. */
  healthy: LabHost;
}

describe('(lab) probe + Tencent Cloud evidence in one verdict', function () {
  this.timeout(90_000);
  let lab: Lab | undefined;
  let ep: TencentEndpoint | undefined;
  let hosts: Hosts;
  let scriptSent = '';

  before(async function () {
    const reason = labUnavailableReason();
    if (reason) {
      console.log(`    SKIPPED combined cloud lab tests: ${reason}`);
      this.skip();
    }
    lab = await createLab();
    const [filtered, resetting, closed, dark, healthy] = await Promise.all([
      lab.addHost({ label: 'cloud-filtered', sshd: {}, nft: 'tcp dport 22 drop' }),
      lab.addHost({ label: 'cloud-reset', sshd: {}, nft: 'tcp dport 22 reject with tcp reset' }),
      lab.addHost({ label: 'cloud-closed' }),
      lab.addHost({ label: 'cloud-dark', nft: 'drop' }),
      lab.addHost({ label: 'cloud-healthy', sshd: {} }),
    ]);
    hosts = { filtered, resetting, closed, dark, healthy };

    const [gFiltered, gReset, gClosed, gHealthy, gForeign] = await Promise.all([
      labGuest(filtered, lab, { callerIp: filtered.rootIpv4, publicIps: [filtered.ipv4] }), labGuest(resetting, lab), labGuest(closed, lab), labGuest(healthy, lab),
      lab.foreignHostKey().then((k) => labGuest(healthy, lab!, { hostKeys: [k] })),
    ]);
    scriptSent = gFiltered.script;

    const fx = defaultTencentFixture();
    addLabNetwork(fx, filtered.rootIpv4);
    fx.instances.push(
      labInstance('ins-labsgnone1', filtered, { SecurityGroupIds: ['sg-labweb'] }),
      labInstance('ins-labsgdrop1', filtered, { SecurityGroupIds: ['sg-labguard', 'sg-labopen'] }),
      labInstance('ins-labacl01', filtered, { VirtualPrivateCloud: { VpcId: 'vpc-lab', SubnetId: 'subnet-lablocked' } }),
      labInstance('ins-labfw01', filtered),
      labInstance('ins-labfwrst1', resetting),
      labInstance('ins-labdown1', closed),
      labInstance('ins-labstop1', dark, { InstanceState: 'STOPPED' }),
      labInstance('ins-labiso01', dark, { RestrictState: 'PROTECTIVELY_ISOLATED' }),
      labInstance('ins-labok01', healthy),
      labInstance('ins-labkeyoth1', healthy),
    );
    const online = (output: string) => ({ agent: 'online' as const, output, pollsBeforeDone: 1 });
    Object.assign(fx.guests, {
      'ins-labfw01': online(gFiltered.output),
      'ins-labfwrst1': online(gReset.output),
      'ins-labdown1': online(gClosed.output),
      'ins-labok01': online(gHealthy.output),
      'ins-labkeyoth1': online(gForeign.output),
      // Would answer for a stopped instance too: the inspector must not ask.
      'ins-labstop1': online(gClosed.output),
    });
    ep = await startTencentEndpoint(fx);
  });

  after(async () => {
    await ep?.close();
    await lab?.destroy();
  });

  interface RunOpts { guestChecks?: boolean; secretKey?: string; callerIp?: string; over?: Partial<Target> }

  /** One diagnosis; returns the report and the API requests it made. */
  async function run(h: LabHost, instanceId: string, o: RunOpts = {}) {
    const before = ep!.requests.length;
    const secretKey = o.secretKey ?? ep!.secretKey;
    const report = await diagnose(labTarget(h.ipv4, { cloud: { instanceId, region: REGION }, ...o.over }), {
      probes: createProbes(),
      cloud: createTencentInspector({
        endpoint: ep!.url, secretId: ep!.secretId, secretKey, callerIp: o.callerIp ?? h.rootIpv4, pollIntervalMs: 20, timeoutMs: 5000,
      }),
      guestChecks: !!o.guestChecks,
    });
    const json = JSON.stringify(report);
    for (const k of new Set([secretKey, ep!.secretKey])) assert.ok(!json.includes(k), 'a secret key appears in the report');
    return { report, requests: ep!.requests.slice(before) };
  }

  const codes = (r: Report): FindingCode[] => r.findings.map((f) => f.code);
  const why = (r: Report) => `verdict ${r.verdict.code}; findings ${codes(r).join(',')}; checks ${r.checks.map((c) => `${c.id}:${c.status}`).join(' ')}\n${JSON.stringify(r.checks.filter((c) => c.id.startsWith('cloud')))}`;
  const expectVerdict = (r: Report, code: VerdictCode) => assert.equal(r.verdict.code, code, why(r));
  const tcpOutcome = (r: Report) => evidenceField(check(r, 'tcp'), 'outcome');

  it('port dropped + no group rule accepts it → SECURITY_GROUP_BLOCKS (implicit deny)', async () => {
    const { report: r } = await run(hosts.filtered, 'ins-labsgnone1');
    expectVerdict(r, 'SECURITY_GROUP_BLOCKS');
    assert.equal(tcpOutcome(r), 'timeout');
    const sg = check(r, 'cloud.securityGroups');
    assert.equal(sg.status, 'fail');
    assert.equal(evidenceField(sg, 'verdict'), 'deny');
    assert.equal(evidenceField(sg, 'decidingRule'), undefined, 'no rule matched: the deny is implicit');
    assert.equal(evidenceField(sg, 'evaluatedFor'), hosts.filtered.rootIpv4);
    // The remediation offers the least-privilege rule for the real caller address.
    assert.match(JSON.stringify(r.verdict.remediation), new RegExp(`${hosts.filtered.rootIpv4.replace(/\./g, '\\.')}/32`));
  });

  it('port dropped + a DROP rule in the first group → SECURITY_GROUP_BLOCKS naming that rule; another caller → PORT_FILTERED', async () => {
    const { report: r } = await run(hosts.filtered, 'ins-labsgdrop1');
    expectVerdict(r, 'SECURITY_GROUP_BLOCKS');
    const rule = evidenceField(check(r, 'cloud.securityGroups'), 'decidingRule') as Record<string, unknown>;
    assert.deepEqual(
      { g: rule.securityGroupId, i: rule.policyIndex, a: rule.action, s: rule.source },
      { g: 'sg-labguard', i: 1, a: 'DROP', s: `${hosts.filtered.rootIpv4}/32` },
    );
    assert.match(`${r.verdict.summary} ${JSON.stringify(r.verdict.remediation)}`, /sg-labguard/);

    // The same instance evaluated for an address the DROP does not name: sg-labopen accepts,
    // so the cloud no longer explains the silent port and the probe's own verdict stands.
    const { report: other } = await run(hosts.filtered, 'ins-labsgdrop1', { callerIp: '10.213.255.254' });
    expectVerdict(other, 'PORT_FILTERED');
    assert.equal(evidenceField(check(other, 'cloud.securityGroups'), 'verdict'), 'allow');
  });

  it('port dropped + group allows + network ACL denies → NETWORK_ACL_BLOCKS with the ACL rule', async () => {
    const { report: r } = await run(hosts.filtered, 'ins-labacl01');
    expectVerdict(r, 'NETWORK_ACL_BLOCKS');
    assert.equal(check(r, 'cloud.securityGroups').status, 'pass');
    const acl = check(r, 'cloud.networkAcl');
    assert.equal(acl.status, 'fail');
    assert.equal(evidenceField(acl, 'aclId'), 'acl-lablocked');
    const rule = evidenceField(acl, 'decidingRule') as Record<string, unknown>;
    assert.deepEqual({ d: rule.direction, i: rule.index, a: rule.action }, { d: 'ingress', i: 1, a: 'DROP' });
    assert.match(r.verdict.summary + JSON.stringify(r.verdict.remediation), /acl-lablocked/);
  });

  it('port dropped + group and ACL allow + TAT reads the host\'s real nftables drop → GUEST_FIREWALL_BLOCKS', async () => {
    const { report: r, requests } = await run(hosts.filtered, 'ins-labfw01', { guestChecks: true });
    expectVerdict(r, 'GUEST_FIREWALL_BLOCKS');
    assert.equal(check(r, 'cloud.securityGroups').status, 'pass');
    assert.equal(check(r, 'cloud.networkAcl').status, 'pass');
    const g = check(r, 'cloud.guest');
    assert.equal(g.status, 'fail');
    assert.equal(evidenceField(g, 'firewallBlocks'), true);
    assert.match(String(evidenceField(g, 'firewallDetail')), /nft: tcp dport 22 drop/);
    assert.deepEqual(evidenceField(g, 'listeningPorts'), [22], 'sshd does listen in the namespace');
    assert.match(r.verdict.summary + JSON.stringify(r.verdict.remediation), /tcp dport 22 drop/);
    // The script RunCommand carried is the one whose real output the fixture answers with.
    const runCmd = requests.find((q) => q.action === 'RunCommand');
    assert.ok(runCmd, `no RunCommand among ${requests.map((q) => q.action).join(', ')}`);
    assert.equal(Buffer.from(String(runCmd.params.Content), 'base64').toString('utf8'), scriptSent);
  });

  it('guest checks not consented → no TAT request at all, and the verdict stays the probe\'s', async () => {
    const { report: r, requests } = await run(hosts.filtered, 'ins-labfw01');
    expectVerdict(r, 'PORT_FILTERED');
    assert.ok(requests.some((q) => q.action === 'DescribeInstances'), 'the cloud was asked');
    assert.deepEqual(requests.filter((q) => q.service === 'tat').map((q) => q.action), [], 'TAT was called without consent');
    assert.ok(!r.checks.some((c) => c.id === 'cloud.guest'));
  });

  it('port answers with a TCP reset from the guest firewall while sshd listens on it → GUEST_FIREWALL_BLOCKS, not PORT_CLOSED', async () => {
    const { report: r } = await run(hosts.resetting, 'ins-labfwrst1', { guestChecks: true });
    assert.equal(tcpOutcome(r), 'refused');
    expectVerdict(r, 'GUEST_FIREWALL_BLOCKS');
    const g = check(r, 'cloud.guest');
    assert.deepEqual(evidenceField(g, 'listeningPorts'), [22]);
    assert.match(String(evidenceField(g, 'firewallDetail')), /tcp dport 22 reject/);
  });

  it('nothing listening + TAT says sshd is not running → SSHD_NOT_RUNNING', async () => {
    const { report: r } = await run(hosts.closed, 'ins-labdown1', { guestChecks: true });
    assert.equal(tcpOutcome(r), 'refused');
    expectVerdict(r, 'SSHD_NOT_RUNNING');
    const g = check(r, 'cloud.guest');
    assert.equal(g.status, 'fail');
    assert.equal(evidenceField(g, 'serviceActive'), false);
    assert.deepEqual(evidenceField(g, 'listeningPorts'), []);
  });

  it('instance STOPPED (host silent) → INSTANCE_NOT_RUNNING, and no TAT call for a stopped instance', async () => {
    const { report: r, requests } = await run(hosts.dark, 'ins-labstop1', { guestChecks: true });
    expectVerdict(r, 'INSTANCE_NOT_RUNNING');
    assert.equal(tcpOutcome(r), 'timeout');
    const inst = check(r, 'cloud.instance');
    assert.equal(inst.status, 'fail');
    assert.equal((evidenceField(inst, 'instance') as { state: string }).state, 'STOPPED');
    assert.match(r.verdict.summary, /STOPPED/);
    assert.deepEqual(requests.filter((q) => q.service === 'tat').map((q) => q.action), []);
  });

  it('instance isolated → INSTANCE_ISOLATED', async () => {
    const { report: r } = await run(hosts.dark, 'ins-labiso01');
    expectVerdict(r, 'INSTANCE_ISOLATED');
    assert.equal((evidenceField(check(r, 'cloud.instance'), 'instance') as { restrictState: string }).restrictState, 'PROTECTIVELY_ISOLATED');
  });

  it('healthy host + the cloud all fine → OK with every cloud check passing', async () => {
    const kh = lab!.writeKnownHosts([hosts.healthy.knownHostsLine]);
    const { report: r } = await run(hosts.healthy, 'ins-labok01', { guestChecks: true, over: { knownHostsPath: kh } });
    expectVerdict(r, 'OK');
    for (const id of ['cloud.instance', 'cloud.securityGroups', 'cloud.networkAcl', 'cloud.guest'] as const) {
      assert.equal(check(r, id).status, 'pass', `${id}: ${JSON.stringify(check(r, id))}`);
    }
    assert.deepEqual(codes(r).filter((c) => c === 'CLOUD_API_ERROR' || c === 'CALLER_IP_UNKNOWN' || c === 'NO_PUBLIC_IP'), []);
    const inst = evidenceField(check(r, 'cloud.instance'), 'instance') as { publicIps: string[] };
    assert.deepEqual(inst.publicIps, [hosts.healthy.ipv4]);
    assert.deepEqual(r.target.cloud, { instanceId: 'ins-labok01', region: REGION });
  });

  it('changed host key that TAT shows is the instance\'s own → HOST_KEY_MISMATCH + HOST_KEY_CONFIRMED_CHANGED', async () => {
    const kh = lab!.writeKnownHosts([`${hosts.healthy.ipv4} ${await lab!.foreignHostKey()}`]);
    const { report: r } = await run(hosts.healthy, 'ins-labok01', { guestChecks: true, over: { knownHostsPath: kh } });
    expectVerdict(r, 'HOST_KEY_MISMATCH');
    const presented = fingerprint(hosts.healthy.hostKeys[0]!);
    assert.equal(evidenceField(check(r, 'hostkey'), 'fingerprint'), presented);
    assert.ok(codes(r).includes('HOST_KEY_CONFIRMED_CHANGED'), why(r));
    assert.ok(!codes(r).includes('HOST_KEY_NOT_INSTANCE'), why(r));
    const guestKeys = evidenceField(check(r, 'cloud.guest'), 'hostKeyFingerprints') as Array<{ fingerprint: string }>;
    assert.ok(guestKeys.some((k) => k.fingerprint === presented), `TAT keys ${JSON.stringify(guestKeys)}`);
    assert.match(r.findings.find((f) => f.code === 'HOST_KEY_CONFIRMED_CHANGED')!.message, new RegExp(presented.replace(/[+/]/g, '\\$&')));
  });

  it('changed host key that is not among the instance\'s keys → HOST_KEY_MISMATCH + HOST_KEY_NOT_INSTANCE', async () => {
    const kh = lab!.writeKnownHosts([`${hosts.healthy.ipv4} ${await lab!.foreignHostKey()}`]);
    const { report: r } = await run(hosts.healthy, 'ins-labkeyoth1', { guestChecks: true, over: { knownHostsPath: kh } });
    expectVerdict(r, 'HOST_KEY_MISMATCH');
    const presented = fingerprint(hosts.healthy.hostKeys[0]!);
    assert.equal(evidenceField(check(r, 'hostkey'), 'fingerprint'), presented);
    assert.ok(codes(r).includes('HOST_KEY_NOT_INSTANCE'), why(r));
    assert.ok(!codes(r).includes('HOST_KEY_CONFIRMED_CHANGED'), why(r));
    const guestKeys = evidenceField(check(r, 'cloud.guest'), 'hostKeyFingerprints') as Array<{ fingerprint: string }>;
    assert.equal(guestKeys.length, 1);
    assert.notEqual(guestKeys[0]!.fingerprint, presented);
  });

  it('wrong secret key → the probe-only verdict still completes, with a CLOUD_API_ERROR finding', async () => {
    const { report: r, requests } = await run(hosts.filtered, 'ins-labsgnone1', { secretKey: WRONG_KEY });
    expectVerdict(r, 'PORT_FILTERED');
    assert.ok(codes(r).includes('CLOUD_API_ERROR'), why(r));
    assert.deepEqual(requests.map((q) => [q.action, q.errorCode]), [['DescribeInstances', 'AuthFailure.SignatureFailure']]);
    assert.equal(check(r, 'cloud.instance').status, 'warn');
    assert.match(r.findings.find((f) => f.code === 'CLOUD_API_ERROR')!.message, /AuthFailure\.SignatureFailure/);
  });

  describe('through the built CLI', () => {
    before(function () {
      const reason = cliUnavailableReason();
      if (reason) {
        console.log(`    SKIPPED combined cloud CLI tests: ${reason}`);
        this.skip();
      }
    });

    function cli(h: LabHost, instanceId: string, extra: string[] = [], secretKey = ep!.secretKey) {
      const before = ep!.requests.length;
      return runCli(['diagnose', h.ipv4, '--tencent-instance', instanceId, '--region', REGION, '--timeout', String(LAB_TIMEOUT_MS), '--json', ...extra], {
        env: {
          TENCENTCLOUD_SECRET_ID: ep!.secretId, TENCENTCLOUD_SECRET_KEY: secretKey, TENCENTCLOUD_ENDPOINT: ep!.url,
          CVM_DOCTOR_CALLER_IP: h.rootIpv4, CVM_DOCTOR_TRACE: '1',
        },
        timeoutMs: 60_000,
      }).then((res) => {
        for (const k of new Set([secretKey, ep!.secretKey])) {
          assert.ok(!res.stdout.includes(k) && !res.stderr.includes(k), 'a secret key appears in the CLI output');
        }
        return { ...res, requests: ep!.requests.slice(before) };
      });
    }
    const parse = (res: { stdout: string; stderr: string; code: number | null }): Report => {
      try { return JSON.parse(res.stdout) as Report; } catch { assert.fail(`exit ${res.code}; stdout not JSON: ${res.stdout}\nstderr: ${res.stderr}`); }
    };

    it('security group DROP: exit 1, SECURITY_GROUP_BLOCKS with the deciding rule, the trace names calls but not the key', async () => {
      const res = await cli(hosts.filtered, 'ins-labsgdrop1');
      assert.equal(res.code, 1, res.stderr);
      const r = parse(res);
      expectVerdict(r, 'SECURITY_GROUP_BLOCKS');
      const rule = evidenceField(check(r, 'cloud.securityGroups'), 'decidingRule') as Record<string, unknown>;
      assert.deepEqual([rule.securityGroupId, rule.policyIndex], ['sg-labguard', 1]);
      assert.match(res.stderr, /vpc\.DescribeSecurityGroupPolicies/, 'CVM_DOCTOR_TRACE shows the API calls');
      assert.ok(res.requests.every((q) => !q.errorCode), JSON.stringify(res.requests));
    });

    it('wrong secret key: exit 1, the probe\'s PORT_FILTERED with CLOUD_API_ERROR, neither key printed', async () => {
      const res = await cli(hosts.filtered, 'ins-labsgnone1', [], WRONG_KEY);
      assert.equal(res.code, 1, res.stderr);
      const r = parse(res);
      expectVerdict(r, 'PORT_FILTERED');
      assert.ok(codes(r).includes('CLOUD_API_ERROR'), why(r));
      assert.deepEqual(res.requests.map((q) => q.errorCode), ['AuthFailure.SignatureFailure']);
    });

    it('without --guest-checks: no TAT request; with it: GUEST_FIREWALL_BLOCKS', async () => {
      const without = await cli(hosts.filtered, 'ins-labfw01');
      expectVerdict(parse(without), 'PORT_FILTERED');
      assert.deepEqual(without.requests.filter((q) => q.service === 'tat').map((q) => q.action), []);
      const withConsent = await cli(hosts.filtered, 'ins-labfw01', ['--guest-checks']);
      assert.equal(withConsent.code, 1, withConsent.stderr);
      expectVerdict(parse(withConsent), 'GUEST_FIREWALL_BLOCKS');
      assert.ok(withConsent.requests.some((q) => q.action === 'RunCommand'));
    });

    it('--guest-checks + changed host key: HOST_KEY_MISMATCH + HOST_KEY_CONFIRMED_CHANGED; healthy: exit 0', async () => {
      const bad = lab!.writeKnownHosts([`${hosts.healthy.ipv4} ${await lab!.foreignHostKey()}`]);
      const res = await cli(hosts.healthy, 'ins-labok01', ['--guest-checks', '--known-hosts', bad]);
      assert.equal(res.code, 1, res.stderr);
      const r = parse(res);
      expectVerdict(r, 'HOST_KEY_MISMATCH');
      assert.ok(codes(r).includes('HOST_KEY_CONFIRMED_CHANGED'), why(r));
      assert.equal(evidenceField(check(r, 'hostkey'), 'fingerprint'), fingerprint(hosts.healthy.hostKeys[0]!));

      const good = lab!.writeKnownHosts([hosts.healthy.knownHostsLine]);
      const ok = await cli(hosts.healthy, 'ins-labok01', ['--guest-checks', '--known-hosts', good]);
      assert.equal(ok.code, 0, `${ok.stderr}\n${ok.stdout}`);
      expectVerdict(parse(ok), 'OK');
    });
  });
});
