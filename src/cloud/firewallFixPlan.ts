/**
 * "Open port for my IP" for a Lighthouse instance, from a finished report: whether its
 * firewall explains the failure, for which port and caller address, the request for the one
 * rule, the confirmation text of a complete firewall list, and the undo records kept per
 * instance. Pure: the extension's fix and any other adapter's. The caller address rules are
 * the security groups' (openPortPlan.ts).
 */
import * as net from 'net';
import type { FirewallRuleRef, Report, VerdictCode } from '../core/model';
import { isLighthouseId } from '../core/validate';
import type { FirewallFixRequest, FirewallRule, FirewallUndo } from './firewallFix';
import { evidenceOf, probedAddress } from './openPortPlan';
import { sanitizeStoredUndos, type StoredRuleUndo } from './storedUndo';

/** Verdicts under which a denying firewall is why the port gets no answer. */
const FIXABLE: readonly VerdictCode[] = ['INSTANCE_FIREWALL_BLOCKS', 'PORT_FILTERED', 'NO_RESPONSE'];

export interface FirewallCandidate {
  instanceId: string;
  region: string;
  port: number;
  family: 4 | 6;
  callerIp?: string;
  decidingRule?: FirewallRuleRef;
  /** With the caller unknown: the sources the firewall accepts already. */
  acceptedSources?: string[];
}

export function firewallCandidate(r: Report): FirewallCandidate | undefined {
  if (!r.target.cloud || !isLighthouseId(r.target.cloud.instanceId)) return undefined;
  if (!FIXABLE.includes(r.verdict.code)) return undefined;
  const fw = evidenceOf(r, 'cloud.firewall');
  if (!fw || fw.verdict !== 'deny') return undefined;
  const probed = probedAddress(r);
  const family: 4 | 6 = probed && net.isIPv6(probed) ? 6 : 4;
  const evaluatedFor = typeof fw.evaluatedFor === 'string' ? fw.evaluatedFor : '';
  const except = Array.isArray(fw.exceptFor) ? fw.exceptFor.filter((x): x is string => typeof x === 'string') : [];
  return {
    instanceId: r.target.cloud.instanceId, region: r.target.cloud.region, port: r.target.port, family,
    ...(net.isIP(evaluatedFor) === family ? { callerIp: evaluatedFor } : {}),
    ...(fw.decidingRule ? { decidingRule: fw.decidingRule as FirewallRuleRef } : {}),
    ...(except.length ? { acceptedSources: except } : {}),
  };
}

export function firewallRequest(c: FirewallCandidate, callerIp: string, allowAnySource = false): FirewallFixRequest {
  return { region: c.region, instanceId: c.instanceId, port: c.port, protocol: 'TCP', callerIp, family: c.family, ...(allowAnySource ? { allowAnySource: true } : {}) };
}

/** One rule as a line of the confirmation: "#0 ACCEPT TCP:22 from 203.0.113.5/32 "CVM Doctor …"". */
export function firewallRuleLine(r: FirewallRule, index: number): string {
  const src = r.CidrBlock || r.Ipv6CidrBlock || ((r.Protocol ?? '').toUpperCase() === 'ICMPV6' ? '::/0' : '0.0.0.0/0');
  return `#${index} ${r.Action} ${r.Protocol}:${r.Port || 'ALL'} from ${src}${r.FirewallRuleDescription ? ` "${r.FirewallRuleDescription}"` : ''}`;
}

/** One rule CVM Doctor added to a Lighthouse firewall, kept until it is removed again. */
export type StoredFirewallUndo = StoredRuleUndo<FirewallUndo>;

export function sanitizeFirewallUndos(v: unknown): StoredFirewallUndo[] {
  return sanitizeStoredUndos<FirewallUndo>(v, 'FirewallRuleDescription', (u) => isLighthouseId(u.instanceId));
}

/** "lhins-abc (ap-seoul) firewall: ACCEPT TCP 22 from 203.0.113.5/32". */
export function describeFirewallUndo(u: FirewallUndo): string {
  return `${u.instanceId} (${u.region}) firewall: ${u.rule.Action} ${u.rule.Protocol} ${u.rule.Port ?? 'ALL'} from ${u.rule.CidrBlock ?? u.rule.Ipv6CidrBlock ?? '?'}`;
}
