/**
 * The least-privilege fix for INSTANCE_FIREWALL_BLOCKS (a Lighthouse instance's firewall): ONE
 * rule accepting exactly the caller's address on the port, sent with the firewall's
 * FirewallVersion so a concurrent edit is never overwritten. Where CreateFirewallRules puts a
 * new rule is not documented, so the firewall is read again afterwards: when a rule that
 * drops the caller still comes first, the caller learns it, with the complete list a reorder
 * would write (ModifyFirewallRules replaces the whole list; only that list, confirmed, is
 * sent). Undo removes exactly the rule CVM Doctor added. Opening to everyone (0.0.0.0/0, ::/0)
 * needs the user's explicit flag, as for security groups.
 */
import type { FirewallRuleRef } from '../core/model';
import { CloudApiError, TencentApi } from './api';
import { callerSourceCidr, sameSource, type CallerRuleRequest } from './callerSource';
import { InputError, type TencentConfig } from './config';
import { type FirewallRuleInfo, firewallRef } from './firewallEval';
import { parseRange } from './ipMatch';
import { readFirewall } from './lighthouse';
import { atReadVersion } from './versionRetry';
import { serviceMatches } from './ruleMatch';
import { isLighthouseId } from '../core/validate';

export interface FirewallFixRequest extends CallerRuleRequest {
  instanceId: string;
}

/** A rule as CreateFirewallRules / DeleteFirewallRules / ModifyFirewallRules take it. */
export interface FirewallRule {
  Protocol: string;
  Port?: string;
  CidrBlock?: string;
  Ipv6CidrBlock?: string;
  Action: string;
  FirewallRuleDescription?: string;
}

export interface FirewallFix { region: string; instanceId: string; rule: FirewallRule; summary: string }

export interface FirewallUndo { region: string; instanceId: string; rule: FirewallRule; createdAt: string }

/** Where the new rule landed. `ok`: no rule before it drops the caller's traffic. Otherwise
 *  `blockedBy` is the first rule that does, and `proposed` the complete list with the new
 *  rule moved right above it (what "Move it up" would send). */
export interface FirewallPlacement {
  ok: boolean;
  index: number;
  blockedBy?: FirewallRuleRef;
  rules: FirewallRuleInfo[];
  version?: number;
  proposed?: FirewallRule[];
}

/** The API's limit on FirewallRuleDescription. */
export const MAX_DESCRIPTION = 64;

export const isFirewallVersionConflict = (e: unknown) => e instanceof CloudApiError && /FirewallVersionMismatch/.test(e.code ?? '');

/** The one rule to confirm; throws InputError for a bad port, address or an unflagged 0.0.0.0/0. */
export function describeFirewallFix(req: FirewallFixRequest, now: Date = new Date()): FirewallFix {
  if (!Number.isInteger(req.port) || req.port < 1 || req.port > 65535) throw new InputError('port', `${String(req.port)} is not a port number`);
  if (req.protocol !== 'TCP') throw new InputError('protocol', 'only TCP is supported');
  if (!isLighthouseId(req.instanceId)) throw new InputError('instanceId', `"${req.instanceId}" is not a Lighthouse instance ID`);
  const cidr = callerSourceCidr(req);
  const v6 = cidr.includes(':');
  // The address is in the rule itself; the description stays within the API's 64 characters.
  const description = `CVM Doctor ${now.toISOString().slice(0, 10)}: tcp/${req.port}`;
  const rule: FirewallRule = { Protocol: 'TCP', Port: String(req.port), ...(v6 ? { Ipv6CidrBlock: cidr } : { CidrBlock: cidr }), Action: 'ACCEPT', FirewallRuleDescription: description };
  return { region: req.region, instanceId: req.instanceId, rule, summary: `${req.instanceId} (${req.region}) firewall: ACCEPT TCP port ${req.port} from ${cidr}` };
}

/** `a` is the rule `b` describes (the API may spell a host source with or without its prefix). */
export function sameFirewallRule(a: FirewallRuleInfo, b: FirewallRule): boolean {
  return (['Protocol', 'Port', 'Action', 'FirewallRuleDescription'] as const).every((k) => String(a[k] ?? '').trim().toUpperCase() === String(b[k] ?? '').trim().toUpperCase())
    && sameSource(a.CidrBlock, b.CidrBlock) && sameSource(a.Ipv6CidrBlock, b.Ipv6CidrBlock);
}

/** A rule read back, as the write actions take it (AppType is the console's label, not a field they accept). */
export function asFirewallRule(r: FirewallRuleInfo): FirewallRule {
  return {
    Protocol: r.Protocol || 'ALL',
    ...(r.Port ? { Port: r.Port } : {}),
    ...(r.CidrBlock ? { CidrBlock: r.CidrBlock } : {}),
    ...(r.Ipv6CidrBlock ? { Ipv6CidrBlock: r.Ipv6CidrBlock } : {}),
    Action: r.Action || 'ACCEPT',
    ...(r.FirewallRuleDescription ? { FirewallRuleDescription: r.FirewallRuleDescription } : {}),
  };
}

/** Whether two rules' sources share an address (a rule without a source is 0.0.0.0/0). */
function overlaps(a: FirewallRuleInfo, b: FirewallRule): boolean {
  const src = (r: { CidrBlock?: string; Ipv6CidrBlock?: string; Protocol?: string }) =>
    [r.CidrBlock, r.Ipv6CidrBlock].filter((x): x is string => !!x).map((x) => parseRange(x))
      .concat(r.CidrBlock || r.Ipv6CidrBlock ? [] : [parseRange((r.Protocol ?? '').toUpperCase() === 'ICMPV6' ? '::/0' : '0.0.0.0/0')]);
  const ra = src(a);
  const rb = src(b);
  return ra.some((x) => !x) || ra.some((x) => rb.some((y) => !!x && !!y && x.family === y.family && x.first <= y.last && y.first <= x.last));
}

/** Where `ours` stands in `rules`: the first rule before it that drops some of its traffic. */
export function placementOf(rules: FirewallRuleInfo[], ours: FirewallRule, version?: number): FirewallPlacement {
  const index = rules.findIndex((r) => sameFirewallRule(r, ours));
  const port = Number(ours.Port);
  const base = { rules, ...(version !== undefined ? { version } : {}) };
  if (index < 0) return { ok: false, index, ...base };
  const blocking = rules.slice(0, index).findIndex((r) => (r.Action ?? 'ACCEPT').toUpperCase() === 'DROP'
    && serviceMatches(r.Protocol, r.Port, 'TCP', port) !== false && overlaps(r, ours));
  if (blocking < 0) return { ok: true, index, ...base };
  const list = rules.map(asFirewallRule);
  const [mine] = list.splice(index, 1);
  list.splice(blocking, 0, mine);
  return { ok: false, index, blockedBy: firewallRef(rules[blocking], blocking), proposed: list, ...base };
}

/** Adds the rule (with the firewall's version; a concurrent change is read again, bounded) and
 *  reads the firewall back to say where it landed. */
export async function addFirewallRule(cfg: TencentConfig, req: FirewallFixRequest, signal?: AbortSignal): Promise<{ undo: FirewallUndo; placement: FirewallPlacement }> {
  const fix = describeFirewallFix(req);
  const api = new TencentApi(cfg);
  await atReadVersion({
    read: () => readFirewall(api, req.region, req.instanceId, signal),
    write: async ({ version }) => {
      await api.call('lighthouse', req.region, 'CreateFirewallRules', {
        InstanceId: req.instanceId, FirewallRules: [fix.rule], ...(version !== undefined ? { FirewallVersion: version } : {}),
      }, signal);
      api.log(`added ${fix.summary}`);
    },
    conflict: isFirewallVersionConflict,
    retrying: ({ version }) => api.log(`the firewall of ${req.instanceId} changed meanwhile (version ${version ?? '?'}); reading it again`),
  });
  const undo: FirewallUndo = { region: req.region, instanceId: req.instanceId, rule: fix.rule, createdAt: new Date().toISOString() };
  const after = await readFirewall(api, req.region, req.instanceId, signal);
  const placement = placementOf(after.rules, fix.rule, after.version);
  api.log(placement.ok ? `the new rule is #${placement.index}; no rule before it drops this traffic` : `the new rule is #${placement.index}, below ${placement.blockedBy ? `DROP rule #${placement.blockedBy.index}` : 'a rule that drops it'}`);
  return { undo, placement };
}

/** Writes `proposed` as the whole firewall (ModifyFirewallRules), only at `version`: a firewall
 *  changed since the list was shown is never overwritten (the API's version conflict is
 *  passed on, to show the new list first). */
export async function reorderFirewall(cfg: TencentConfig, region: string, instanceId: string, proposed: FirewallRule[], version: number | undefined, signal?: AbortSignal): Promise<void> {
  if (!isLighthouseId(instanceId)) throw new InputError('instanceId', `"${instanceId}" is not a Lighthouse instance ID`);
  if (version === undefined) throw new InputError('FirewallVersion', 'the firewall reported no version: a reorder could overwrite a concurrent change, so it is not sent');
  const api = new TencentApi(cfg);
  await api.call('lighthouse', region, 'ModifyFirewallRules', { InstanceId: instanceId, FirewallRules: proposed, FirewallVersion: version }, signal);
  api.log(`rewrote the firewall of ${instanceId} in the order shown (${proposed.length} rules)`);
}

/** Removes exactly the rule `undo` describes; `removed: false` when it is already gone. */
export async function undoFirewallRule(cfg: TencentConfig, undo: FirewallUndo, signal?: AbortSignal): Promise<{ removed: boolean }> {
  const api = new TencentApi(cfg);
  return atReadVersion({
    read: () => readFirewall(api, undo.region, undo.instanceId, signal),
    write: async ({ rules, version }) => {
      const mine = rules.filter((r) => sameFirewallRule(r, undo.rule));
      if (!mine.length) return { removed: false };
      // DeleteFirewallRules matches by fields: two identical rules would both go.
      if (mine.length > 1) throw new CloudApiError('other', `the firewall of ${undo.instanceId} holds ${mine.length} identical copies of the rule CVM Doctor added; remove the extra one in the console first`, 'FirewallRulesDuplicated', 'DeleteFirewallRules');
      await api.call('lighthouse', undo.region, 'DeleteFirewallRules', {
        InstanceId: undo.instanceId, FirewallRules: [asFirewallRule(mine[0])], ...(version !== undefined ? { FirewallVersion: version } : {}),
      }, signal);
      api.log(`removed the CVM Doctor rule from the firewall of ${undo.instanceId}`);
      return { removed: true };
    },
    conflict: isFirewallVersionConflict,
  });
}
