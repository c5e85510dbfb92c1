/**
 * A Lighthouse instance's firewall, evaluated as the cloud does it: the rules of
 * DescribeFirewallRules run top to bottom, first match wins, ACCEPT or DROP, and what no rule
 * matches is dropped. Only the rule fields differ from a security group's: Protocol (TCP, UDP,
 * ICMP, ICMPv6, ALL), Port (ALL, one port, "a,b", "a-b"), and CidrBlock or Ipv6CidrBlock — a
 * rule with neither is for 0.0.0.0/0 (::/0 for ICMPv6), as the API documents. The matching is
 * the security groups' own (ruleMatch.ts, firstMatch.ts), "any source" honesty included. Pure.
 */
import type { FirewallRuleRef } from '../core/model';
import { callerContext, type FirstMatchResult, firstMatch, type OrderedRule } from './firstMatch';
import { type Family, type IpRange, parseRange } from './ipMatch';
import { type TrafficProtocol, serviceMatches } from './ruleMatch';

/** DescribeFirewallRules' FirewallRuleInfo (the fields the evaluation reads, and AppType). */
export interface FirewallRuleInfo {
  AppType?: string;
  Protocol?: string;
  Port?: string;
  CidrBlock?: string;
  Ipv6CidrBlock?: string;
  Action?: string;
  FirewallRuleDescription?: string;
}

export interface FirewallRequest {
  protocol: TrafficProtocol;
  port?: number;
  callerIp?: string;
  family?: Family;
}

export type FirewallEvaluation = FirstMatchResult<FirewallRuleRef>;

/** The source as the console shows it (an empty one is the API's default). */
export function firewallSource(r: FirewallRuleInfo): string {
  return r.CidrBlock || r.Ipv6CidrBlock || ((r.Protocol ?? '').toUpperCase() === 'ICMPV6' ? '::/0' : '0.0.0.0/0');
}

export function firewallRef(r: FirewallRuleInfo, index: number): FirewallRuleRef {
  return {
    index,
    action: (r.Action ?? 'ACCEPT').toUpperCase() === 'DROP' ? 'DROP' : 'ACCEPT',
    protocol: (r.Protocol || 'ALL').toUpperCase(),
    port: r.Port || 'ALL',
    source: firewallSource(r),
    ...(r.FirewallRuleDescription ? { description: r.FirewallRuleDescription } : {}),
  };
}

/** The rule's source ranges; undefined when unreadable. */
function ranges(r: FirewallRuleInfo): IpRange[] | undefined {
  const specs = [r.CidrBlock, r.Ipv6CidrBlock].filter((x): x is string => !!x && !!x.trim());
  const all = specs.length ? specs : [firewallSource(r)];
  const out = all.map((x) => parseRange(x));
  return out.some((x) => !x) ? undefined : out as IpRange[];
}

export function evaluateFirewall(rules: readonly FirewallRuleInfo[], req: FirewallRequest): FirewallEvaluation {
  const ctx = callerContext(req.callerIp, req.family);
  const notes: string[] = [];
  const ordered: Array<OrderedRule<FirewallRuleRef>> = [];
  rules.forEach((r, i) => {
    const ref = firewallRef(r, i);
    const svc = serviceMatches(r.Protocol, r.Port, req.protocol, req.port);
    if (svc === undefined) { notes.push(`firewall rule #${i} has an unreadable port "${r.Port ?? ''}"; skipped`); return; }
    if (!svc) return;
    const src = ranges(r);
    if (!src) { notes.push(`firewall rule #${i} has an unreadable source "${ref.source}"; skipped`); return; }
    ordered.push({ ranges: src, accept: ref.action === 'ACCEPT', rule: ref });
  });
  return firstMatch(ordered, { ...ctx, notes: [...ctx.notes, ...notes] }, (x) => `#${x.index} ${x.action} from ${x.source}`);
}
