/**
 * Security-group ingress evaluation, as the cloud does it: within a group rules run in
 * PolicyIndex order, first match wins; several groups run in the instance's SecurityGroupIds
 * order; no match anywhere = deny. Pure (inputs are the API's shapes, already fetched), so it
 * is table-tested without a network.
 *
 * When the caller's address is unknown we evaluate for "any source": only a rule whose source
 * is the whole address space (0.0.0.0/0 or ::/0, directly or through an address template)
 * decides; narrower rules are skipped because they may or may not apply to the caller, and
 * each skipped one is reported in `notes` so the user sees the uncertainty.
 */
import type { SecurityGroupRuleRef } from '../core/model';
import { type Family, type IpRange, type IpValue, isUniversal, parseIp, parseRange, rangeContains } from './ipMatch';
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

function rulePort(p: SgPolicy): string {
  return p.ServiceTemplate?.ServiceId ?? p.ServiceTemplate?.ServiceGroupId ?? (p.Port || 'ALL');
}

function toRef(groupId: string, p: SgPolicy, position: number): SecurityGroupRuleRef {
  return {
    securityGroupId: groupId,
    policyIndex: p.PolicyIndex ?? position,
    action: (p.Action ?? '').toUpperCase() === 'ACCEPT' ? 'ACCEPT' : 'DROP',
    protocol: p.ServiceTemplate ? 'template' : (p.Protocol || 'ALL').toUpperCase(),
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
    const r = parseRange(s);
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
  const caller: IpValue | undefined = req.callerIp === undefined ? undefined : parseIp(req.callerIp);
  const notes: string[] = [];
  if (req.callerIp !== undefined && !caller) notes.push(`caller address "${req.callerIp}" is not an IP address; evaluated for any source`);
  const family: Family = caller?.family ?? req.family ?? 4;
  const evaluatedFor = caller ? req.callerIp as string : 'any source';

  for (const g of groups) {
    const ordered = g.ingress
      .map((p, position) => ({ p, position }))
      .sort((a, b) => (a.p.PolicyIndex ?? a.position) - (b.p.PolicyIndex ?? b.position));
    for (const { p, position } of ordered) {
      const svc = serviceOf(p, templates, req);
      if (svc === false) continue;
      if (svc === undefined) { notes.push(`cannot read the service of rule ${describe(g.securityGroupId, p, position)}; skipped`); continue; }
      if (p.SecurityGroupId && !p.CidrBlock && !p.Ipv6CidrBlock && !p.AddressTemplate) {
        // Source = members of another group: private addresses, never an Internet caller.
        continue;
      }
      const ranges = sourceRanges(p, templates);
      if (!ranges) { notes.push(`cannot read the source of rule ${describe(g.securityGroupId, p, position)}; skipped`); continue; }
      const matches = caller
        ? ranges.some((r) => rangeContains(r, caller))
        : ranges.some((r) => r.family === family && isUniversal(r));
      if (!matches) {
        if (!caller && ranges.some((r) => r.family === family)) {
          notes.push(`rule ${describe(g.securityGroupId, p, position)} applies to some sources only`);
        }
        continue;
      }
      const ref = toRef(g.securityGroupId, p, position);
      return { verdict: ref.action === 'ACCEPT' ? 'allow' : 'deny', decidingRule: ref, evaluatedFor, notes };
    }
  }
  return { verdict: 'deny', evaluatedFor, notes };
}
