/**
 * (unit) The Tencent inspector through the real SDK against the local TC3-verifying endpoint
 * on 127.0.0.1: instance state, security groups, ACL, TAT guest checks, throttling, auth.
 */
import * as assert from 'assert';
import { createTencentInspector, type TencentConfig } from '../../../src/cloud';
import type { CloudEvidence, Target } from '../../../src/core/model';
import { guestOutput, REGION, type TencentEndpoint, startTencentEndpoint } from '../../support/tencentEndpoint';

const target = (instanceId: string, host = '203.0.113.10'): Target => ({
  host, port: 22, protocol: 'ssh', altPorts: [], timeoutMs: 2000, icmp: false, cloud: { instanceId, region: REGION },
});

describe('(unit) Tencent inspector via the SDK and the local endpoint', () => {
  let ep: TencentEndpoint;
  let cfg: TencentConfig;
  const logs: string[] = [];
  beforeEach(async () => {
    ep = await startTencentEndpoint();
    logs.length = 0;
    cfg = { secretId: ep.secretId, secretKey: ep.secretKey, endpoint: ep.url, callerIp: '203.0.113.5', retryBaseMs: 5, pollIntervalMs: 5, timeoutMs: 3000, log: (l) => logs.push(l) };
  });
  afterEach(async () => { await ep.close(); });

  const inspect = (id: string, over: Partial<TencentConfig> = {}, guestChecks = false, port = 22): Promise<CloudEvidence> =>
    createTencentInspector({ ...cfg, ...over }).inspect(target(id), { timeoutMs: 2000, signal: new AbortController().signal, port, protocol: 'ssh', guestChecks });

  it('running instance: state, addresses, groups allow with the deciding rule, no ACL', async () => {
    const ev = await inspect('ins-ok');
    assert.deepStrictEqual(ev.errors, []);
    assert.strictEqual(ev.instance?.state, 'RUNNING');
    assert.strictEqual(ev.instance?.restrictState, 'NORMAL');
    assert.deepStrictEqual(ev.instance?.publicIps, ['127.0.0.10']);
    assert.deepStrictEqual(ev.instance?.securityGroupIds, ['sg-open']);
    assert.strictEqual(ev.instance?.subnetId, 'subnet-plain');
    assert.strictEqual(ev.callerIp, '203.0.113.5');
    assert.strictEqual(ev.securityGroups?.verdict, 'allow');
    assert.strictEqual(ev.securityGroups?.decidingRule?.securityGroupId, 'sg-open');
    assert.strictEqual(ev.securityGroups?.decidingRule?.policyIndex, 0);
    assert.strictEqual(ev.networkAcl?.verdict, 'none');
    assert.strictEqual(ev.guest, undefined, 'no guest checks without consent');
    assert.ok(!ep.requests.some((r) => r.service === 'tat'), 'TAT not called without consent');
  });

  it('stopped and isolated instances report their state', async () => {
    assert.strictEqual((await inspect('ins-stopped')).instance?.state, 'STOPPED');
    assert.strictEqual((await inspect('ins-isolated')).instance?.restrictState, 'PROTECTIVELY_ISOLATED');
    assert.deepStrictEqual((await inspect('ins-noip')).instance?.publicIps, []);
  });

  it('a DROP in the first group decides before the second group accepts', async () => {
    const ev = await inspect('ins-sgdeny');
    assert.strictEqual(ev.securityGroups?.verdict, 'deny');
    assert.deepStrictEqual(ev.securityGroups?.decidingRule, { securityGroupId: 'sg-web', policyIndex: 1, action: 'DROP', protocol: 'TCP', port: '22', source: '0.0.0.0/0', description: 'no ssh from the Internet' });
  });

  it('no matching rule = deny without a rule; templates are fetched and applied', async () => {
    const none = await inspect('ins-sgnone');
    assert.deepStrictEqual([none.securityGroups?.verdict, none.securityGroups?.decidingRule], ['deny', undefined]);
    const out = await inspect('ins-tpl');
    assert.strictEqual(out.securityGroups?.verdict, 'deny');
    const inVpn = await inspect('ins-tpl', { callerIp: '203.0.113.110' });
    assert.strictEqual(inVpn.securityGroups?.verdict, 'allow');
    assert.strictEqual(inVpn.securityGroups?.decidingRule?.source, 'ipmg-office');
    for (const a of ['DescribeAddressTemplateGroups', 'DescribeAddressTemplates', 'DescribeServiceTemplateGroups', 'DescribeServiceTemplates']) {
      assert.ok(ep.requests.some((r) => r.action === a && !r.errorCode), `${a} called`);
    }
  });

  it('unknown caller: evaluated for any source', async () => {
    const ev = await inspect('ins-ok', { callerIp: undefined });
    assert.strictEqual(ev.callerIp, undefined);
    assert.strictEqual(ev.securityGroups?.evaluatedFor, 'any source');
    assert.strictEqual(ev.securityGroups?.verdict, 'allow');
  });

  it('unknown caller: the family of the address the probes use picks the rules (IPv4-only group, IPv6 address)', async () => {
    const insp = createTencentInspector({ ...cfg, callerIp: undefined });
    const o = { timeoutMs: 2000, signal: new AbortController().signal, port: 22, protocol: 'ssh' as const, guestChecks: false };
    const v4 = await insp.inspect(target('ins-ok', 'cvm.example.com'), { ...o, address: '203.0.113.10' });
    const v6 = await insp.inspect(target('ins-ok', 'cvm.example.com'), { ...o, address: '2001:db8::10' });
    assert.strictEqual(v4.securityGroups?.verdict, 'allow');
    assert.strictEqual(v6.securityGroups?.verdict, 'deny', 'sg-open accepts 0.0.0.0/0 only: nothing accepts ::/0');
  });

  it('unknown caller, address templates of an office: denied unless the caller is in them', async () => {
    const ev = await inspect('ins-tpl', { callerIp: undefined });
    assert.deepStrictEqual([ev.securityGroups?.verdict, ev.securityGroups?.decidingRule, ev.securityGroups?.exceptFor], ['deny', undefined, ['198.51.100.0/24', '203.0.113.100-203.0.113.120']]);
  });

  it('a caller address of the other family is set aside: the groups are evaluated for any source of the probed family', async () => {
    const ev = await inspect('ins-sgnone', { callerIp: '2001:db8::5' });
    assert.deepStrictEqual([ev.callerIp, ev.callerIpOtherFamily, ev.securityGroups?.evaluatedFor], [undefined, '2001:db8::5', 'any source']);
    const v6 = await createTencentInspector({ ...cfg, callerIp: '2001:db8::5' }).inspect(target('ins-ok', 'cvm.example.com'),
      { timeoutMs: 2000, signal: new AbortController().signal, port: 22, protocol: 'ssh', guestChecks: false, address: '2001:db8::10' });
    assert.deepStrictEqual([v6.callerIp, v6.callerIpOtherFamily, v6.securityGroups?.evaluatedFor], ['2001:db8::5', undefined, '2001:db8::5']);
  });

  it('the instance\'s IPv6 addresses are read', async () => {
    ep.state.instances.find((i) => i.InstanceId === 'ins-ok')!.IPv6Addresses = ['2001:db8::10'];
    assert.deepStrictEqual((await inspect('ins-ok')).instance?.ipv6Ips, ['2001:db8::10']);
    assert.strictEqual((await inspect('ins-stopped')).instance?.ipv6Ips, undefined);
  });

  it('TAT: a guest firewall that accepts SSH from one range only blocks a caller outside it, not everyone', async () => {
    ep.state.guests['ins-fw'] = { agent: 'online', output: guestOutput({ ufw: ['Status: active', '22/tcp                     ALLOW       198.51.100.0/24'] }) };
    const outside = await inspect('ins-fw', {}, true);
    assert.strictEqual(outside.guest?.firewallBlocks, true);
    assert.match(outside.guest?.firewallDetail ?? '', /203\.0\.113\.5 is not among them/);
    const inside = await inspect('ins-fw', { callerIp: '198.51.100.9' }, true);
    assert.strictEqual(inside.guest?.firewallBlocks, false);
    const unknown = await inspect('ins-fw', { callerIp: undefined }, true);
    assert.deepStrictEqual([unknown.guest?.firewallBlocks, unknown.guest?.firewallAllowsOnly], [false, ['198.51.100.0/24']]);
  });

  it('network ACL deny names the ACL and its entry', async () => {
    const ev = await inspect('ins-acl');
    assert.strictEqual(ev.securityGroups?.verdict, 'allow');
    assert.strictEqual(ev.networkAcl?.verdict, 'deny');
    assert.strictEqual(ev.networkAcl?.aclId, 'acl-locked');
    assert.deepStrictEqual([ev.networkAcl?.decidingRule?.direction, ev.networkAcl?.decidingRule?.index, ev.networkAcl?.decidingRule?.description], ['ingress', 1, 'ssh closed']);
  });

  it('TAT success: the fixed script is sent base64, polled, and parsed', async () => {
    const ev = await inspect('ins-ok', {}, true);
    assert.deepStrictEqual(ev.errors, []);
    assert.strictEqual(ev.guest?.agentOnline, true);
    assert.strictEqual(ev.guest?.serviceActive, true);
    assert.deepStrictEqual(ev.guest?.listeningPorts, [22]);
    assert.deepStrictEqual(ev.guest?.configPorts, [22]);
    assert.strictEqual(ev.guest?.configTest?.ok, true);
    assert.strictEqual(ev.guest?.firewallBlocks, false);
    assert.deepStrictEqual(ev.guest?.hostKeyFingerprints?.map((k) => k.type), ['ssh-ed25519', 'ssh-rsa', 'ecdsa-sha2-nistp256']);
    assert.strictEqual(ev.guest?.hostKeyFingerprints?.[0].fingerprint, 'SHA256:h3X0XyDGpLm3r7Zy1sA2ZGqTn9jE6x5bqYw1WmO4wQk');
    const cmd = ep.state.commands.find((c) => c.instanceId === 'ins-ok');
    assert.match(cmd?.script ?? '', /^PORT=22$/m);
    assert.ok(ep.requests.filter((r) => r.action === 'DescribeInvocationTasks').length >= 2, 'polled until done');
  });

  it('TAT: sshd inactive with a bad config, and a guest firewall that drops the port', async () => {
    const down = await inspect('ins-sshdown', {}, true);
    assert.strictEqual(down.guest?.serviceActive, false);
    assert.strictEqual(down.guest?.configTest?.ok, false);
    assert.match(down.guest?.configTest?.output ?? '', /Bad configuration option/);
    const fw = await inspect('ins-fw', {}, true);
    assert.strictEqual(fw.guest?.firewallBlocks, true);
    assert.match(fw.guest?.firewallDetail ?? '', /INPUT policy DROP/);
  });

  it('TAT agent offline or missing: agentOnline=false, nothing run', async () => {
    const off = await inspect('ins-agentoff', {}, true);
    assert.strictEqual(off.guest?.agentOnline, false);
    assert.match(off.guest?.error ?? '', /Offline/);
    const none = await inspect('ins-noagent', {}, true);
    assert.strictEqual(none.guest?.agentOnline, false);
    assert.ok(!ep.requests.some((r) => r.action === 'RunCommand'));
  });

  it('RunCommand refused for a missing agent maps to agentOnline=false', async () => {
    ep.state.guests['ins-noagent'] = { agent: 'online' };
    ep.fail({ action: 'RunCommand', code: 'InvalidParameterValue.InstanceIsNotRelatedToAgent', times: 1 });
    const ev = await inspect('ins-noagent', {}, true);
    assert.strictEqual(ev.guest?.agentOnline, false);
    assert.deepStrictEqual(ev.errors, []);
  });

  it('throttling: backs off and succeeds', async () => {
    ep.fail({ action: 'DescribeInstances', code: 'RequestLimitExceeded', times: 2 });
    const ev = await inspect('ins-ok');
    assert.deepStrictEqual(ev.errors, []);
    assert.strictEqual(ep.requests.filter((r) => r.action === 'DescribeInstances').length, 3);
  });

  it('throttling exhausted: a throttled CloudError, the rest still reported', async () => {
    ep.fail({ action: 'DescribeSecurityGroupPolicies', code: 'RequestLimitExceeded', times: 100 });
    const ev = await inspect('ins-ok', { maxRetries: 2 });
    assert.strictEqual(ev.instance?.state, 'RUNNING');
    assert.strictEqual(ev.securityGroups, undefined);
    assert.deepStrictEqual(ev.errors.map((e) => [e.kind, e.code]), [['throttled', 'RequestLimitExceeded']]);
    assert.strictEqual(ep.requests.filter((r) => r.action === 'DescribeSecurityGroupPolicies').length, 3);
  });

  it('wrong key: AuthFailure.SignatureFailure as a clear auth error, never the key', async () => {
    const ev = await inspect('ins-ok', { secretKey: 'not-the-key-xyz' });
    assert.strictEqual(ev.instance, undefined);
    assert.strictEqual(ev.errors[0].kind, 'auth');
    assert.strictEqual(ev.errors[0].code, 'AuthFailure.SignatureFailure');
    assert.match(ev.errors[0].message, /SecretId and SecretKey/);
    assert.ok(!JSON.stringify(ev).includes('not-the-key-xyz') && !logs.join('\n').includes('not-the-key-xyz'));
    assert.ok(!logs.join('\n').includes(ep.secretKey));
  });

  it('unknown SecretId, unauthorized, not found, unreachable endpoint', async () => {
    assert.strictEqual((await inspect('ins-ok', { secretId: 'AKIDnobody' })).errors[0].code, 'AuthFailure.SecretIdNotFound');
    ep.fail({ action: 'DescribeSecurityGroupPolicies', code: 'UnauthorizedOperation', times: 1 });
    const ev = await inspect('ins-ok');
    assert.deepStrictEqual(ev.errors.map((e) => e.kind), ['unauthorized']);
    assert.strictEqual(ev.networkAcl?.verdict, 'none', 'other parts still complete');
    const nf = await inspect('ins-gone');
    assert.deepStrictEqual([nf.errors[0].kind, nf.errors[0].code], ['not-found', 'InvalidInstanceId.NotFound']);
    const url = ep.url;
    await ep.close();
    const down = await inspect('ins-ok', { endpoint: url });
    assert.strictEqual(down.errors[0].kind, 'network');
    ep = await startTencentEndpoint();
  });

  it('clock skew beyond 5 minutes: AuthFailure.SignatureExpire', async () => {
    ep.state.clockOffsetSec = 600;
    assert.strictEqual((await inspect('ins-ok')).errors[0].code, 'AuthFailure.SignatureExpire');
  });

  it('user cancel rejects with CancelledError', async () => {
    const ac = new AbortController();
    ep.state.guests['ins-ok'].pollsBeforeDone = 1000;
    const p = createTencentInspector(cfg).inspect(target('ins-ok'), { timeoutMs: 2000, signal: ac.signal, port: 22, protocol: 'ssh', guestChecks: true });
    setTimeout(() => ac.abort(), 100);
    await assert.rejects(p, (e: Error) => e.name === 'CancelledError');
  });

  it('behind a bastion: the bastion\'s private address is the source, not this machine\'s', async () => {
    const base = { timeoutMs: 2000, signal: new AbortController().signal, port: 22, protocol: 'ssh' as const, guestChecks: false };
    const inspector = createTencentInspector(cfg);
    // From here (the configured public caller address) the VPC-only rule does not let SSH in …
    const direct = await inspector.inspect(target('ins-private', '172.16.0.9'), base);
    assert.strictEqual(direct.callerIp, '203.0.113.5');
    assert.strictEqual(direct.securityGroups?.verdict, 'deny');
    // … but the bastion's private address is what the group sees, and it is accepted.
    const via = await inspector.inspect(target('ins-private', '172.16.0.9'), { ...base, source: { via: '203.0.113.7', address: '172.16.0.4' } });
    assert.strictEqual(via.callerIp, '172.16.0.4');
    assert.strictEqual(via.securityGroups?.verdict, 'allow');
    assert.strictEqual(via.securityGroups?.decidingRule?.securityGroupId, 'sg-vpc');
    // Its private address unknown: any source, never the public caller address.
    const unknown = await inspector.inspect(target('ins-private', '172.16.0.9'), { ...base, source: { via: '203.0.113.7' } });
    assert.strictEqual(unknown.callerIp, undefined);
    assert.deepStrictEqual(unknown.securityGroups?.exceptFor, ['172.16.0.0/16']);
  });
});
