/**
 * (unit) Security-group evaluation table: order, ranges, ALL, several groups, IPv6, templates,
 * any source. Each row names the expected verdict AND the deciding rule, so a wrong first-match
 * or a wrong group order fails.
 */
import * as assert from 'assert';
import { EMPTY_TEMPLATES, type SgGroup, type SgPolicy, type SgRequest, type SgTemplates, evaluateSecurityGroups } from '../../../src/cloud/securityGroupEval';

const rule = (i: number, Action: string, Protocol: string, Port: string, src: Partial<SgPolicy>): SgPolicy =>
  ({ PolicyIndex: i, Action, Protocol, Port, ...src });
const g = (id: string, ...ingress: SgPolicy[]): SgGroup => ({ securityGroupId: id, ingress });
const ssh = (callerIp?: string, port = 22): SgRequest => ({ protocol: 'TCP', port, callerIp });

const templates: SgTemplates = {
  addresses: { 'ipm-office': ['198.51.100.0/24', '203.0.113.7'], 'ipm-range': ['203.0.113.10-203.0.113.20'], 'ipm-all': ['0.0.0.0/0'], 'ipm-v6': ['2001:db8::/32'] },
  addressGroups: { 'ipmg-corp': ['ipm-office', 'ipm-range'] },
  services: { 'ppm-ssh': ['tcp:22'], 'ppm-web': ['tcp:80,443', 'udp:8000-9000'], 'ppm-any': ['ALL'] },
  serviceGroups: { 'ppmg-admin': ['ppm-web', 'ppm-ssh'] },
};

interface Row { name: string; groups: SgGroup[]; req: SgRequest; verdict: 'allow' | 'deny'; deciding?: [string, number]; t?: SgTemplates }

const rows: Row[] = [
  { name: 'single ACCEPT 0.0.0.0/0 port 22', groups: [g('sg-a', rule(0, 'ACCEPT', 'TCP', '22', { CidrBlock: '0.0.0.0/0' }))], req: ssh('203.0.113.5'), verdict: 'allow', deciding: ['sg-a', 0] },
  { name: 'no rule for the port = implicit deny', groups: [g('sg-a', rule(0, 'ACCEPT', 'TCP', '80', { CidrBlock: '0.0.0.0/0' }))], req: ssh('203.0.113.5'), verdict: 'deny' },
  { name: 'empty group = implicit deny', groups: [g('sg-a')], req: ssh('203.0.113.5'), verdict: 'deny' },
  { name: 'DROP before ACCEPT wins', groups: [g('sg-a', rule(0, 'DROP', 'TCP', '22', { CidrBlock: '203.0.113.0/24' }), rule(1, 'ACCEPT', 'TCP', '22', { CidrBlock: '0.0.0.0/0' }))], req: ssh('203.0.113.5'), verdict: 'deny', deciding: ['sg-a', 0] },
  { name: 'DROP for another range does not match', groups: [g('sg-a', rule(0, 'DROP', 'TCP', '22', { CidrBlock: '198.51.100.0/24' }), rule(1, 'ACCEPT', 'TCP', '22', { CidrBlock: '0.0.0.0/0' }))], req: ssh('203.0.113.5'), verdict: 'allow', deciding: ['sg-a', 1] },
  { name: 'PolicyIndex order, not array order', groups: [g('sg-a', rule(1, 'ACCEPT', 'TCP', '22', { CidrBlock: '0.0.0.0/0' }), rule(0, 'DROP', 'ALL', 'ALL', { CidrBlock: '0.0.0.0/0' }))], req: ssh('203.0.113.5'), verdict: 'deny', deciding: ['sg-a', 0] },
  { name: 'port list "22,3389"', groups: [g('sg-a', rule(0, 'ACCEPT', 'TCP', '22,3389', { CidrBlock: '0.0.0.0/0' }))], req: ssh('203.0.113.5', 3389), verdict: 'allow', deciding: ['sg-a', 0] },
  { name: 'port range includes', groups: [g('sg-a', rule(0, 'ACCEPT', 'TCP', '8000-9000', { CidrBlock: '0.0.0.0/0' }))], req: ssh('203.0.113.5', 8022), verdict: 'allow', deciding: ['sg-a', 0] },
  { name: 'port range excludes', groups: [g('sg-a', rule(0, 'ACCEPT', 'TCP', '8000-9000', { CidrBlock: '0.0.0.0/0' }))], req: ssh('203.0.113.5', 22), verdict: 'deny' },
  { name: 'UDP rule does not open TCP', groups: [g('sg-a', rule(0, 'ACCEPT', 'UDP', '22', { CidrBlock: '0.0.0.0/0' }))], req: ssh('203.0.113.5'), verdict: 'deny' },
  { name: 'ALL protocol, ALL ports', groups: [g('sg-a', rule(0, 'ACCEPT', 'ALL', 'ALL', { CidrBlock: '203.0.113.0/24' }))], req: ssh('203.0.113.5'), verdict: 'allow', deciding: ['sg-a', 0] },
  { name: 'ICMP rule vs ICMP traffic', groups: [g('sg-a', rule(0, 'ACCEPT', 'ICMP', 'ALL', { CidrBlock: '0.0.0.0/0' }))], req: { protocol: 'ICMP', callerIp: '203.0.113.5' }, verdict: 'allow', deciding: ['sg-a', 0] },
  { name: '/32 of another caller', groups: [g('sg-a', rule(0, 'ACCEPT', 'TCP', '22', { CidrBlock: '203.0.113.6/32' }))], req: ssh('203.0.113.5'), verdict: 'deny' },
  { name: 'second group decides when first has no match', groups: [g('sg-a', rule(0, 'ACCEPT', 'TCP', '80', { CidrBlock: '0.0.0.0/0' })), g('sg-b', rule(0, 'ACCEPT', 'TCP', '22', { CidrBlock: '0.0.0.0/0' }))], req: ssh('203.0.113.5'), verdict: 'allow', deciding: ['sg-b', 0] },
  { name: 'first group DROP beats second group ACCEPT', groups: [g('sg-a', rule(3, 'DROP', 'TCP', '22', { CidrBlock: '0.0.0.0/0' })), g('sg-b', rule(0, 'ACCEPT', 'TCP', '22', { CidrBlock: '0.0.0.0/0' }))], req: ssh('203.0.113.5'), verdict: 'deny', deciding: ['sg-a', 3] },
  { name: 'group order as given (b first)', groups: [g('sg-b', rule(0, 'ACCEPT', 'TCP', '22', { CidrBlock: '0.0.0.0/0' })), g('sg-a', rule(0, 'DROP', 'TCP', '22', { CidrBlock: '0.0.0.0/0' }))], req: ssh('203.0.113.5'), verdict: 'allow', deciding: ['sg-b', 0] },
  { name: 'IPv6 caller matches Ipv6CidrBlock', groups: [g('sg-a', rule(0, 'ACCEPT', 'TCP', '22', { CidrBlock: '0.0.0.0/0' }), rule(1, 'ACCEPT', 'TCP', '22', { Ipv6CidrBlock: '2001:db8:1::/48' }))], req: ssh('2001:db8:1::5'), verdict: 'allow', deciding: ['sg-a', 1] },
  { name: 'IPv6 caller not matched by 0.0.0.0/0', groups: [g('sg-a', rule(0, 'ACCEPT', 'TCP', '22', { CidrBlock: '0.0.0.0/0' }))], req: ssh('2001:db8::5'), verdict: 'deny' },
  { name: 'IPv4-mapped form stays IPv6', groups: [g('sg-a', rule(0, 'ACCEPT', 'TCP', '22', { Ipv6CidrBlock: '::ffff:0:0/96' }))], req: ssh('::ffff:203.0.113.5'), verdict: 'allow', deciding: ['sg-a', 0] },
  { name: 'address template CIDR member', groups: [g('sg-a', rule(0, 'ACCEPT', 'TCP', '22', { AddressTemplate: { AddressId: 'ipm-office' } }))], req: ssh('198.51.100.77'), verdict: 'allow', deciding: ['sg-a', 0], t: templates },
  { name: 'address template group range member', groups: [g('sg-a', rule(0, 'DROP', 'TCP', '22', { AddressTemplate: { AddressGroupId: 'ipmg-corp' } }), rule(1, 'ACCEPT', 'ALL', 'ALL', { CidrBlock: '0.0.0.0/0' }))], req: ssh('203.0.113.15'), verdict: 'deny', deciding: ['sg-a', 0], t: templates },
  { name: 'address template group outside range', groups: [g('sg-a', rule(0, 'DROP', 'TCP', '22', { AddressTemplate: { AddressGroupId: 'ipmg-corp' } }), rule(1, 'ACCEPT', 'ALL', 'ALL', { CidrBlock: '0.0.0.0/0' }))], req: ssh('203.0.113.21'), verdict: 'allow', deciding: ['sg-a', 1], t: templates },
  { name: 'service template group', groups: [g('sg-a', { PolicyIndex: 0, Action: 'ACCEPT', CidrBlock: '0.0.0.0/0', ServiceTemplate: { ServiceGroupId: 'ppmg-admin' } })], req: ssh('203.0.113.5'), verdict: 'allow', deciding: ['sg-a', 0], t: templates },
  { name: 'service template without the port', groups: [g('sg-a', { PolicyIndex: 0, Action: 'ACCEPT', CidrBlock: '0.0.0.0/0', ServiceTemplate: { ServiceId: 'ppm-web' } })], req: ssh('203.0.113.5'), verdict: 'deny', t: templates },
  { name: 'missing template is skipped, not guessed', groups: [g('sg-a', rule(0, 'DROP', 'TCP', '22', { AddressTemplate: { AddressId: 'ipm-gone' } }), rule(1, 'ACCEPT', 'TCP', '22', { CidrBlock: '0.0.0.0/0' }))], req: ssh('203.0.113.5'), verdict: 'allow', deciding: ['sg-a', 1] },
  { name: 'source security group never matches an Internet caller', groups: [g('sg-a', rule(0, 'ACCEPT', 'TCP', '22', { SecurityGroupId: 'sg-peer' }))], req: ssh('203.0.113.5'), verdict: 'deny' },
  { name: 'any source: 0.0.0.0/0 ACCEPT allows', groups: [g('sg-a', rule(0, 'ACCEPT', 'TCP', '22', { CidrBlock: '0.0.0.0/0' }))], req: ssh(undefined), verdict: 'allow', deciding: ['sg-a', 0] },
  { name: 'any source: only a /24 ACCEPT = deny', groups: [g('sg-a', rule(0, 'ACCEPT', 'TCP', '22', { CidrBlock: '203.0.113.0/24' }))], req: ssh(undefined), verdict: 'deny' },
  { name: 'any source: universal DROP before ACCEPT', groups: [g('sg-a', rule(0, 'DROP', 'ALL', 'ALL', { CidrBlock: '0.0.0.0/0' }), rule(1, 'ACCEPT', 'TCP', '22', { CidrBlock: '0.0.0.0/0' }))], req: ssh(undefined), verdict: 'deny', deciding: ['sg-a', 0] },
  { name: 'any source: universal template ACCEPT', groups: [g('sg-a', rule(0, 'ACCEPT', 'TCP', '22', { AddressTemplate: { AddressId: 'ipm-all' } }))], req: ssh(undefined), verdict: 'allow', deciding: ['sg-a', 0], t: templates },
  { name: 'any source IPv6: ::/0 decides', groups: [g('sg-a', rule(0, 'ACCEPT', 'TCP', '22', { CidrBlock: '0.0.0.0/0' }), rule(1, 'DROP', 'TCP', '22', { Ipv6CidrBlock: '::/0' }))], req: { protocol: 'TCP', port: 22, family: 6 }, verdict: 'deny', deciding: ['sg-a', 1] },
];

describe('(unit) security group evaluation', () => {
  for (const r of rows) {
    it(r.name, () => {
      const res = evaluateSecurityGroups(r.groups, r.t ?? EMPTY_TEMPLATES, r.req);
      assert.strictEqual(res.verdict, r.verdict);
      if (r.deciding) {
        assert.ok(res.decidingRule, 'a deciding rule is named');
        assert.deepStrictEqual([res.decidingRule.securityGroupId, res.decidingRule.policyIndex], r.deciding);
        assert.strictEqual(res.decidingRule.action, r.verdict === 'allow' ? 'ACCEPT' : 'DROP');
      } else {
        assert.strictEqual(res.decidingRule, undefined, 'implicit deny names no rule');
      }
      assert.strictEqual(res.evaluatedFor, r.req.callerIp ?? 'any source');
    });
  }

  it('any source: a narrower DROP ahead of the deciding ACCEPT is reported as a note', () => {
    const res = evaluateSecurityGroups([g('sg-a', rule(0, 'DROP', 'TCP', '22', { CidrBlock: '198.51.100.0/24' }), rule(1, 'ACCEPT', 'TCP', '22', { CidrBlock: '0.0.0.0/0' }))], EMPTY_TEMPLATES, ssh(undefined));
    assert.strictEqual(res.verdict, 'allow');
    assert.match(res.notes.join('\n'), /198\.51\.100\.0\/24.*some sources only/);
  });

  it('names the deciding rule with its source, ports and description', () => {
    const res = evaluateSecurityGroups([g('sg-a', rule(4, 'DROP', 'tcp', '22,3389', { CidrBlock: '0.0.0.0/0', PolicyDescription: 'block admin' }))], EMPTY_TEMPLATES, ssh('203.0.113.5'));
    assert.deepStrictEqual(res.decidingRule, { securityGroupId: 'sg-a', policyIndex: 4, action: 'DROP', protocol: 'TCP', port: '22,3389', source: '0.0.0.0/0', description: 'block admin' });
  });
});

describe('(unit) security groups for an unknown caller, the probed family, and the API\'s shapes', () => {
  const any = (family?: 4 | 6): SgRequest => ({ protocol: 'TCP', port: 22, family });
  const office = rule(0, 'ACCEPT', 'TCP', '22', { CidrBlock: '198.51.100.0/24', PolicyDescription: 'office' });

  it('an office /24 ACCEPT + the implicit deny: "blocks unless your address is in 198.51.100.0/24", not a flat deny', () => {
    const res = evaluateSecurityGroups([g('sg-a', office)], EMPTY_TEMPLATES, any(4));
    assert.deepStrictEqual([res.verdict, res.decidingRule, res.exceptFor], ['deny', undefined, ['198.51.100.0/24']]);
  });

  it('the exceptions are exact: an ACCEPT hidden behind an earlier DROP accepts no one (then the deny is for everyone)', () => {
    const hidden = evaluateSecurityGroups([g('sg-a', rule(0, 'DROP', 'TCP', '22', { CidrBlock: '198.51.0.0/16' }), rule(1, 'ACCEPT', 'TCP', '22', { CidrBlock: '198.51.100.0/24' }))], EMPTY_TEMPLATES, any(4));
    assert.deepStrictEqual([hidden.verdict, hidden.exceptFor], ['deny', undefined]);
    const partly = evaluateSecurityGroups([g('sg-a', rule(0, 'DROP', 'TCP', '22', { CidrBlock: '198.51.100.128/25' }), rule(1, 'ACCEPT', 'TCP', '22', { CidrBlock: '198.51.100.0/24' }))], EMPTY_TEMPLATES, any(4));
    assert.deepStrictEqual(partly.exceptFor, ['198.51.100.0/25']);
    const range = evaluateSecurityGroups([g('sg-a', rule(0, 'ACCEPT', 'TCP', '22', { AddressTemplate: { AddressId: 'ipm-range' } }))], templates, any(4));
    assert.deepStrictEqual(range.exceptFor, ['203.0.113.10-203.0.113.20']);
  });

  it('a universal rule decides for everyone outside the narrower rules before it', () => {
    const res = evaluateSecurityGroups([g('sg-a', rule(0, 'DROP', 'TCP', '22', { CidrBlock: '203.0.113.7' }), office, rule(2, 'ACCEPT', 'ALL', 'ALL', { CidrBlock: '0.0.0.0/0' }))], EMPTY_TEMPLATES, any(4));
    assert.deepStrictEqual([res.verdict, res.decidingRule?.policyIndex, res.exceptFor], ['allow', 2, ['203.0.113.7']]);
    const drop = evaluateSecurityGroups([g('sg-a', office), g('sg-b', rule(0, 'DROP', 'ALL', 'ALL', { CidrBlock: '0.0.0.0/0' }))], EMPTY_TEMPLATES, any(4));
    assert.deepStrictEqual([drop.verdict, drop.decidingRule?.securityGroupId, drop.exceptFor], ['deny', 'sg-b', ['198.51.100.0/24']]);
  });

  it('no rule of the probed family could accept anyone: a deny for everyone (no exceptions)', () => {
    const res = evaluateSecurityGroups([g('sg-a', rule(0, 'ACCEPT', 'TCP', '22', { Ipv6CidrBlock: '2001:db8::/32' }), rule(1, 'ACCEPT', 'TCP', '80', { CidrBlock: '0.0.0.0/0' }))], EMPTY_TEMPLATES, any(4));
    assert.deepStrictEqual([res.verdict, res.exceptFor], ['deny', undefined]);
    const v6 = evaluateSecurityGroups([g('sg-a', rule(0, 'ACCEPT', 'TCP', '22', { Ipv6CidrBlock: '2001:db8::/32' }))], EMPTY_TEMPLATES, any(6));
    assert.deepStrictEqual([v6.verdict, v6.exceptFor], ['deny', ['2001:db8::/32']]);
  });

  it('an IPv6 caller against an IPv4 address is set aside: evaluated for any IPv4 source', () => {
    const groups = [g('sg-a', rule(0, 'ACCEPT', 'TCP', '22', { CidrBlock: '0.0.0.0/0' }))];
    const res = evaluateSecurityGroups(groups, EMPTY_TEMPLATES, { protocol: 'TCP', port: 22, callerIp: '2001:db8::5', family: 4 });
    assert.deepStrictEqual([res.verdict, res.evaluatedFor, res.decidingRule?.policyIndex], ['allow', 'any source', 0]);
    assert.match(res.notes.join('\n'), /2001:db8::5 is IPv6 but the probed address is IPv4/);
    // Without the probed family, the caller's own family is used (as before).
    assert.strictEqual(evaluateSecurityGroups(groups, EMPTY_TEMPLATES, ssh('2001:db8::5')).verdict, 'deny');
  });

  it('Tencent reads 0.0.0.0/n as 0.0.0.0/0', () => {
    for (const cidr of ['0.0.0.0/8', '0.0.0.0/24', '0.0.0.0/32']) {
      const known = evaluateSecurityGroups([g('sg-a', rule(0, 'ACCEPT', 'TCP', '22', { CidrBlock: cidr }))], EMPTY_TEMPLATES, ssh('203.0.113.5'));
      assert.strictEqual(known.verdict, 'allow', cidr);
      const unknown = evaluateSecurityGroups([g('sg-a', rule(0, 'DROP', 'TCP', '22', { CidrBlock: cidr }), rule(1, 'ACCEPT', 'TCP', '22', { CidrBlock: '198.51.100.0/24' }))], EMPTY_TEMPLATES, any(4));
      assert.deepStrictEqual([unknown.verdict, unknown.decidingRule?.policyIndex, unknown.exceptFor], ['deny', 0, undefined], cidr);
    }
  });

  it('the API\'s empty template shape is not a template: the rule reads "TCP:22 from 0.0.0.0/0"', () => {
    const apiShape: SgPolicy = {
      PolicyIndex: 0, Protocol: 'TCP', Port: '22', CidrBlock: '0.0.0.0/0', Ipv6CidrBlock: '', SecurityGroupId: '',
      ServiceTemplate: { ServiceId: '', ServiceGroupId: '' }, AddressTemplate: { AddressId: '', AddressGroupId: '' }, Action: 'DROP', PolicyDescription: '',
    };
    const res = evaluateSecurityGroups([g('sg-a', apiShape)], EMPTY_TEMPLATES, ssh('203.0.113.5'));
    assert.deepStrictEqual(res.decidingRule, { securityGroupId: 'sg-a', policyIndex: 0, action: 'DROP', protocol: 'TCP', port: '22', source: '0.0.0.0/0' });
    const tpl = evaluateSecurityGroups([g('sg-a', { ...apiShape, Protocol: '', Port: '', ServiceTemplate: { ServiceId: 'ppm-ssh', ServiceGroupId: '' } })], templates, ssh('203.0.113.5'));
    assert.deepStrictEqual([tpl.decidingRule?.protocol, tpl.decidingRule?.port], ['template', 'ppm-ssh']);
  });
});
