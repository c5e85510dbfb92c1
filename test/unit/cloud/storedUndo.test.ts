// (unit) The undo records of both one-rule fixes are read back through one validator: the
// Lighthouse firewall's records get the same envelope checks as the security groups'.
import * as assert from 'assert';
import { sanitizeFirewallUndos } from '../../../src/cloud/firewallFixPlan';

describe('(unit) stored undo records of the Lighthouse firewall fix', () => {
  it('only CVM Doctor ACCEPT rules of lhins-… instances, with a region, survive', () => {
    const ok = { instanceId: 'i', instanceName: 'n', undo: { region: 'ap-seoul', instanceId: 'lhins-abcd1234', createdAt: 'x', rule: { Protocol: 'TCP', Port: '22', CidrBlock: '1.2.3.4/32', Action: 'ACCEPT', FirewallRuleDescription: 'CVM Doctor 2025-01-01: tcp/22' } } };
    assert.strictEqual(sanitizeFirewallUndos([ok]).length, 1);
    assert.deepStrictEqual(sanitizeFirewallUndos([
      { ...ok, undo: { ...ok.undo, instanceId: 'ins-abcd1234' } },
      { ...ok, undo: { ...ok.undo, region: 7 } },
      { ...ok, undo: { ...ok.undo, rule: { ...ok.undo.rule, Action: 'DROP' } } },
      { ...ok, undo: { ...ok.undo, rule: { ...ok.undo.rule, Port: 22 } } },
      { ...ok, undo: { ...ok.undo, rule: { ...ok.undo.rule, FirewallRuleDescription: 'someone else' } } },
      { ...ok, undo: { ...ok.undo, rule: { ...ok.undo.rule, FirewallRuleDescription: undefined, PolicyDescription: 'CVM Doctor 2025-01-01: tcp/22' } } },
      { ...ok, instanceName: undefined }, null, 'x',
    ]), []);
    assert.deepStrictEqual(sanitizeFirewallUndos({}), []);
  });
});
