// (unit) "Open port for my IP" from a finished report: the group and address chosen from the
// cloud checks the engine wrote, the typed-address rules (0.0.0.0/0 only when typed), the undo
// records' validation — and the whole fix through the SDK against the local endpoint.
import * as assert from 'assert';
import { createTencentInspector, describeOpenPortFix, openPortForCaller, undoOpenPort, type TencentConfig } from '../../../src/cloud';
import { cloudChecks } from '../../../src/core/checks';
import { SCHEMA_VERSION, type CloudEvidence, type Report, type Target, type VerdictCode } from '../../../src/core/model';
import { alreadyAccepted, describeUndo, openPortCandidate, openPortRequest, parseCallerIpInput, sanitizeUndos } from '../../../src/cloud/openPortPlan';
import { REGION, type TencentEndpoint, startTencentEndpoint } from '../../support/tencentEndpoint';

const target = (instanceId: string): Target => ({
  host: '203.0.113.10', port: 22, protocol: 'ssh', altPorts: [], timeoutMs: 2000, icmp: false, cloud: { instanceId, region: REGION },
});

function report(ev: CloudEvidence, code: VerdictCode, t = target(ev.instanceId)): Report {
  return {
    schemaVersion: SCHEMA_VERSION, target: { host: t.host, port: t.port, protocol: t.protocol, addresses: [t.host], cloud: t.cloud },
    verdict: { code, title: code, summary: '', remediation: [] }, findings: [], checks: cloudChecks(ev, t.port, t.protocol, 'en'),
    durationMs: 1, startedAt: new Date().toISOString(), lang: 'en',
  };
}

describe('(unit) open port for my IP: plan', () => {
  let ep: TencentEndpoint;
  let cfg: TencentConfig;
  beforeEach(async () => {
    ep = await startTencentEndpoint();
    cfg = { secretId: ep.secretId, secretKey: ep.secretKey, endpoint: ep.url, callerIp: '203.0.113.5', timeoutMs: 3000, retryBaseMs: 5 };
  });
  afterEach(async () => { await ep.close(); });

  const inspect = (id: string, over: Partial<TencentConfig> = {}) =>
    createTencentInspector({ ...cfg, ...over }).inspect(target(id), { timeoutMs: 2000, signal: new AbortController().signal, port: 22, protocol: 'ssh', guestChecks: false });

  it('a DROP decides: the fix goes first into that group, for the evaluated caller address', async () => {
    const c = openPortCandidate(report(await inspect('ins-sgdeny'), 'SECURITY_GROUP_BLOCKS'));
    assert.deepStrictEqual(c && { ...c, decidingRule: c.decidingRule?.action }, {
      instanceId: 'ins-sgdeny', region: REGION, securityGroupId: 'sg-web', port: 22, family: 4, callerIp: '203.0.113.5', decidingRule: 'DROP',
    });
  });

  it('implicit deny: the instance\'s first group; unknown caller: no address (the user is asked)', async () => {
    const c = openPortCandidate(report(await inspect('ins-sgnone', { callerIp: undefined }), 'SECURITY_GROUP_BLOCKS'));
    assert.deepStrictEqual(c, { instanceId: 'ins-sgnone', region: REGION, securityGroupId: 'sg-webonly', port: 22, family: 4 });
  });

  it('no fix when the groups allow, the verdict is not a blocked port, or there is no cloud instance', async () => {
    const allow = report(await inspect('ins-ok'), 'PORT_FILTERED');
    assert.strictEqual(openPortCandidate(allow), undefined);
    const deny = await inspect('ins-sgdeny');
    for (const code of ['OK', 'PORT_CLOSED', 'AUTH_FAILED', 'INSTANCE_NOT_RUNNING'] as const) assert.strictEqual(openPortCandidate(report(deny, code)), undefined, code);
    for (const code of ['SECURITY_GROUP_BLOCKS', 'PORT_FILTERED', 'NO_RESPONSE'] as const) assert.ok(openPortCandidate(report(deny, code)), code);
    const r = report(deny, 'SECURITY_GROUP_BLOCKS');
    delete r.target.cloud;
    assert.strictEqual(openPortCandidate(r), undefined);
  });

  it('typed addresses: one IP; 0.0.0.0/0 and ::/0 only as typed (flagged); never 0.0.0.0 or a range', () => {
    assert.deepStrictEqual(parseCallerIpInput(' 198.51.100.7 '), { ok: true, ip: '198.51.100.7', anySource: false });
    assert.deepStrictEqual(parseCallerIpInput('2001:db8::7'), { ok: true, ip: '2001:db8::7', anySource: false });
    assert.deepStrictEqual(parseCallerIpInput('0.0.0.0/0'), { ok: true, ip: '0.0.0.0/0', anySource: true });
    assert.deepStrictEqual(parseCallerIpInput('::/0'), { ok: true, ip: '::/0', anySource: true });
    assert.deepStrictEqual(parseCallerIpInput(''), { ok: false, reason: 'empty' });
    assert.deepStrictEqual(parseCallerIpInput('0.0.0.0'), { ok: false, reason: 'unspecified' });
    for (const bad of ['10.0.0.0/8', 'my ip', '203.0.113.5/32', '999.1.1.1']) assert.deepStrictEqual(parseCallerIpInput(bad), { ok: false, reason: 'invalid' }, bad);
  });

  it('the request builds exactly one /32 rule; 0.0.0.0/0 needs the flag that only a typed answer sets', async () => {
    const c = openPortCandidate(report(await inspect('ins-sgdeny'), 'SECURITY_GROUP_BLOCKS'))!;
    const fix = describeOpenPortFix(openPortRequest(c, '203.0.113.5'));
    assert.deepStrictEqual([fix.securityGroupId, fix.rule.PolicyIndex, fix.rule.CidrBlock, fix.rule.Action], ['sg-web', 0, '203.0.113.5/32', 'ACCEPT']);
    assert.throws(() => describeOpenPortFix(openPortRequest(c, '0.0.0.0/0')), /whole Internet/);
    assert.strictEqual(describeOpenPortFix(openPortRequest(c, '0.0.0.0/0', true)).rule.CidrBlock, '0.0.0.0/0');
  });

  it('through the SDK: apply → the groups allow the caller; undo → deny again, the group as before', async () => {
    const before = JSON.stringify(ep.state.securityGroups['sg-web'].ingress);
    const c = openPortCandidate(report(await inspect('ins-sgdeny'), 'SECURITY_GROUP_BLOCKS'))!;
    const undo = await openPortForCaller(cfg, openPortRequest(c, c.callerIp!));
    const after = await inspect('ins-sgdeny');
    assert.deepStrictEqual([after.securityGroups?.verdict, after.securityGroups?.decidingRule?.securityGroupId, after.securityGroups?.decidingRule?.policyIndex], ['allow', 'sg-web', 0]);
    assert.strictEqual(openPortCandidate(report(after, 'SECURITY_GROUP_BLOCKS')), undefined, 'no second fix offered');
    const stored = sanitizeUndos(JSON.parse(JSON.stringify([{ instanceId: 'i1', instanceName: 'web', undo }])));
    assert.strictEqual(stored.length, 1);
    assert.strictEqual(describeUndo(stored[0].undo), 'sg-web (ap-guangzhou): ACCEPT TCP 22 from 203.0.113.5/32');
    assert.deepStrictEqual(await undoOpenPort(cfg, stored[0].undo), { removed: true });
    assert.strictEqual(JSON.stringify(ep.state.securityGroups['sg-web'].ingress), before);
    assert.strictEqual((await inspect('ins-sgdeny')).securityGroups?.verdict, 'deny');
  });

  it('SSH answering on another port: the verdict is SERVICE_ON_OTHER_PORT and no fix is offered', async () => {
    assert.strictEqual(openPortCandidate(report(await inspect('ins-sgdeny'), 'SERVICE_ON_OTHER_PORT')), undefined);
  });

  it('an IPv4 address probed: an IPv6 caller is not used for the rule, and typing one is refused', async () => {
    const ev = await inspect('ins-sgdeny', { callerIp: '2001:db8::5' });
    assert.strictEqual(ev.callerIpOtherFamily, '2001:db8::5');
    const c = openPortCandidate(report(ev, 'SECURITY_GROUP_BLOCKS'))!;
    assert.deepStrictEqual([c.family, c.callerIp], [4, undefined]);
    assert.deepStrictEqual(parseCallerIpInput('2001:db8::5', 4), { ok: false, reason: 'family' });
    assert.deepStrictEqual(parseCallerIpInput('::/0', 4), { ok: false, reason: 'family' });
    assert.deepStrictEqual(parseCallerIpInput('203.0.113.5', 4), { ok: true, ip: '203.0.113.5', anySource: false });
    assert.throws(() => describeOpenPortFix(openPortRequest(c, '2001:db8::5')), /reached over IPv4/);
  });

  it('caller unknown, the groups accept an office range: no rule is added for an address inside it', async () => {
    ep.state.securityGroups['sg-webonly'].ingress.push({ Protocol: 'TCP', Port: '22', CidrBlock: '198.51.100.0/24', Action: 'ACCEPT' });
    const ev = await inspect('ins-sgnone', { callerIp: undefined });
    assert.deepStrictEqual(ev.securityGroups?.exceptFor, ['198.51.100.0/24']);
    const c = openPortCandidate(report(ev, 'PORT_FILTERED'))!;
    assert.deepStrictEqual(c.acceptedSources, ['198.51.100.0/24']);
    assert.strictEqual(alreadyAccepted(c, '198.51.100.7'), true);
    assert.strictEqual(alreadyAccepted(c, '203.0.113.5'), false);
  });

  it('undo records from storage are validated: only CVM Doctor ACCEPT rules in sg-… groups', () => {
    const ok = { instanceId: 'i', instanceName: 'n', undo: { region: REGION, securityGroupId: 'sg-web', createdAt: 'x', rule: { Protocol: 'TCP', Port: '22', CidrBlock: '1.2.3.4/32', Action: 'ACCEPT', PolicyDescription: 'CVM Doctor 2025-01-01: tcp/22 from 1.2.3.4/32' } } };
    assert.strictEqual(sanitizeUndos([ok]).length, 1);
    assert.deepStrictEqual(sanitizeUndos([
      { ...ok, undo: { ...ok.undo, securityGroupId: 'x; rm' } },
      { ...ok, undo: { ...ok.undo, rule: { ...ok.undo.rule, Action: 'DROP' } } },
      { ...ok, undo: { ...ok.undo, rule: { ...ok.undo.rule, PolicyDescription: 'someone else' } } },
      { ...ok, instanceId: 5 }, null, 'x',
    ]), []);
    assert.deepStrictEqual(sanitizeUndos({}), []);
  });
});
