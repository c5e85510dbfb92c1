/**
 * (unit) Network ACL evaluation: inbound first match, fixed deny-all, and stateless return
 * traffic that must cover every ephemeral port.
 */
import * as assert from 'assert';
import { type AclEntry, evaluateNetworkAcl } from '../../../src/cloud/networkAclEval';

const e = (Action: string, Protocol: string, Port: string, CidrBlock: string): AclEntry => ({ Action, Protocol, Port, CidrBlock });
const allOut = [e('ACCEPT', 'ALL', 'ALL', '0.0.0.0/0')];
const req = (callerIp?: string) => ({ protocol: 'TCP' as const, port: 22, callerIp });

describe('(unit) network ACL evaluation', () => {
  it('no ACL bound = none', () => {
    assert.strictEqual(evaluateNetworkAcl(undefined, req('203.0.113.5')).verdict, 'none');
  });
  it('inbound ACCEPT + outbound ALL = allow', () => {
    const r = evaluateNetworkAcl({ networkAclId: 'acl-1', ingress: [e('ACCEPT', 'TCP', '22', '0.0.0.0/0')], egress: allOut }, req('203.0.113.5'));
    assert.strictEqual(r.verdict, 'allow');
    assert.strictEqual(r.aclId, 'acl-1');
  });
  it('no inbound entry = fixed deny-all names itself', () => {
    const r = evaluateNetworkAcl({ networkAclId: 'acl-1', ingress: [e('ACCEPT', 'TCP', '80', '0.0.0.0/0')], egress: allOut }, req('203.0.113.5'));
    assert.strictEqual(r.verdict, 'deny');
    assert.deepStrictEqual([r.decidingRule?.direction, r.decidingRule?.index, r.decidingRule?.action], ['ingress', 1, 'DROP']);
    assert.match(r.decidingRule?.description ?? '', /fixed deny-all/);
  });
  it('inbound DROP first wins', () => {
    const r = evaluateNetworkAcl({ networkAclId: 'acl-1', ingress: [e('DROP', 'TCP', '22', '203.0.113.0/24'), e('ACCEPT', 'ALL', 'ALL', '0.0.0.0/0')], egress: allOut }, req('203.0.113.5'));
    assert.deepStrictEqual([r.verdict, r.decidingRule?.index, r.decidingRule?.cidr], ['deny', 0, '203.0.113.0/24']);
  });
  it('outbound covering only 1024-32767 leaves the rest to deny-all', () => {
    const r = evaluateNetworkAcl({ networkAclId: 'acl-1', ingress: [e('ACCEPT', 'TCP', '22', '0.0.0.0/0')], egress: [e('ACCEPT', 'TCP', '1024-32767', '0.0.0.0/0')] }, req('203.0.113.5'));
    assert.deepStrictEqual([r.verdict, r.decidingRule?.direction, r.decidingRule?.index], ['deny', 'egress', 1]);
  });
  it('two outbound ranges that together cover the ephemeral ports = allow', () => {
    const r = evaluateNetworkAcl({ networkAclId: 'acl-1', ingress: [e('ACCEPT', 'TCP', '22', '0.0.0.0/0')], egress: [e('ACCEPT', 'TCP', '1024-32767', '0.0.0.0/0'), e('ACCEPT', 'TCP', '32768-65535', '203.0.113.0/24')] }, req('203.0.113.5'));
    assert.strictEqual(r.verdict, 'allow');
  });
  it('outbound DROP over part of the ephemeral range denies', () => {
    const r = evaluateNetworkAcl({ networkAclId: 'acl-1', ingress: [e('ACCEPT', 'TCP', '22', '0.0.0.0/0')], egress: [e('DROP', 'TCP', '40000-50000', '0.0.0.0/0'), e('ACCEPT', 'ALL', 'ALL', '0.0.0.0/0')] }, req('203.0.113.5'));
    assert.deepStrictEqual([r.verdict, r.decidingRule?.direction, r.decidingRule?.index, r.decidingRule?.action], ['deny', 'egress', 0, 'DROP']);
  });
  it('outbound DROP on well-known ports only does not matter', () => {
    const r = evaluateNetworkAcl({ networkAclId: 'acl-1', ingress: [e('ACCEPT', 'TCP', '22', '0.0.0.0/0')], egress: [e('DROP', 'TCP', '25', '0.0.0.0/0'), e('ACCEPT', 'ALL', 'ALL', '0.0.0.0/0')] }, req('203.0.113.5'));
    assert.strictEqual(r.verdict, 'allow');
  });
  it('any source: only a universal inbound entry allows', () => {
    const acl = { networkAclId: 'acl-1', ingress: [e('ACCEPT', 'TCP', '22', '203.0.113.0/24')], egress: allOut };
    assert.strictEqual(evaluateNetworkAcl(acl, req(undefined)).verdict, 'deny');
    assert.strictEqual(evaluateNetworkAcl(acl, req('203.0.113.5')).verdict, 'allow');
  });
});

describe('(unit) network ACL for an unknown caller', () => {
  const any = { protocol: 'TCP' as const, port: 22, family: 4 as const };
  it('an office /24 inbound entry + the fixed deny: deny unless the caller is in 198.51.100.0/24', () => {
    const r = evaluateNetworkAcl({ networkAclId: 'acl-1', ingress: [e('ACCEPT', 'TCP', '22', '198.51.100.0/24')], egress: allOut }, any);
    assert.deepStrictEqual([r.verdict, r.decidingRule?.index, r.exceptFor], ['deny', 1, ['198.51.100.0/24']]);
  });
  it('a universal inbound ACCEPT after a narrower DROP: allow except that source', () => {
    const r = evaluateNetworkAcl({ networkAclId: 'acl-1', ingress: [e('DROP', 'TCP', '22', '203.0.113.0/24'), e('ACCEPT', 'ALL', 'ALL', '0.0.0.0/0')], egress: allOut }, any);
    assert.deepStrictEqual([r.verdict, r.exceptFor], ['allow', ['203.0.113.0/24']]);
  });
  it('return traffic allowed only to the office: deny unless the caller is there', () => {
    const r = evaluateNetworkAcl({ networkAclId: 'acl-1', ingress: [e('ACCEPT', 'ALL', 'ALL', '0.0.0.0/0')], egress: [e('ACCEPT', 'TCP', '1024-65535', '198.51.100.0/24')] }, any);
    assert.deepStrictEqual([r.verdict, r.decidingRule?.direction, r.exceptFor], ['deny', 'egress', ['198.51.100.0/24']]);
  });
  it('an IPv6 caller is set aside for an IPv4 address', () => {
    const r = evaluateNetworkAcl({ networkAclId: 'acl-1', ingress: [e('ACCEPT', 'TCP', '22', '0.0.0.0/0')], egress: allOut }, { ...any, callerIp: '2001:db8::5' });
    assert.strictEqual(r.verdict, 'allow');
  });
  it('nothing for the port at all: a deny for everyone', () => {
    const r = evaluateNetworkAcl({ networkAclId: 'acl-1', ingress: [e('ACCEPT', 'TCP', '80', '0.0.0.0/0')], egress: allOut }, any);
    assert.deepStrictEqual([r.verdict, r.exceptFor], ['deny', undefined]);
  });
});
