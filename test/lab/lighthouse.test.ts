/**
 * (lab) Tencent Lighthouse: a real host in a namespace (real sshd) is the Lighthouse instance
 * whose public address the local TC3-verifying endpoint reports, and the endpoint's firewall
 * for it is enforced on the host (test/support/labLighthouse.ts), so the real probes and the
 * cloud's view agree. Through diagnose() with the real probes and inspector, the fix through
 * the real SDK (with the endpoint placing new rules below a DROP, or first), and the built CLI.
 * The caller is the lab's root-side veth address: the source the probes' packets really have.
 */
import * as assert from 'assert/strict';
import { addFirewallRule, createTencentInspector, reorderFirewall, undoFirewallRule } from '../../src/cloud';
import { diagnose } from '../../src/core/diagnose';
import type { Report, VerdictCode } from '../../src/core/model';
import { createProbes } from '../../src/probes';
import { createLab, type Lab, type LabHost, labUnavailableReason } from '../support/lab';
import { labGuest } from '../support/labCloud';
import { cliUnavailableReason, LAB_TIMEOUT_MS, labTarget, runCli } from '../support/labEngine';
import { enforceFirewall, labLighthouseInstance } from '../support/labLighthouse';
import { check, evidenceField } from '../support/labScenarios';
import { defaultFirewallRules, defaultTencentFixture, REGION, startTencentEndpoint, type TencentEndpoint } from '../support/tencentEndpoint';

const OFFICE = '198.51.100.0/24';

describe('(lab) Tencent Lighthouse: the firewall, state and traffic packages in one verdict, and the firewall fix', function () {
  this.timeout(120_000);
  let lab: Lab | undefined;
  let ep: TencentEndpoint;
  let lh: LabHost;
  let dark: LabHost;
  let scriptSent = '';

  before(async function () {
    const reason = labUnavailableReason();
    if (reason) {
      console.log(`    SKIPPED Lighthouse lab tests: ${reason}`);
      this.skip();
    }
    lab = await createLab();
    [lh, dark] = await Promise.all([
      lab.addHost({ label: 'lh-host', sshd: {} }),
      lab.addHost({ label: 'lh-dark', nft: 'drop' }),
    ]);
    // As the inspector writes it: the caller (the probes' source) and the public address.
    const guest = await labGuest(lh, lab, { callerIp: lh.rootIpv4, publicIps: [lh.ipv4] });
    scriptSent = guest.script;
    const fx = defaultTencentFixture();
    const drop = { AppType: '自定义', Protocol: 'TCP', Port: '22', CidrBlock: '0.0.0.0/0', Action: 'DROP', FirewallRuleDescription: 'lab: ssh closed' };
    fx.lighthouse.instances.push(
      labLighthouseInstance('lhins-labdrop1', lh),
      labLighthouseInstance('lhins-laboffic', lh),
      labLighthouseInstance('lhins-labok001', lh),
      labLighthouseInstance('lhins-labfix01', lh),
      labLighthouseInstance('lhins-labfix02', lh),
      labLighthouseInstance('lhins-labrstr1', dark, { InstanceRestrictState: 'NETWORK_RESTRICT' }),
      labLighthouseInstance('lhins-labtraf1', dark),
      labLighthouseInstance('lhins-labstop1', dark, { InstanceState: 'STOPPED' }),
    );
    Object.assign(fx.lighthouse.firewalls, {
      'lhins-labdrop1': { version: 3, rules: [drop, ...defaultFirewallRules()] },
      'lhins-laboffic': { version: 2, rules: [{ ...drop, CidrBlock: OFFICE, Action: 'ACCEPT', FirewallRuleDescription: 'office only' }, defaultFirewallRules()[4]] },
      'lhins-labok001': { version: 1, rules: defaultFirewallRules() },
      'lhins-labfix01': { version: 7, rules: [drop, ...defaultFirewallRules()] },
      'lhins-labfix02': { version: 7, rules: [drop, ...defaultFirewallRules()] },
      'lhins-labrstr1': { version: 1, rules: defaultFirewallRules() },
      'lhins-labtraf1': { version: 1, rules: defaultFirewallRules() },
      'lhins-labstop1': { version: 1, rules: defaultFirewallRules() },
    });
    fx.lighthouse.trafficPackages['lhins-labtraf1'] = [{ TrafficPackageId: 'lhtp-labover1', Status: 'OVERDUE_NETWORK_DISABLED' }];
    const online = { agent: 'online' as const, output: guest.output, pollsBeforeDone: 1 };
    Object.assign(fx.guests, { 'lhins-labok001': online, 'lhins-labstop1': online });
    ep = await startTencentEndpoint(fx);
  });

  after(async () => {
    await ep?.close();
    await lab?.destroy();
  });

  const cfg = (callerIp: string | undefined) => ({ endpoint: ep.url, secretId: ep.secretId, secretKey: ep.secretKey, ...(callerIp ? { callerIp } : {}), pollIntervalMs: 20, timeoutMs: 5000 });
  const rules = (id: string) => ep.state.lighthouse.firewalls[id].rules;
  /** The endpoint's firewall of `id`, enforced on the lab host. */
  const enforce = (id: string) => enforceFirewall(lab!, lh, rules(id));

  async function run(h: LabHost, instanceId: string, o: { guestChecks?: boolean; callerIp?: string | null } = {}) {
    const before = ep.requests.length;
    const report = await diagnose(labTarget(h.ipv4, { cloud: { instanceId, region: REGION } }), {
      probes: createProbes(),
      cloud: createTencentInspector(cfg(o.callerIp === null ? undefined : o.callerIp ?? h.rootIpv4)),
      guestChecks: !!o.guestChecks,
    });
    assert.ok(!JSON.stringify(report).includes(ep.secretKey), 'the secret key appears in the report');
    return { report, requests: ep.requests.slice(before) };
  }
  const why = (r: Report) => `verdict ${r.verdict.code}; findings ${r.findings.map((f) => f.code).join(',')}; checks ${r.checks.map((c) => `${c.id}:${c.status}`).join(' ')}\n${JSON.stringify(r.checks.filter((c) => c.id.startsWith('cloud')))}`;
  const expectVerdict = (r: Report, code: VerdictCode) => assert.equal(r.verdict.code, code, why(r));
  const fields = (r: { Protocol?: string; Port?: string; CidrBlock?: string; Ipv6CidrBlock?: string; Action?: string; FirewallRuleDescription?: string }) =>
    [r.Protocol, r.Port, r.CidrBlock || '', r.Ipv6CidrBlock || '', r.Action, r.FirewallRuleDescription ?? ''];
  const fwRule = (r: Report) => evidenceField(check(r, 'cloud.firewall'), 'decidingRule') as Record<string, unknown> | undefined;

  it('a firewall DROP first → INSTANCE_FIREWALL_BLOCKS naming the rule; the advice is the firewall\'s, not a security group\'s', async () => {
    await enforce('lhins-labdrop1');
    const { report: r, requests } = await run(lh, 'lhins-labdrop1');
    expectVerdict(r, 'INSTANCE_FIREWALL_BLOCKS');
    assert.equal(evidenceField(check(r, 'tcp'), 'outcome'), 'timeout', 'the real probe timed out');
    assert.equal(check(r, 'cloud.firewall').status, 'fail');
    assert.deepEqual(fwRule(r), { index: 0, action: 'DROP', protocol: 'TCP', port: '22', source: '0.0.0.0/0', description: 'lab: ssh closed' });
    assert.match(r.verdict.summary, /rule #0 of the instance firewall \(DROP TCP:22 from 0\.0\.0\.0\/0\) decides/);
    const steps = JSON.stringify(r.verdict.remediation);
    assert.match(steps, new RegExp(`${lh.rootIpv4.replace(/\./g, '\\.')}/32`));
    assert.match(steps, /tccli lighthouse CreateFirewallRules/);
    assert.doesNotMatch(steps, /security group|network ACL/i);
    assert.ok(!r.checks.some((c) => c.id === 'cloud.securityGroups' || c.id === 'cloud.networkAcl'));
    // Lighthouse's own actions, and Cloud Monitor's read-only view of the instance (issue 12).
    assert.deepEqual([...new Set(requests.map((q) => `${q.service}.${q.action}:${q.errorCode ?? 'ok'}`))].sort(),
      ['lighthouse.DescribeFirewallRules:ok', 'lighthouse.DescribeInstances:ok', 'lighthouse.DescribeInstancesTrafficPackages:ok', 'monitor.GetMonitorData:ok']);
  });

  it('only an office range allowed: the caller outside it → INSTANCE_FIREWALL_BLOCKS (nothing matched); caller unknown → PORT_FILTERED with the office range named', async () => {
    await enforce('lhins-laboffic');
    const { report: r } = await run(lh, 'lhins-laboffic');
    expectVerdict(r, 'INSTANCE_FIREWALL_BLOCKS');
    assert.equal(fwRule(r), undefined, 'no rule matched: what no rule accepts is dropped');
    assert.match(r.verdict.summary, /no firewall rule accepts TCP 22/);
    const { report: any } = await run(lh, 'lhins-laboffic', { callerIp: null });
    expectVerdict(any, 'PORT_FILTERED');
    assert.equal(check(any, 'cloud.firewall').status, 'warn');
    const f = any.findings.find((x) => x.code === 'INSTANCE_FIREWALL_MAY_BLOCK');
    assert.ok(f && f.message.includes(OFFICE), why(any));
    assert.ok(any.findings.some((x) => x.code === 'CALLER_IP_UNKNOWN' && /instance firewall/.test(x.message)), why(any));
  });

  it('NETWORK_RESTRICT → INSTANCE_ISOLATED, the restriction named, and what to do about it', async () => {
    const { report: r } = await run(dark, 'lhins-labrstr1');
    expectVerdict(r, 'INSTANCE_ISOLATED');
    assert.match(r.verdict.summary, /restricted \(NETWORK_RESTRICT\)/);
    assert.match(r.verdict.remediation[0].text, /^NETWORK_RESTRICT: Lighthouse restricted/);
    assert.equal(check(r, 'cloud.instance').status, 'fail');
  });

  it('a traffic package in OVERDUE_NETWORK_DISABLED → INSTANCE_ISOLATED with that cause and what to do', async () => {
    const { report: r } = await run(dark, 'lhins-labtraf1');
    expectVerdict(r, 'INSTANCE_ISOLATED');
    assert.match(r.verdict.summary, /traffic package lhtp-labover1 is OVERDUE_NETWORK_DISABLED: the network is cut for unpaid traffic/);
    assert.match(r.verdict.remediation[0].text, /^Pay the overdue traffic/);
    assert.match(check(r, 'cloud.instance').summary, /lhtp-labover1: OVERDUE_NETWORK_DISABLED \(network cut\)/);
    assert.equal(check(r, 'cloud.instance').status, 'fail');
  });

  it('stopped → INSTANCE_NOT_RUNNING with the state named; TAT is not asked', async () => {
    const { report: r, requests } = await run(dark, 'lhins-labstop1', { guestChecks: true });
    expectVerdict(r, 'INSTANCE_NOT_RUNNING');
    assert.match(r.verdict.summary, /state STOPPED/);
    assert.ok(r.verdict.remediation.some((s) => s.command === `tccli lighthouse StartInstances --region ${REGION} --InstanceIds '["lhins-labstop1"]'`), JSON.stringify(r.verdict.remediation));
    assert.ok(!requests.some((q) => q.service === 'tat'), 'no TAT call for a stopped instance');
  });

  it('healthy: the firewall accepts SSH, the in-guest checks run over TAT with the same script → OK', async () => {
    await enforce('lhins-labok001');
    const { report: r, requests } = await run(lh, 'lhins-labok001', { guestChecks: true });
    expectVerdict(r, 'OK');
    assert.equal(check(r, 'cloud.firewall').status, 'pass');
    assert.equal(fwRule(r)?.index, 0);
    assert.equal(check(r, 'cloud.guest').status, 'pass');
    const runCmd = requests.find((q) => q.action === 'RunCommand');
    assert.ok(runCmd, 'RunCommand was sent');
    assert.deepEqual(runCmd.params.InstanceIds, ['lhins-labok001']);
    assert.equal(Buffer.from(String(runCmd.params.Content), 'base64').toString('utf8'), scriptSent);
  });

  it('the fix lands below the DROP (the endpoint appends): still blocked, for real; the complete list moves it up → OK; undo → the firewall exactly as before', async () => {
    const id = 'lhins-labfix01';
    ep.state.lighthouse.newRulePlacement = 'append';
    const before = JSON.stringify(rules(id));
    await enforce(id);
    expectVerdict((await run(lh, id)).report, 'INSTANCE_FIREWALL_BLOCKS');

    const { undo, placement } = await addFirewallRule(cfg(lh.rootIpv4), { region: REGION, instanceId: id, port: 22, protocol: 'TCP', callerIp: lh.rootIpv4, family: 4 });
    assert.equal(ep.requests.filter((q) => q.action === 'CreateFirewallRules').at(-1)?.params.FirewallVersion, 7, 'sent with FirewallVersion');
    assert.deepEqual({ ...undo.rule, FirewallRuleDescription: undefined }, { Protocol: 'TCP', Port: '22', CidrBlock: `${lh.rootIpv4}/32`, Action: 'ACCEPT', FirewallRuleDescription: undefined });
    assert.equal(placement.ok, false);
    assert.equal(placement.index, rules(id).length - 1);
    assert.equal(placement.blockedBy?.index, 0);
    await enforce(id);
    const still = (await run(lh, id)).report;
    expectVerdict(still, 'INSTANCE_FIREWALL_BLOCKS');
    assert.equal(fwRule(still)?.index, 0, 'the DROP still decides');

    assert.deepEqual(placement.proposed?.map((x) => x.FirewallRuleDescription ?? ''), [undo.rule.FirewallRuleDescription, 'lab: ssh closed', '', '', '', '', '']);
    await reorderFirewall(cfg(lh.rootIpv4), REGION, id, placement.proposed!, placement.version);
    await enforce(id);
    const open = (await run(lh, id)).report;
    expectVerdict(open, 'OK');
    assert.equal(fwRule(open)?.description, undo.rule.FirewallRuleDescription, 'CVM Doctor\'s rule decides');

    assert.deepEqual(await undoFirewallRule(cfg(lh.rootIpv4), undo), { removed: true });
    // ModifyFirewallRules takes no AppType (the console's template label): after the rewrite the
    // rules are custom ones, with the same fields in the same order (the reorder's modal says so).
    assert.deepEqual(rules(id).map(fields), (JSON.parse(before) as typeof rules extends (i: string) => infer R ? R : never).map(fields), 'the firewall as before');
    await enforce(id);
    expectVerdict((await run(lh, id)).report, 'INSTANCE_FIREWALL_BLOCKS');
  });

  it('the fix placed first by the API → OK at once; undo → blocked again', async () => {
    const id = 'lhins-labfix02';
    ep.state.lighthouse.newRulePlacement = 'prepend';
    const before = JSON.stringify(rules(id));
    const { undo, placement } = await addFirewallRule(cfg(lh.rootIpv4), { region: REGION, instanceId: id, port: 22, protocol: 'TCP', callerIp: lh.rootIpv4, family: 4 });
    assert.deepEqual([placement.ok, placement.index], [true, 0]);
    await enforce(id);
    expectVerdict((await run(lh, id)).report, 'OK');
    assert.deepEqual(await undoFirewallRule(cfg(lh.rootIpv4), undo), { removed: true });
    assert.equal(JSON.stringify(rules(id)), before);
    await enforce(id);
    expectVerdict((await run(lh, id)).report, 'INSTANCE_FIREWALL_BLOCKS');
    ep.state.lighthouse.newRulePlacement = 'append';
  });

  describe('through the built CLI', () => {
    before(function () {
      const reason = cliUnavailableReason();
      if (reason) {
        console.log(`    SKIPPED Lighthouse CLI tests: ${reason}`);
        this.skip();
      }
    });

    it('--tencent-instance lhins-… reads the Lighthouse API: INSTANCE_FIREWALL_BLOCKS, exit 1', async () => {
      await enforce('lhins-labdrop1');
      const before = ep.requests.length;
      const res = await runCli(['diagnose', lh.ipv4, '--tencent-instance', 'lhins-labdrop1', '--region', REGION, '--timeout', String(LAB_TIMEOUT_MS), '--json'], {
        env: { TENCENTCLOUD_SECRET_ID: ep.secretId, TENCENTCLOUD_SECRET_KEY: ep.secretKey, TENCENTCLOUD_ENDPOINT: ep.url, CVM_DOCTOR_CALLER_IP: lh.rootIpv4 },
        timeoutMs: 60_000,
      });
      assert.equal(res.code, 1, res.stderr);
      assert.ok(!res.stdout.includes(ep.secretKey) && !res.stderr.includes(ep.secretKey));
      const j = JSON.parse(res.stdout) as Report;
      assert.equal(j.verdict.code, 'INSTANCE_FIREWALL_BLOCKS');
      assert.deepEqual(j.target.cloud, { instanceId: 'lhins-labdrop1', region: REGION });
      const services = new Set(ep.requests.slice(before).map((q) => q.service));
      // Its own API and Cloud Monitor's read-only view (issue 12); never cvm or vpc.
      assert.deepEqual([...services].sort(), ['lighthouse', 'monitor']);
    });
  });
});
