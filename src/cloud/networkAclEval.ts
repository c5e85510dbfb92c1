/**
 * Subnet network-ACL evaluation. ACLs are stateless: the caller's SYN must pass an inbound
 * rule for the port, and the answer must pass an outbound rule towards the caller's ephemeral
 * port (we require the whole range 1024-65535, since we cannot know which one the client
 * picks). Entries run in order, first match wins, and every ACL ends with a fixed deny-all in
 * both directions. Pure; "any source" works as in securityGroupEval: the result holds for
 * every caller outside `exceptFor`, whose sources (narrower entries) may be treated otherwise.
 */
import type { CloudEvidence } from '../core/model';
import { type Family, type IpRange, type IpValue, anySourceDecision, formatRange, isUniversal, parseIp, parseRange, rangeContains } from './ipMatch';
import { type TrafficProtocol, parsePortSpec, protocolMatches, serviceMatches } from './ruleMatch';

export interface AclEntry {
  Protocol?: string;
  Port?: string;
  CidrBlock?: string;
  Ipv6CidrBlock?: string;
  Action?: string;
  Description?: string;
}

export interface AclInput { networkAclId: string; ingress: AclEntry[]; egress: AclEntry[] }

export interface AclRequest { protocol: TrafficProtocol; port: number; callerIp?: string; family?: Family }

export type AclEvaluation = NonNullable<CloudEvidence['networkAcl']> & { notes: string[] };
type DecidingRule = NonNullable<AclEvaluation['decidingRule']>;

export const EPHEMERAL_PORTS: [number, number] = [1024, 65535];

function ref(direction: 'ingress' | 'egress', index: number, e: AclEntry): DecidingRule {
  return {
    direction, index,
    action: (e.Action ?? '').toUpperCase() === 'ACCEPT' ? 'ACCEPT' : 'DROP',
    protocol: (e.Protocol || 'ALL').toUpperCase(),
    port: e.Port || 'ALL',
    cidr: e.CidrBlock || e.Ipv6CidrBlock || '',
    ...(e.Description ? { description: e.Description } : {}),
  };
}

function fixedDeny(direction: 'ingress' | 'egress', index: number, family: Family): DecidingRule {
  return { direction, index, action: 'DROP', protocol: 'ALL', port: 'ALL', cidr: family === 6 ? '::/0' : '0.0.0.0/0', description: 'fixed deny-all rule at the end of every ACL' };
}

/** true/false: the entry's peer address matches; undefined: unreadable. */
function peerMatches(e: AclEntry, caller: IpValue | undefined, family: Family): boolean | undefined {
  const specs = [e.CidrBlock, e.Ipv6CidrBlock].filter((s): s is string => !!s);
  const ranges = specs.map(parseRange);
  if (ranges.some((r) => !r)) return undefined;
  return caller
    ? ranges.some((r) => r && rangeContains(r, caller))
    : ranges.some((r) => r && r.family === family && isUniversal(r));
}

/** The entry's peer ranges; undefined when one is unreadable. */
function peerRanges(e: AclEntry): IpRange[] | undefined {
  const ranges = [e.CidrBlock, e.Ipv6CidrBlock].filter((s): s is string => !!s).map(parseRange);
  return ranges.some((r) => !r) ? undefined : ranges as IpRange[];
}

export function evaluateNetworkAcl(acl: AclInput | undefined, req: AclRequest): AclEvaluation {
  if (!acl) return { verdict: 'none', notes: [] };
  const notes: string[] = [];
  const parsed = req.callerIp === undefined ? undefined : parseIp(req.callerIp);
  // As for security groups: a caller of the other family is not the probe's source.
  const caller = parsed && req.family !== undefined && parsed.family !== req.family ? undefined : parsed;
  const family: Family = caller?.family ?? req.family ?? 4;
  const base = { aclId: acl.networkAclId };
  // For any source: inbound sources treated otherwise than the deciding rule, and narrower
  // outbound entries that may decide the answers to their own peers.
  let inboundExcept: IpRange[] = [];
  const outboundNarrow: Array<{ accept: boolean; ranges: IpRange[] }> = [];
  const result = (verdict: 'allow' | 'deny', decidingRule: DecidingRule): AclEvaluation => {
    const accept = verdict === 'allow';
    const inboundAccepted = inbound?.action === 'ACCEPT';
    const except = [
      // Inbound exceptions are the opposite of the inbound outcome; they stay exceptions only
      // when the final verdict is that outcome.
      ...(inboundAccepted === accept ? inboundExcept : []),
      ...outboundNarrow.filter((o) => o.accept !== accept).flatMap((o) => o.ranges),
    ];
    const list = [...new Set(except.map(formatRange))];
    return { ...base, verdict, decidingRule, ...(list.length ? { exceptFor: list } : {}), notes };
  };

  // Inbound: the caller's packets to the port.
  let inbound: DecidingRule | undefined;
  const anySource: Array<{ ranges: IpRange[]; accept: boolean; rule: DecidingRule }> = [];
  for (const [i, e] of acl.ingress.entries()) {
    const svc = serviceMatches(e.Protocol, e.Port, req.protocol, req.port);
    if (svc === undefined) { notes.push(`ACL inbound entry #${i} has an unreadable port "${e.Port}"; skipped`); continue; }
    if (!svc) continue;
    if (!caller) {
      const ranges = peerRanges(e);
      if (!ranges) { notes.push(`ACL inbound entry #${i} has an unreadable address; skipped`); continue; }
      anySource.push({ ranges, accept: ref('ingress', i, e).action === 'ACCEPT', rule: ref('ingress', i, e) });
      continue;
    }
    const peer = peerMatches(e, caller, family);
    if (peer === undefined) { notes.push(`ACL inbound entry #${i} has an unreadable address; skipped`); continue; }
    if (!peer) continue;
    inbound = ref('ingress', i, e);
    break;
  }
  if (!caller) {
    const d = anySourceDecision(anySource, family);
    inbound = d.rule;
    inboundExcept = d.exceptFor;
  }
  inbound ??= fixedDeny('ingress', acl.ingress.length, family);
  if (inbound.action !== 'ACCEPT') return result('deny', inbound);
  if (req.protocol === 'ICMP') return result('allow', inbound);

  // Outbound: the answers to the caller's ephemeral ports must all pass.
  let uncovered: Array<[number, number]> = [EPHEMERAL_PORTS];
  for (const [i, e] of acl.egress.entries()) {
    if (!protocolMatches(e.Protocol, req.protocol)) continue;
    const peer = peerMatches(e, caller, family);
    if (peer === undefined) { notes.push(`ACL outbound entry #${i} has an unreadable address; skipped`); continue; }
    const set = parsePortSpec(e.Port);
    if (!set) { notes.push(`ACL outbound entry #${i} has an unreadable port "${e.Port}"; skipped`); continue; }
    const hit = set === 'all' ? uncovered : intersect(uncovered, set);
    if (hit.length === 0) continue;
    if (!peer) {
      // For any source, a narrower entry may decide the answers to its own peers.
      if (!caller) outboundNarrow.push({ accept: ref('egress', i, e).action === 'ACCEPT', ranges: (peerRanges(e) ?? []).filter((r) => r.family === family) });
      continue;
    }
    if (ref('egress', i, e).action !== 'ACCEPT') return result('deny', ref('egress', i, e));
    uncovered = set === 'all' ? [] : subtract(uncovered, set);
    if (uncovered.length === 0) return result('allow', inbound);
  }
  return result('deny', fixedDeny('egress', acl.egress.length, family));
}

function intersect(a: Array<[number, number]>, b: Array<[number, number]>): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const [alo, ahi] of a) for (const [blo, bhi] of b) {
    const lo = Math.max(alo, blo), hi = Math.min(ahi, bhi);
    if (lo <= hi) out.push([lo, hi]);
  }
  return out;
}

function subtract(a: Array<[number, number]>, b: Array<[number, number]>): Array<[number, number]> {
  let cur = a;
  for (const [blo, bhi] of b) {
    const next: Array<[number, number]> = [];
    for (const [lo, hi] of cur) {
      if (bhi < lo || blo > hi) { next.push([lo, hi]); continue; }
      if (lo < blo) next.push([lo, blo - 1]);
      if (hi > bhi) next.push([bhi + 1, hi]);
    }
    cur = next;
  }
  return cur;
}
