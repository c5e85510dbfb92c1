/**
 * A cloud rule as one line — "sg-1a2b #0 ACCEPT TCP:22 203.0.113.5/32 "office"" — the same in
 * the check summaries, the exported reports and the report webview (which bundles this file).
 */
import type { CloudEvidence, FirewallRuleRef, SecurityGroupRuleRef } from './model';

type AclRule = NonNullable<NonNullable<CloudEvidence['networkAcl']>['decidingRule']>;

export function securityGroupRuleText(r: SecurityGroupRuleRef): string {
  return `${r.securityGroupId} #${r.policyIndex} ${r.action} ${r.protocol}:${r.port} ${r.source}${r.description ? ` "${r.description}"` : ''}`;
}

export function networkAclRuleText(r: AclRule): string {
  return `${r.direction} #${r.index} ${r.action} ${r.protocol}:${r.port} ${r.cidr}`;
}

/** A Lighthouse firewall rule: "firewall #0 DROP TCP:22 0.0.0.0/0 "no ssh"". */
export function firewallRuleText(r: FirewallRuleRef): string {
  return `firewall #${r.index} ${r.action} ${r.protocol}:${r.port} ${r.source}${r.description ? ` "${r.description}"` : ''}`;
}
