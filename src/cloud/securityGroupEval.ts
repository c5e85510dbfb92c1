/**
 * Security-group ingress evaluation, as the cloud does it: within a group rules run in
 * PolicyIndex order, first match wins; several groups run in the instance's SecurityGroupIds
 * order; no match anywhere = deny. Pure (inputs are the API's shapes, already fetched), so it
 * is table-tested without a network.
 *
 * When the caller's address is unknown we evaluate for "any source": the first rule whose
 * source is the whole address space (0.0.0.0/0 or ::/0, directly or through an address
 * template) decides for everyone, except the sources of narrower rules before it, which are
 * returned in `exceptFor` ("blocks unless your address is in 198.51.100.0/24"). A caller of
 * the other address family than the one probed cannot be the source of the probe's packets:
 * it is set aside and the evaluation is for any source of the probed family.
 *
 * Tencent Cloud reads a source of 0.0.0.0/n as 0.0.0.0/0, and the API returns an absent
 * template as `{ServiceId: ""}`; both are read as the console shows them.
 */
import type { SecurityGroupRuleRef } from '../core/model';
import { callerContext, firstMatch, type OrderedRule } from './firstMatch';
import { type Family, type IpRange, parseRange } from './ipMatch';
import { type TrafficProtocol, serviceEntryMatches, serviceMatches } from './ruleMatch';

/** The subset of the API's SecurityGroupPolicy the evaluation reads. */
export interface SgPolicy {
  PolicyIndex?: number;
  Protocol?: string;
  Port?: string;
  CidrBlock?: string;
  Ipv6CidrBlock?: string;
  /** Source is another security group (its members' private addresses). */
  SecurityGroupId?: string;
  AddressTemplate?: { AddressId?: string; AddressGroupId?: string };
  ServiceTemplate?: { ServiceId?: string; ServiceGroupId?: string };
  Action?: string;
  PolicyDescription?: string;
}

export interface SgGroup { securityGroupId: string; ingress: SgPolicy[] }

/** Template contents by id, as DescribeAddressTemplates / …Groups / DescribeServiceTemplates / …Groups return. */
export interface SgTemplates {
  addresses: Record<string, string[]>;
  addressGroups: Record<string, string[]>;
  services: Record<string, string[]>;
  serviceGroups: Record<string, string[]>;
}

export const EMPTY_TEMPLATES: SgTemplates = { addresses: {}, addressGroups: {}, services: {}, serviceGroups: {} };

export interface SgRequest {
  protocol: TrafficProtocol;
  port?: number;
  /** Caller address; undefined = any source. */
  callerIp?: string;
  /** Address family evaluated for "any source" (the family of the address being reached). */
  family?: Family;
}

export interface SgEvaluation {
  verdict: 'allow' | 'deny';
  decidingRule?: SecurityGroupRuleRef;
  evaluatedFor: string;
  /** For any source: the sources whose outcome is the opposite of `verdict` (absent: none). */
  exceptFor?: string[];
  /** Rules that could not be evaluated, or were skipped for "any source". */
  notes: string[];
}

/** The source of a rule as the user would recognise it in the console. */
export function ruleSource(p: SgPolicy): string {
  if (p.CidrBlock) return p.CidrBlock;
  if (p.Ipv6CidrBlock) return p.Ipv6CidrBlock;
  if (p.AddressTemplate?.AddressId) return p.AddressTemplate.AddressId;
  if (p.AddressTemplate?.AddressGroupId) return p.AddressTemplate.AddressGroupId;
  if (p.SecurityGroupId) return p.SecurityGroupId;
  return '';
}

/** The API answers `ServiceTemplate: {ServiceId: "", ServiceGroupId: ""}` for a rule without one. */
const serviceTemplateOf = (p: SgPolicy) => p.ServiceTemplate?.ServiceId || p.ServiceTemplate?.ServiceGroupId || undefined;
const hasAddressTemplate = (p: SgPolicy) => !!(p.AddressTemplate?.AddressId || p.AddressTemplate?.AddressGroupId);

function rulePort(p: SgPolicy): string {
  return serviceTemplateOf(p) ?? (p.Port || 'ALL');
}

function toRef(groupId: string, p: SgPolicy, position: number): SecurityGroupRuleRef {
  return {
    securityGroupId: groupId,
    policyIndex: p.PolicyIndex ?? position,
    action: (p.Action ?? '').toUpperCase() === 'ACCEPT' ? 'ACCEPT' : 'DROP',
    protocol: serviceTemplateOf(p) ? 'template' : (p.Protocol || 'ALL').toUpperCase(),
    port: rulePort(p),
    source: ruleSource(p),
    ...(p.PolicyDescription ? { description: p.PolicyDescription } : {}),
  };
}

/** Address ranges of a rule's source; undefined when a template is missing or malformed. */
function sourceRanges(p: SgPolicy, t: SgTemplates): IpRange[] | undefined {
  const specs: string[] = [];
  if (p.CidrBlock) specs.push(p.CidrBlock);
  if (p.Ipv6CidrBlock) specs.push(p.Ipv6CidrBlock);
  const at = p.AddressTemplate;
  if (at?.AddressId) {
    const a = t.addresses[at.AddressId];
    if (!a) return undefined;
    specs.push(...a);
  }
  if (at?.AddressGroupId) {
    const members = t.addressGroups[at.AddressGroupId];
    if (!members) return undefined;
    for (const id of members) {
      const a = t.addresses[id];
      if (!a) return undefined;
      specs.push(...a);
    }
  }
  const ranges: IpRange[] = [];
  for (const s of specs) {
    // Tencent Cloud treats 0.0.0.0/n (any n) as 0.0.0.0/0.
    const r = parseRange(/^\s*0\.0\.0\.0\/\d{1,2}\s*$/.test(s) ? '0.0.0.0/0' : s);
    if (!r) return undefined;
    ranges.push(r);
  }
  return ranges;
}

function serviceOf(p: SgPolicy, t: SgTemplates, req: SgRequest): boolean | undefined {
  const st = p.ServiceTemplate;
  if (!st?.ServiceId && !st?.ServiceGroupId) return serviceMatches(p.Protocol, p.Port, req.protocol, req.port);
  const entries: string[] = [];
  if (st.ServiceId) {
    const s = t.services[st.ServiceId];
    if (!s) return undefined;
    entries.push(...s);
  }
  if (st.ServiceGroupId) {
    const members = t.serviceGroups[st.ServiceGroupId];
    if (!members) return undefined;
    for (const id of members) {
      const s = t.services[id];
      if (!s) return undefined;
      entries.push(...s);
    }
  }
  let unknown = false;
  for (const e of entries) {
    const m = serviceEntryMatches(e, req.protocol, req.port);
    if (m) return true;
    if (m === undefined) unknown = true;
  }
  return unknown ? undefined : false;
}

function describe(groupId: string, p: SgPolicy, position: number): string {
  const r = toRef(groupId, p, position);
  return `${groupId} #${r.policyIndex} ${r.action} ${r.protocol}:${r.port} from ${r.source || '?'}`;
}

export function evaluateSecurityGroups(groups: SgGroup[], templates: SgTemplates, req: SgRequest): SgEvaluation {
  const ctx = callerContext(req.callerIp, req.family);
  const notes: string[] = [];
  const ordered: Array<OrderedRule<SecurityGroupRuleRef>> = [];
  for (const g of groups) {
    const list = g.ingress
      .map((p, position) => ({ p, position }))
      .sort((a, b) => (a.p.PolicyIndex ?? a.position) - (b.p.PolicyIndex ?? b.position));
    for (const { p, position } of list) {
      const svc = serviceOf(p, templates, req);
      if (svc === false) continue;
      if (svc === undefined) { notes.push(`cannot read the service of rule ${describe(g.securityGroupId, p, position)}; skipped`); continue; }
      if (p.SecurityGroupId && !p.CidrBlock && !p.Ipv6CidrBlock && !hasAddressTemplate(p)) {
        // Source = members of another group: private addresses, never an Internet caller.
        continue;
      }
      const ranges = sourceRanges(p, templates);
      if (!ranges) { notes.push(`cannot read the source of rule ${describe(g.securityGroupId, p, position)}; skipped`); continue; }
      const ref = toRef(g.securityGroupId, p, position);
      ordered.push({ ranges, accept: ref.action === 'ACCEPT', rule: ref });
    }
  }
  const r = firstMatch(ordered, { ...ctx, notes: [...ctx.notes, ...notes] }, (x) => `${x.securityGroupId} #${x.policyIndex} ${x.action} from ${x.source}`);
  return r;
}
