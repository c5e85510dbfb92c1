/**
 * (unit) Instance import pagination and the least-privilege open-port fix, through the SDK
 * against the local endpoint (which enforces the group Version like the API).
 */
import * as assert from 'assert';
import { describeOpenPortFix, listInstances, openPortForCaller, type TencentConfig, undoOpenPort } from '../../../src/cloud';
import { REGION, type TencentEndpoint, startTencentEndpoint } from '../../support/tencentEndpoint';

describe('(unit) Tencent import and open-port fix', () => {
  let ep: TencentEndpoint;
  let cfg: TencentConfig;
  beforeEach(async () => {
    ep = await startTencentEndpoint();
    cfg = { secretId: ep.secretId, secretKey: ep.secretKey, endpoint: ep.url, retryBaseMs: 5, timeoutMs: 3000 };
  });
  afterEach(async () => { await ep.close(); });

  it('imports 25 instances with a page of 10 (3 pages) and guesses protocol/user', async () => {
    const base = ep.state.instances.length;
    for (let i = 0; i < 25 - base; i++) ep.state.instances.push({ ...ep.state.instances[0], InstanceId: `ins-extra${i}` });
    ep.state.instances.push({ ...ep.state.instances[0], region: 'ap-seoul', InstanceId: 'ins-seoul' });
    const list = await listInstances(cfg, [REGION], undefined, 10);
    assert.strictEqual(list.length, 25);
    assert.strictEqual(new Set(list.map((i) => i.instanceId)).size, 25);
    assert.deepStrictEqual(ep.requests.filter((r) => r.action === 'DescribeInstances' && r.service === 'cvm').map((r) => [r.params.Offset, r.params.Limit]), [[0, 10], [10, 10], [20, 10]]);
    const byId = new Map(list.map((i) => [i.instanceId, i]));
    assert.deepStrictEqual([byId.get('ins-ok')?.protocol, byId.get('ins-ok')?.port, byId.get('ins-ok')?.user], ['ssh', 22, 'ubuntu']);
    assert.deepStrictEqual([byId.get('ins-centos')?.user], ['root']);
    assert.deepStrictEqual([byId.get('ins-win')?.protocol, byId.get('ins-win')?.port, byId.get('ins-win')?.user], ['rdp', 3389, 'Administrator']);
    assert.deepStrictEqual(byId.get('ins-noip')?.publicIps, []);
    assert.strictEqual(byId.get('ins-stopped')?.state, 'STOPPED');
  });

  it('import across regions; an API error rejects with a CloudApiError', async () => {
    ep.state.instances.push({ ...ep.state.instances[0], region: 'ap-seoul', InstanceId: 'ins-seoul' });
    const list = await listInstances(cfg, ['ap-seoul']);
    assert.deepStrictEqual(list.map((i) => [i.instanceId, i.region]), [['ins-seoul', 'ap-seoul']]);
    await assert.rejects(listInstances({ ...cfg, secretKey: 'wrong' }, [REGION]), (e: Error & { kind?: string }) => e.kind === 'auth');
  });

  it('describes exactly one /32 rule and refuses 0.0.0.0/0 without the flag', () => {
    const fix = describeOpenPortFix({ region: REGION, securityGroupId: 'sg-web', port: 22, protocol: 'TCP', callerIp: '203.0.113.5' }, new Date('2025-03-04T10:00:00Z'));
    assert.deepStrictEqual(fix.rule, { PolicyIndex: 0, Protocol: 'TCP', Port: '22', CidrBlock: '203.0.113.5/32', Action: 'ACCEPT', PolicyDescription: 'CVM Doctor 2025-03-04: tcp/22 from 203.0.113.5/32' });
    assert.strictEqual(describeOpenPortFix({ region: REGION, securityGroupId: 'sg-web', port: 22, protocol: 'TCP', callerIp: '2001:db8::5' }).rule.Ipv6CidrBlock, '2001:db8::5/128');
    assert.throws(() => describeOpenPortFix({ region: REGION, securityGroupId: 'sg-web', port: 22, protocol: 'TCP', callerIp: '0.0.0.0/0' }), /whole Internet/);
    assert.throws(() => describeOpenPortFix({ region: REGION, securityGroupId: 'sg-web', port: 22, protocol: 'TCP', callerIp: '::/0' }), /whole Internet/);
    assert.throws(() => describeOpenPortFix({ region: REGION, securityGroupId: 'sg-web', port: 70000, protocol: 'TCP', callerIp: '203.0.113.5' }), /port/);
    assert.throws(() => describeOpenPortFix({ region: REGION, securityGroupId: 'sg-web', port: 22, protocol: 'TCP', callerIp: '10.0.0.0/8' }), /not an IP address/);
    assert.strictEqual(describeOpenPortFix({ region: REGION, securityGroupId: 'sg-web', port: 22, protocol: 'TCP', callerIp: '0.0.0.0/0', allowAnySource: true }).rule.CidrBlock, '0.0.0.0/0');
  });

  it('opens one rule at index 0 with the current Version, then undoes exactly it', async () => {
    const g = ep.state.securityGroups['sg-web'];
    const before = JSON.parse(JSON.stringify(g.ingress));
    const v0 = g.version;
    const undo = await openPortForCaller(cfg, { region: REGION, securityGroupId: 'sg-web', port: 22, protocol: 'TCP', callerIp: '203.0.113.5' });
    assert.strictEqual(g.ingress.length, before.length + 1);
    assert.strictEqual(g.ingress[0].CidrBlock, '203.0.113.5/32');
    assert.match(g.ingress[0].PolicyDescription ?? '', /^CVM Doctor \d{4}-\d{2}-\d{2}/);
    assert.deepStrictEqual(g.ingress.slice(1), before);
    assert.strictEqual(g.version, v0 + 1);
    const create = ep.requests.find((r) => r.action === 'CreateSecurityGroupPolicies');
    assert.strictEqual(create?.params.SecurityGroupPolicySet.Version, String(v0));
    // Someone adds a rule on top meanwhile: indexes shift, undo still finds ours.
    g.ingress.unshift({ Protocol: 'TCP', Port: '8080', CidrBlock: '0.0.0.0/0', Action: 'ACCEPT' });
    g.version++;
    assert.deepStrictEqual(await undoOpenPort(cfg, undo), { removed: true });
    assert.deepStrictEqual(g.ingress.slice(1), before);
    assert.strictEqual(g.ingress[0].Port, '8080');
    assert.deepStrictEqual(await undoOpenPort(cfg, undo), { removed: false });
  });

  it('the undo finds its rule when the API stored the source in another spelling (203.0.113.5/32 ↔ 203.0.113.5, IPv6 written out)', async () => {
    for (const [style, callerIp, field, stored] of [
      ['bare', '203.0.113.5', 'CidrBlock', '203.0.113.5'],
      ['bare', '2001:db8::5', 'Ipv6CidrBlock', '2001:DB8:0:0:0:0:0:5'],
      ['prefixed', '2001:db8::5', 'Ipv6CidrBlock', '2001:DB8:0:0:0:0:0:5/128'],
    ] as const) {
      ep.state.storedCidr = style;
      const g = ep.state.securityGroups['sg-web'];
      const before = JSON.stringify(g.ingress);
      const undo = await openPortForCaller(cfg, { region: REGION, securityGroupId: 'sg-web', port: 22, protocol: 'TCP', callerIp });
      assert.strictEqual(g.ingress[0][field], stored, 'the fixture stored another spelling');
      assert.notStrictEqual(undo.rule[field], stored);
      assert.deepStrictEqual(await undoOpenPort(cfg, undo), { removed: true }, `${style} ${callerIp}`);
      assert.strictEqual(JSON.stringify(g.ingress), before);
    }
    // A rule for another address is not ours, however it is spelled.
    ep.state.storedCidr = 'bare';
    const undo = await openPortForCaller(cfg, { region: REGION, securityGroupId: 'sg-web', port: 22, protocol: 'TCP', callerIp: '203.0.113.5' });
    assert.deepStrictEqual(await undoOpenPort(cfg, { ...undo, rule: { ...undo.rule, CidrBlock: '203.0.113.6/32' } }), { removed: false });
  });

  it('refuses a rule for a caller of the other family than the probed address (it would not help)', () => {
    assert.throws(() => describeOpenPortFix({ region: REGION, securityGroupId: 'sg-web', port: 22, protocol: 'TCP', callerIp: '2001:db8::5', family: 4 }), /IPv6 address, but port 22 was reached over IPv4/);
    assert.throws(() => describeOpenPortFix({ region: REGION, securityGroupId: 'sg-web', port: 22, protocol: 'TCP', callerIp: '203.0.113.5', family: 6 }), /callerIp/);
    assert.strictEqual(describeOpenPortFix({ region: REGION, securityGroupId: 'sg-web', port: 22, protocol: 'TCP', callerIp: '2001:db8::5', family: 6 }).rule.Ipv6CidrBlock, '2001:db8::5/128');
  });

  it('a stale Version is re-read and retried; repeated conflicts give up', async () => {
    ep.fail({ action: 'CreateSecurityGroupPolicies', code: 'UnsupportedOperation.VersionMismatch', times: 1 });
    await openPortForCaller(cfg, { region: REGION, securityGroupId: 'sg-open', port: 22, protocol: 'TCP', callerIp: '203.0.113.5' });
    assert.strictEqual(ep.requests.filter((r) => r.action === 'DescribeSecurityGroupPolicies').length, 2);
    assert.strictEqual(ep.state.securityGroups['sg-open'].ingress.filter((r) => r.CidrBlock === '203.0.113.5/32').length, 1);
    ep.fail({ action: 'CreateSecurityGroupPolicies', code: 'UnsupportedOperation.VersionMismatch', times: 10 });
    await assert.rejects(openPortForCaller(cfg, { region: REGION, securityGroupId: 'sg-open', port: 2222, protocol: 'TCP', callerIp: '203.0.113.5' }), /VersionMismatch/);
  });

  it('the endpoint itself rejects a stale Version', async () => {
    const { TencentApi } = await import('../../../src/cloud/api');
    const api = new TencentApi(cfg);
    await assert.rejects(api.call('vpc', REGION, 'CreateSecurityGroupPolicies', { SecurityGroupId: 'sg-open', SecurityGroupPolicySet: { Version: '1', Ingress: [{ PolicyIndex: 0, Protocol: 'TCP', Port: '22', CidrBlock: '203.0.113.9/32', Action: 'ACCEPT' }] } }),
      (e: Error & { code?: string }) => e.code === 'UnsupportedOperation.VersionMismatch');
  });
});
