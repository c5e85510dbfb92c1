/**
 * (unit) A Lighthouse instance's firewall, evaluated with the security groups' own matching:
 * first match wins, ACCEPT/DROP, protocol TCP/UDP/ICMP/ICMPv6/ALL, ports ALL/one/"a,b"/"a-b",
 * CidrBlock or Ipv6CidrBlock (neither = 0.0.0.0/0), no match = drop, and "any source" honesty.
 */
import * as assert from 'assert';
import { evaluateFirewall, type FirewallRuleInfo } from '../../../src/cloud/firewallEval';

const tcp22 = (callerIp?: string, family?: 4 | 6) => ({ protocol: 'TCP' as const, port: 22, ...(callerIp ? { callerIp } : {}), ...(family ? { family } : {}) });
const rule = (over: FirewallRuleInfo): FirewallRuleInfo => ({ AppType: '自定义', Protocol: 'TCP', Port: '22', CidrBlock: '0.0.0.0/0', Action: 'ACCEPT', FirewallRuleDescription: '', ...over });

describe('(unit) Lighthouse firewall evaluation', () => {
  const cases: Array<{ name: string; rules: FirewallRuleInfo[]; caller?: string; verdict: 'allow' | 'deny'; index?: number }> = [
    { name: 'a DROP first wins over a later ACCEPT', rules: [rule({ Action: 'DROP' }), rule({})], caller: '203.0.113.5', verdict: 'deny', index: 0 },
    { name: 'an ACCEPT first wins over a later DROP', rules: [rule({}), rule({ Action: 'DROP' })], caller: '203.0.113.5', verdict: 'allow', index: 0 },
    { name: 'only the office range: a caller outside matches nothing → drop', rules: [rule({ CidrBlock: '198.51.100.0/24' })], caller: '203.0.113.5', verdict: 'deny' },
    { name: 'only the office range: a caller inside is accepted', rules: [rule({ CidrBlock: '198.51.100.0/24' })], caller: '198.51.100.7', verdict: 'allow', index: 0 },
    { name: 'a single address as CidrBlock', rules: [rule({ CidrBlock: '203.0.113.5' })], caller: '203.0.113.5', verdict: 'allow', index: 0 },
    { name: 'Port "80,443" does not match 22', rules: [rule({ Port: '80,443' })], caller: '203.0.113.5', verdict: 'deny' },
    { name: 'Port "20-30" matches 22', rules: [rule({ Port: '20-30', Action: 'DROP' })], caller: '203.0.113.5', verdict: 'deny', index: 0 },
    { name: 'Port ALL with Protocol ALL matches', rules: [rule({ Protocol: 'ALL', Port: 'ALL' })], caller: '203.0.113.5', verdict: 'allow', index: 0 },
    { name: 'UDP and ICMP rules do not match TCP', rules: [rule({ Protocol: 'UDP', Action: 'DROP' }), rule({ Protocol: 'ICMP', Port: 'ALL', Action: 'DROP' }), rule({})], caller: '203.0.113.5', verdict: 'allow', index: 2 },
    { name: 'an ICMPv6 rule (its default source ::/0) does not match TCP', rules: [rule({ Protocol: 'ICMPv6', Port: 'ALL', CidrBlock: '', Action: 'DROP' })], caller: '2001:db8::5', verdict: 'deny' },
    { name: 'no source at all is 0.0.0.0/0', rules: [rule({ CidrBlock: '', Action: 'DROP' }), rule({})], caller: '203.0.113.5', verdict: 'deny', index: 0 },
    { name: 'an IPv6 caller is matched by Ipv6CidrBlock', rules: [rule({ CidrBlock: '', Ipv6CidrBlock: '2001:db8::/32' })], caller: '2001:db8::5', verdict: 'allow', index: 0 },
    { name: 'an IPv4 rule never matches an IPv6 caller', rules: [rule({})], caller: '2001:db8::5', verdict: 'deny' },
    { name: 'no rules: everything is dropped', rules: [], caller: '203.0.113.5', verdict: 'deny' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const r = evaluateFirewall(c.rules, tcp22(c.caller));
      assert.strictEqual(r.verdict, c.verdict);
      assert.strictEqual(r.decidingRule?.index, c.index);
      assert.strictEqual(r.evaluatedFor, c.caller);
    });
  }

  it('names the deciding rule as the console shows it', () => {
    const r = evaluateFirewall([rule({ Action: 'DROP', FirewallRuleDescription: 'no ssh', CidrBlock: '' })], tcp22('203.0.113.5'));
    assert.deepStrictEqual(r.decidingRule, { index: 0, action: 'DROP', protocol: 'TCP', port: '22', source: '0.0.0.0/0', description: 'no ssh' });
  });

  it('any source: only an office range allowed → drops everyone else, except that range', () => {
    const r = evaluateFirewall([rule({ CidrBlock: '198.51.100.0/24' }), rule({ Port: '80' })], tcp22(undefined, 4));
    assert.strictEqual(r.verdict, 'deny');
    assert.strictEqual(r.evaluatedFor, 'any source');
    assert.strictEqual(r.decidingRule, undefined);
    assert.deepStrictEqual(r.exceptFor, ['198.51.100.0/24']);
  });

  it('any source: a narrow DROP before an ACCEPT for all → allows, except that DROP\'s sources', () => {
    const r = evaluateFirewall([rule({ CidrBlock: '203.0.113.0/24', Action: 'DROP' }), rule({})], tcp22(undefined, 4));
    assert.strictEqual(r.verdict, 'allow');
    assert.strictEqual(r.decidingRule?.index, 1);
    assert.deepStrictEqual(r.exceptFor, ['203.0.113.0/24']);
    assert.match(r.notes.join('\n'), /#0 DROP from 203\.0\.113\.0\/24 applies to some sources only/);
  });

  it('a caller of the other family than the probed address is set aside (any IPv4 source)', () => {
    const r = evaluateFirewall([rule({ Action: 'DROP' })], tcp22('2001:db8::5', 4));
    assert.strictEqual(r.evaluatedFor, 'any source');
    assert.strictEqual(r.verdict, 'deny');
    assert.match(r.notes.join('\n'), /IPv6 but the probed address is IPv4/);
  });

  it('an unreadable rule is skipped with a note, never guessed', () => {
    const r = evaluateFirewall([rule({ Port: 'ssh', Action: 'DROP' }), rule({})], tcp22('203.0.113.5'));
    assert.strictEqual(r.verdict, 'allow');
    assert.strictEqual(r.decidingRule?.index, 1);
    assert.match(r.notes.join('\n'), /rule #0 has an unreadable port/);
  });
});
