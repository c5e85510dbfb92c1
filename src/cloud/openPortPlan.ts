/**
 * The "Open port for my IP" fix, from a finished report: which security group gets the rule
 * (the group whose rule denied, else the instance's first group — evaluation runs group by
 * group, first match wins, so index 0 there is the first rule to match), for which port and
 * caller address; the check of an address the user types (never a silent 0.0.0.0/0); and the
 * undo records kept per instance. Pure: the extension's fix and any other adapter's.
 */
import * as net from 'net';
import { parseIp, parseRange, rangeContains } from './ipMatch';
import type { OpenPortRequest, OpenPortUndo } from './openPort';
import { sanitizeStoredUndos, type StoredRuleUndo } from './storedUndo';
import type { Report, SecurityGroupRuleRef, VerdictCode } from '../core/model';

/** Verdicts under which a denying security group is the reason the port gets no answer (a
 *  server found on another port is SERVICE_ON_OTHER_PORT: opening this one would not help). */
const FIXABLE: readonly VerdictCode[] = ['SECURITY_GROUP_BLOCKS', 'PORT_FILTERED', 'NO_RESPONSE'];
const SG_ID = /^sg-[a-z0-9]+$/;

export interface OpenPortCandidate {
  instanceId: string;
  region: string;
  securityGroupId: string;
  port: number;
  /** The address the groups were evaluated for, when it was an address (not "any source"). */
  callerIp?: string;
  /** The rule that denied, when one did (undefined: nothing matched, implicit deny). */
  decidingRule?: SecurityGroupRuleRef;
  /** Family of the address the port was probed on: the rule must be for a caller of it. */
  family: 4 | 6;
  /** With the caller unknown: the sources the groups accept already (a caller among them is
   *  not blocked by the groups, and a rule for it would change nothing). */
  acceptedSources?: string[];
}

/** The address the report's TCP check probed (else the first resolved one). */
export function probedAddress(r: Report): string | undefined {
  const a = evidenceOf(r, 'tcp')?.address;
  return typeof a === 'string' && net.isIP(a) ? a : r.target.addresses.find((x) => net.isIP(x));
}

export function evidenceOf(r: Report, id: string): Record<string, unknown> | undefined {
  const c = r.checks.find((x) => x.id === id);
  return c && c.evidence && typeof c.evidence === 'object' ? c.evidence : undefined;
}

/** The fix this report supports, or undefined when opening a port would not help. */
export function openPortCandidate(r: Report): OpenPortCandidate | undefined {
  if (!r.target.cloud) return undefined;
  if (!FIXABLE.includes(r.verdict.code)) return undefined;
  const sg = evidenceOf(r, 'cloud.securityGroups');
  if (!sg || sg.verdict !== 'deny') return undefined;
  const rule = sg.decidingRule as SecurityGroupRuleRef | undefined;
  const inst = evidenceOf(r, 'cloud.instance')?.instance as { securityGroupIds?: unknown } | undefined;
  const groups = Array.isArray(inst?.securityGroupIds) ? inst.securityGroupIds.filter((g): g is string => typeof g === 'string') : [];
  const securityGroupId = rule && typeof rule.securityGroupId === 'string' ? rule.securityGroupId : groups[0];
  if (!securityGroupId || !SG_ID.test(securityGroupId)) return undefined;
  const evaluatedFor = typeof sg.evaluatedFor === 'string' ? sg.evaluatedFor : '';
  const probed = probedAddress(r);
  const family: 4 | 6 = probed && net.isIPv6(probed) ? 6 : 4;
  const except = Array.isArray(sg.exceptFor) ? sg.exceptFor.filter((x): x is string => typeof x === 'string') : [];
  return {
    instanceId: r.target.cloud.instanceId,
    region: r.target.cloud.region,
    securityGroupId,
    port: r.target.port,
    family,
    ...(net.isIP(evaluatedFor) === family ? { callerIp: evaluatedFor } : {}),
    ...(rule ? { decidingRule: rule } : {}),
    ...(except.length ? { acceptedSources: except } : {}),
  };
}

/** The candidate's groups (or firewall) accept `ip` already (one of the sources the evaluation named). */
export function alreadyAccepted(c: Pick<OpenPortCandidate, 'acceptedSources'>, ip: string): boolean {
  const v = parseIp(ip);
  return !!v && !!c.acceptedSources?.some((s) => {
    const range = parseRange(s);
    return !!range && rangeContains(range, v);
  });
}

const ANY = new Set(['0.0.0.0/0', '::/0']);
const UNSPECIFIED = new Set(['0.0.0.0', '::']);

export type CallerIpInput = { ok: true; ip: string; anySource: boolean } | { ok: false; reason: 'empty' | 'invalid' | 'unspecified' | 'family' };

/** What the user typed as their address: one IP of the probed family, or — only when typed —
 *  0.0.0.0/0 or ::/0 (of that family too). */
export function parseCallerIpInput(text: string, family?: 4 | 6): CallerIpInput {
  const s = text.trim();
  if (!s) return { ok: false, reason: 'empty' };
  if (ANY.has(s)) return family && (s === '::/0' ? 6 : 4) !== family ? { ok: false, reason: 'family' } : { ok: true, ip: s, anySource: true };
  if (UNSPECIFIED.has(s)) return { ok: false, reason: 'unspecified' };
  if (!net.isIP(s)) return { ok: false, reason: 'invalid' };
  if (family && net.isIP(s) !== family) return { ok: false, reason: 'family' };
  return { ok: true, ip: s, anySource: false };
}

export function openPortRequest(c: OpenPortCandidate, callerIp: string, allowAnySource = false): OpenPortRequest {
  return {
    region: c.region, securityGroupId: c.securityGroupId, port: c.port, protocol: 'TCP', callerIp, family: c.family,
    ...(allowAnySource ? { allowAnySource: true } : {}),
  };
}

/** One rule CVM Doctor added, kept (in globalState) until it is removed again. */
export type StoredUndo = StoredRuleUndo<OpenPortUndo>;

/** Validates what was read back from globalState. */
export function sanitizeUndos(v: unknown): StoredUndo[] {
  return sanitizeStoredUndos<OpenPortUndo>(v, 'PolicyDescription', (u) => typeof u.securityGroupId === 'string' && SG_ID.test(u.securityGroupId));
}

/** A short text of the rule, e.g. "sg-abc (ap-guangzhou): ACCEPT TCP 22 from 203.0.113.5/32". */
export function describeUndo(u: OpenPortUndo): string {
  return `${u.securityGroupId} (${u.region}): ${u.rule.Action} ${u.rule.Protocol} ${u.rule.Port} from ${u.rule.CidrBlock ?? u.rule.Ipv6CidrBlock ?? '?'}`;
}
