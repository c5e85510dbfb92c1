/**
 * Subnet network-ACL evaluation. ACLs are stateless: the caller's SYN must pass an inbound
 * rule for the port, and the answer must pass an outbound rule towards the caller's ephemeral
 * port (we require the whole range 1024-65535, since we cannot know which one the client
 * picks). Entries run in order, first match wins, and every ACL ends with a fixed deny-all in
 * both directions. Pure; "any source" works as in securityGroupEval.
 */
import type { CloudEvidence } from '../core/model';
import { type Family, type IpValue, isUniversal, parseIp, parseRange, rangeContains } from './ipMatch';
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

export function evaluateNetworkAcl(acl: AclInput | undefined, req: AclRequest): AclEvaluation {
  if (!acl) return { verdict: 'none', notes: [] };
  const notes: string[] = [];
  const caller = req.callerIp === undefined ? undefined : parseIp(req.callerIp);
  const family: Family = caller?.family ?? req.family ?? 4;
  const base = { aclId: acl.networkAclId };

  // Inbound: the caller's packets to the port.
  let inbound: DecidingRule | undefined;
  for (const [i, e] of acl.ingress.entries()) {
    const svc = serviceMatches(e.Protocol, e.Port, req.protocol, req.port);
    if (svc === undefined) { notes.push(`ACL inbound entry #${i} has an unreadable port "${e.Port}"; skipped`); continue; }
    if (!svc) continue;
    const peer = peerMatches(e, caller, family);
    if (peer === undefined) { notes.push(`ACL inbound entry #${i} has an unreadable address; skipped`); continue; }
    if (!peer) continue;
    inbound = ref('ingress', i, e);
    break;
  }
  inbound ??= fixedDeny('ingress', acl.ingress.length, family);
  if (inbound.action !== 'ACCEPT') return { ...base, verdict: 'deny', decidingRule: inbound, notes };
  if (req.protocol === 'ICMP') return { ...base, verdict: 'allow', decidingRule: inbound, notes };

  // Outbound: the answers to the caller's ephemeral ports must all pass.
  let uncovered: Array<[number, number]> = [EPHEMERAL_PORTS];
  for (const [i, e] of acl.egress.entries()) {
    if (!protocolMatches(e.Protocol, req.protocol)) continue;
    const peer = peerMatches(e, caller, family);
    if (peer === undefined) { notes.push(`ACL outbound entry #${i} has an unreadable address; skipped`); continue; }
    if (!peer) continue;
    const set = parsePortSpec(e.Port);
    if (!set) { notes.push(`ACL outbound entry #${i} has an unreadable port "${e.Port}"; skipped`); continue; }
    const hit = set === 'all' ? uncovered : intersect(uncovered, set);
    if (hit.length === 0) continue;
    if (ref('egress', i, e).action !== 'ACCEPT') return { ...base, verdict: 'deny', decidingRule: ref('egress', i, e), notes };
    uncovered = set === 'all' ? [] : subtract(uncovered, set);
    if (uncovered.length === 0) return { ...base, verdict: 'allow', decidingRule: inbound, notes };
  }
  return { ...base, verdict: 'deny', decidingRule: fixedDeny('egress', acl.egress.length, family), notes };
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
