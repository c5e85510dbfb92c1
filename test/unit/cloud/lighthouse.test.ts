/**
 * (unit) Tencent Lighthouse through the real SDK against the local TC3-verifying endpoint: the
 * import lists Lighthouse instances beside CVM ones, the inspector reads state, restriction,
 * traffic packages and the firewall, the least-privilege firewall fix (FirewallVersion, where
 * the new rule landed, the reorder only with the version shown, an exact undo), and the VNC
 * console URL of both services — never in a log line.
 */
import * as assert from 'assert';
import { addFirewallRule, createTencentInspector, listInstances, reorderFirewall, type TencentConfig, undoFirewallRule, vncConsoleUrl } from '../../../src/cloud';
import { describeFirewallFix, placementOf } from '../../../src/cloud/firewallFix';
import { VNC_PAGE, vncPageUrl } from '../../../src/cloud/vnc';
import { classifyCode } from '../../../src/core/classify';
import { buildVerdict } from '../../../src/core/verdict';
import type { CloudEvidence, Target } from '../../../src/core/model';
import { defaultFirewallRules, guestOutput, LIGHTHOUSE_REGION as REGION, lighthouseInstance, type TencentEndpoint, startTencentEndpoint } from '../../support/tencentEndpoint';

const target = (instanceId: string, host = '203.0.113.10'): Target => ({
  host, port: 22, protocol: 'ssh', altPorts: [], timeoutMs: 2000, icmp: false, cloud: { instanceId, region: REGION },
});

describe('(unit) Tencent Lighthouse via the SDK and the local endpoint', () => {
  let ep: TencentEndpoint;
  let cfg: TencentConfig;
  const logs: string[] = [];
  beforeEach(async () => {
    ep = await startTencentEndpoint();
    logs.length = 0;
    cfg = { secretId: ep.secretId, secretKey: ep.secretKey, endpoint: ep.url, callerIp: '203.0.113.5', retryBaseMs: 5, pollIntervalMs: 5, timeoutMs: 3000, log: (l) => logs.push(l) };
  });
  afterEach(async () => { await ep.close(); });

  const inspect = (id: string, guestChecks = false): Promise<CloudEvidence> =>
    createTencentInspector(cfg).inspect(target(id), { timeoutMs: 2000, signal: new AbortController().signal, port: 22, protocol: 'ssh', guestChecks });
  const fw = (id: string) => ep.state.lighthouse.firewalls[id];

  it('the import lists Lighthouse instances (paged) beside CVM ones, marked as Lighthouse', async () => {
    ep.state.instances.push({ ...ep.state.instances[0], region: REGION, InstanceId: 'ins-besidelh1' });
    for (let i = 0; i < 12; i++) ep.state.lighthouse.instances.push(lighthouseInstance(`lhins-page${String(i).padStart(4, '0')}`, { OsName: i === 0 ? 'Windows Server 2022 数据中心版 64位中文版' : 'CentOS 7.6 64bit', Platform: i === 0 ? 'WINDOWS' : 'CENTOS', PlatformType: i === 0 ? 'WINDOWS' : 'LINUX_UNIX' }));
    const list = await listInstances(cfg, [REGION], undefined, 5);
    const lh = list.filter((s) => s.product === 'lighthouse');
    assert.strictEqual(lh.length, 15);
    assert.deepStrictEqual(list.filter((s) => s.product === undefined).map((s) => s.instanceId), ['ins-besidelh1'], 'CVM instances too, unmarked');
    const lhCalls = ep.requests.filter((r) => r.service === 'lighthouse' && r.action === 'DescribeInstances');
    assert.deepStrictEqual(lhCalls.map((r) => [r.params.Offset, r.params.Limit]), [[0, 5], [5, 5], [10, 5]]);
    assert.ok(lhCalls.every((r) => !r.errorCode), 'TC3 signature accepted for the lighthouse service');
    const ok = lh.find((s) => s.instanceId === 'lhins-ok000001');
    assert.deepStrictEqual([ok?.publicIps, ok?.protocol, ok?.port, ok?.user, ok?.state, ok?.securityGroupIds], [['127.0.0.40'], 'ssh', 22, 'ubuntu', 'RUNNING', []]);
    const win = lh.find((s) => s.instanceId === 'lhins-page0000');
    assert.deepStrictEqual([win?.protocol, win?.port, win?.user], ['rdp', 3389, 'Administrator']);
    assert.strictEqual(lh.find((s) => s.instanceId === 'lhins-page0001')?.user, 'root');
  });

  it('a wrong key is refused for the lighthouse service as for cvm (TC3 verified)', async () => {
    await assert.rejects(listInstances({ ...cfg, secretKey: 'wrongSecretKey0000000000000000000' }, [REGION]), (e: Error & { kind?: string }) => e.kind === 'auth');
  });

  it('inspector: a firewall DROP first decides, named; no security groups or ACL are read', async () => {
    const ev = await inspect('lhins-drop0001');
    assert.deepStrictEqual(ev.errors, []);
    assert.deepStrictEqual([ev.instance?.product, ev.instance?.state, ev.instance?.restrictState, ev.instance?.publicIps], ['lighthouse', 'RUNNING', 'NORMAL', ['127.0.0.40']]);
    assert.deepStrictEqual(ev.firewall, { verdict: 'deny', evaluatedFor: '203.0.113.5', decidingRule: { index: 0, action: 'DROP', protocol: 'TCP', port: '22', source: '0.0.0.0/0', description: 'no ssh' } });
    assert.strictEqual(ev.securityGroups, undefined);
    assert.strictEqual(ev.networkAcl, undefined);
    // Its own service, and Cloud Monitor's read-only view of it (issue 12): no CVM or VPC call.
    assert.ok(ep.requests.every((r) => r.service === 'lighthouse' || r.service === 'monitor'), ep.requests.map((r) => `${r.service}.${r.action}`).join(' '));
  });

  it('inspector: NETWORK_RESTRICT and an overdue traffic package reach the evidence; the verdict is INSTANCE_ISOLATED with the cause', async () => {
    ep.state.lighthouse.instances.find((i) => i.InstanceId === 'lhins-ok000001')!.InstanceRestrictState = 'NETWORK_RESTRICT';
    const restricted = await inspect('lhins-ok000001');
    assert.strictEqual(restricted.instance?.restrictState, 'NETWORK_RESTRICT');
    ep.state.lighthouse.trafficPackages['lhins-drop0001'] = [{ TrafficPackageId: 'lhtp-overdue1', Status: 'OVERDUE_NETWORK_DISABLED' }];
    const cut = await inspect('lhins-drop0001');
    assert.deepStrictEqual(cut.instance?.trafficPackage, { id: 'lhtp-overdue1', status: 'OVERDUE_NETWORK_DISABLED' });
    // Classified with a silent port (a cut network answers nothing): the cloud says why.
    const e = { target: target('lhins-drop0001'), tcp: { outcome: 'timeout' as const, address: '203.0.113.10', port: 22, deadlineMs: 2000, durationMs: 2000 }, cloud: cut };
    assert.strictEqual(classifyCode(e), 'INSTANCE_ISOLATED');
    const v = buildVerdict('INSTANCE_ISOLATED', e, 'en');
    assert.match(v.summary, /lhtp-overdue1 is OVERDUE_NETWORK_DISABLED: the network is cut for unpaid traffic/);
    assert.ok(v.remediation[0].text.startsWith('Pay the overdue traffic'), JSON.stringify(v.remediation));
    assert.ok(!v.remediation.some((s) => /renewed/.test(s.text)), 'not the CVM expiry advice');
    const r = buildVerdict('INSTANCE_ISOLATED', { ...e, cloud: restricted }, 'en');
    assert.match(r.summary, /restricted \(NETWORK_RESTRICT\)/);
    assert.ok(r.remediation[0].text.startsWith('NETWORK_RESTRICT: Lighthouse restricted'), JSON.stringify(r.remediation));
  });

  it('inspector: in-guest checks run over TAT for an lhins- instance (the same script)', async () => {
    ep.state.guests['lhins-ok000001'] = { agent: 'online', output: guestOutput(), pollsBeforeDone: 1 };
    const ev = await inspect('lhins-ok000001', true);
    assert.strictEqual(ev.guest?.agentOnline, true);
    assert.strictEqual(ev.guest?.serviceActive, true);
    assert.deepStrictEqual(ep.state.commands.map((c) => c.instanceId), ['lhins-ok000001']);
    assert.match(ep.state.commands[0].script, /cvm-doctor|MARK|BEGIN/i);
  });

  it('inspector: a stopped instance gets no in-guest checks', async () => {
    ep.state.guests['lhins-stop0001'] = { agent: 'online', output: guestOutput() };
    const ev = await inspect('lhins-stop0001', true);
    assert.strictEqual(ev.instance?.state, 'STOPPED');
    assert.strictEqual(ev.guest, undefined);
    assert.ok(!ep.requests.some((r) => r.action === 'RunCommand'));
  });

  it('fix: one /32 rule with the firewall version; appended below the DROP, the reorder list moves only it', async () => {
    const before = JSON.stringify(fw('lhins-drop0001').rules);
    const { undo, placement } = await addFirewallRule(cfg, { region: REGION, instanceId: 'lhins-drop0001', port: 22, protocol: 'TCP', callerIp: '203.0.113.5' });
    const create = ep.requests.filter((r) => r.action === 'CreateFirewallRules');
    assert.strictEqual(create.length, 1);
    assert.strictEqual(create[0].params.FirewallVersion, 4, 'sent with FirewallVersion');
    assert.deepStrictEqual(create[0].params.FirewallRules, [undo.rule]);
    assert.deepStrictEqual({ ...undo.rule, FirewallRuleDescription: '' }, { Protocol: 'TCP', Port: '22', CidrBlock: '203.0.113.5/32', Action: 'ACCEPT', FirewallRuleDescription: '' });
    assert.match(undo.rule.FirewallRuleDescription ?? '', /^CVM Doctor \d{4}-\d{2}-\d{2}: tcp\/22$/);
    assert.strictEqual(placement.ok, false, 'the endpoint appended it: the DROP still comes first');
    assert.strictEqual(placement.index, 6);
    assert.strictEqual(placement.blockedBy?.index, 0);
    assert.strictEqual(placement.version, 5);
    assert.strictEqual(placement.proposed?.length, 7);
    assert.strictEqual(placement.proposed?.[0].CidrBlock, '203.0.113.5/32');
    assert.strictEqual(placement.proposed?.[1].Action, 'DROP');
    // The reorder writes exactly that list at that version.
    await reorderFirewall(cfg, REGION, 'lhins-drop0001', placement.proposed!, placement.version);
    assert.strictEqual(fw('lhins-drop0001').rules[0].CidrBlock, '203.0.113.5/32');
    assert.strictEqual(fw('lhins-drop0001').rules[1].FirewallRuleDescription, 'no ssh');
    // Undo removes exactly that rule.
    assert.deepStrictEqual(await undoFirewallRule(cfg, undo), { removed: true });
    assert.deepStrictEqual(fw('lhins-drop0001').rules.map((r) => [r.Protocol, r.Port, r.CidrBlock, r.Action, r.FirewallRuleDescription]),
      (JSON.parse(before) as typeof defaultFirewallRules extends () => infer R ? R : never).map((r) => [r.Protocol, r.Port, r.CidrBlock, r.Action, r.FirewallRuleDescription]));
    assert.deepStrictEqual(await undoFirewallRule(cfg, undo), { removed: false }, 'already gone');
  });

  it('fix: a rule the API puts first is placed; a version conflict is read again, bounded', async () => {
    ep.state.lighthouse.newRulePlacement = 'prepend';
    ep.fail({ action: 'CreateFirewallRules', code: 'UnsupportedOperation.FirewallVersionMismatch', times: 1 });
    const { placement } = await addFirewallRule(cfg, { region: REGION, instanceId: 'lhins-drop0001', port: 22, protocol: 'TCP', callerIp: '203.0.113.5' });
    assert.deepStrictEqual([placement.ok, placement.index, placement.proposed], [true, 0, undefined]);
    assert.strictEqual(ep.requests.filter((r) => r.action === 'CreateFirewallRules').length, 2);
    ep.fail({ action: 'CreateFirewallRules', code: 'UnsupportedOperation.FirewallVersionMismatch', times: 3 });
    await assert.rejects(addFirewallRule(cfg, { region: REGION, instanceId: 'lhins-ok000001', port: 22, protocol: 'TCP', callerIp: '203.0.113.6' }), /FirewallVersionMismatch/);
  });

  it('fix: the endpoint enforces FirewallVersion itself; a reorder on a changed firewall is refused, never overwriting it', async () => {
    const { placement } = await addFirewallRule(cfg, { region: REGION, instanceId: 'lhins-drop0001', port: 22, protocol: 'TCP', callerIp: '203.0.113.5' });
    // Someone edits the firewall after the list was shown.
    fw('lhins-drop0001').rules.push({ AppType: '自定义', Protocol: 'TCP', Port: '8080', CidrBlock: '0.0.0.0/0', Action: 'ACCEPT', FirewallRuleDescription: 'meanwhile' });
    fw('lhins-drop0001').version++;
    const snapshot = JSON.stringify(fw('lhins-drop0001'));
    await assert.rejects(reorderFirewall(cfg, REGION, 'lhins-drop0001', placement.proposed!, placement.version), /FirewallVersionMismatch/);
    assert.strictEqual(JSON.stringify(fw('lhins-drop0001')), snapshot, 'nothing overwritten');
  });

  it('fix: least privilege: never 0.0.0.0/0 unless typed and flagged; the other family is refused', () => {
    const base = { region: REGION, instanceId: 'lhins-drop0001', port: 22, protocol: 'TCP' as const };
    assert.throws(() => describeFirewallFix({ ...base, callerIp: '0.0.0.0/0' }), /whole Internet/);
    assert.strictEqual(describeFirewallFix({ ...base, callerIp: '0.0.0.0/0', allowAnySource: true }).rule.CidrBlock, '0.0.0.0/0');
    assert.strictEqual(describeFirewallFix({ ...base, callerIp: '2001:db8::5' }).rule.Ipv6CidrBlock, '2001:db8::5/128');
    assert.throws(() => describeFirewallFix({ ...base, callerIp: '2001:db8::5', family: 4 }), /IPv6 address/);
    assert.throws(() => describeFirewallFix({ ...base, instanceId: 'ins-abcdef12', callerIp: '203.0.113.5' }), /not a Lighthouse instance ID/);
    assert.ok((describeFirewallFix({ ...base, callerIp: '2001:db8:1234:5678:9abc:def0:1234:5678' }).rule.FirewallRuleDescription ?? '').length <= 64);
  });

  it('placement: a DROP for another address or port does not count; a DROP for ALL ports before it does', () => {
    const ours = describeFirewallFix({ region: REGION, instanceId: 'lhins-drop0001', port: 22, protocol: 'TCP', callerIp: '203.0.113.5' }).rule;
    const other = [{ Protocol: 'TCP', Port: '22', CidrBlock: '198.51.100.0/24', Action: 'DROP' }, { Protocol: 'TCP', Port: '3306', CidrBlock: '0.0.0.0/0', Action: 'DROP' }, ours];
    assert.strictEqual(placementOf(other, ours).ok, true);
    const all = [{ Protocol: 'ALL', Port: 'ALL', CidrBlock: '203.0.113.0/24', Action: 'DROP' }, ours];
    assert.deepStrictEqual([placementOf(all, ours).ok, placementOf(all, ours).blockedBy?.index], [false, 0]);
  });

  it('VNC console: DescribeInstanceVncUrl of cvm and of lighthouse, Tencent\'s page with the URL encoded, and the URL in no log line', async () => {
    const lh = await vncConsoleUrl(cfg, 'lhins-ok000001', REGION);
    const cvm = await vncConsoleUrl(cfg, 'ins-ok', 'ap-guangzhou');
    const issued = ep.state.vncIssued;
    assert.deepStrictEqual(issued.map((v) => v.instanceId), ['lhins-ok000001', 'ins-ok']);
    assert.strictEqual(lh, `${VNC_PAGE}?InstanceVncUrl=${encodeURIComponent(issued[0].url)}`);
    assert.strictEqual(cvm, `${VNC_PAGE}?InstanceVncUrl=${encodeURIComponent(issued[1].url)}`);
    assert.deepStrictEqual(ep.requests.map((r) => `${r.service}.${r.action}:${r.errorCode ?? 'ok'}`), ['lighthouse.DescribeInstanceVncUrl:ok', 'cvm.DescribeInstanceVncUrl:ok']);
    const token = (u: string) => new URL(u).searchParams.get('s') ?? '';
    for (const v of issued) assert.ok(!logs.join('\n').includes(token(v.url)) && !logs.join('\n').includes(encodeURIComponent(token(v.url))), 'the console URL is in a log line');
    assert.ok(logs.some((l) => /DescribeInstanceVncUrl .*ok/.test(l)), logs.join('\n'));
    // A stopped instance has no console: a clear error, no URL.
    await assert.rejects(vncConsoleUrl(cfg, 'lhins-stop0001', REGION), /InvalidInstanceState/);
    assert.throws(() => vncPageUrl('https://example.invalid/'), /no usable console address/);
  });
});
