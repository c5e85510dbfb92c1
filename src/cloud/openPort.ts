/**
 * The least-privilege fix for SECURITY_GROUP_BLOCKS: ONE ingress rule accepting exactly the
 * caller's address on the port, inserted first (PolicyIndex 0) with the group's current
 * Version so a concurrent edit is never overwritten, and an undo record that removes exactly
 * that rule later. Opening to everyone (0.0.0.0/0, ::/0) needs the user's explicit flag.
 */
import { CloudApiError, TencentApi } from './api';
import { callerSourceCidr, sameSource, type CallerRuleRequest } from './callerSource';
import { atReadVersion } from './versionRetry';
import { InputError, type TencentConfig } from './config';

export interface OpenPortRequest extends CallerRuleRequest {
  securityGroupId: string;
}

/** The rule exactly as it is sent to CreateSecurityGroupPolicies. */
export interface OpenPortRule {
  PolicyIndex: 0;
  Protocol: 'TCP';
  Port: string;
  CidrBlock?: string;
  Ipv6CidrBlock?: string;
  Action: 'ACCEPT';
  PolicyDescription: string;
}

export interface OpenPortFix {
  region: string;
  securityGroupId: string;
  direction: 'ingress';
  rule: OpenPortRule;
  /** One line to show for confirmation. */
  summary: string;
}

export interface OpenPortUndo {
  region: string;
  securityGroupId: string;
  rule: Omit<OpenPortRule, 'PolicyIndex'>;
  createdAt: string;
}

/** The single rule to confirm; throws InputError for a bad port, address or an unflagged 0.0.0.0/0. */
export function describeOpenPortFix(req: OpenPortRequest, now: Date = new Date()): OpenPortFix {
  if (!Number.isInteger(req.port) || req.port < 1 || req.port > 65535) throw new InputError('port', `${String(req.port)} is not a port number`);
  if (req.protocol !== 'TCP') throw new InputError('protocol', 'only TCP is supported');
  if (!/^sg-[a-z0-9]+$/.test(req.securityGroupId)) throw new InputError('securityGroupId', `"${req.securityGroupId}" is not a security group ID`);
  const cidr = callerSourceCidr(req);
  const v6 = cidr.includes(':');
  const rule: OpenPortRule = {
    PolicyIndex: 0, Protocol: 'TCP', Port: String(req.port),
    ...(v6 ? { Ipv6CidrBlock: cidr } : { CidrBlock: cidr }),
    Action: 'ACCEPT',
    PolicyDescription: `CVM Doctor ${now.toISOString().slice(0, 10)}: tcp/${req.port} from ${cidr}`,
  };
  return {
    region: req.region, securityGroupId: req.securityGroupId, direction: 'ingress', rule,
    summary: `${req.securityGroupId} (${req.region}): insert first inbound rule ACCEPT TCP port ${req.port} from ${cidr}`,
  };
}

interface PolicySet { Version?: string; Ingress?: Array<Record<string, unknown>> }

async function readPolicies(api: TencentApi, region: string, sg: string, signal?: AbortSignal): Promise<PolicySet> {
  const res = await api.call<{ SecurityGroupPolicySet?: PolicySet }>('vpc', region, 'DescribeSecurityGroupPolicies', { SecurityGroupId: sg }, signal);
  return res.SecurityGroupPolicySet ?? {};
}

const isVersionConflict = (e: unknown) => e instanceof CloudApiError && /Version/i.test(e.code ?? '');

export async function openPortForCaller(cfg: TencentConfig, req: OpenPortRequest, signal?: AbortSignal): Promise<OpenPortUndo> {
  const fix = describeOpenPortFix(req);
  const api = new TencentApi(cfg);
  return atReadVersion({
    read: () => readPolicies(api, req.region, req.securityGroupId, signal),
    write: async ({ Version }) => {
      await api.call('vpc', req.region, 'CreateSecurityGroupPolicies', {
        SecurityGroupId: req.securityGroupId,
        SecurityGroupPolicySet: { ...(Version !== undefined ? { Version } : {}), Ingress: [fix.rule] },
      }, signal);
      const { PolicyIndex: _i, ...rule } = fix.rule;
      api.log(`opened ${fix.summary}`);
      return { region: req.region, securityGroupId: req.securityGroupId, rule, createdAt: new Date().toISOString() };
    },
    conflict: isVersionConflict,
    retrying: ({ Version }) => api.log(`security group ${req.securityGroupId} changed meanwhile (version ${Version ?? '?'}); reading it again`),
  });
}

const same = (a: Record<string, unknown>, b: Record<string, unknown>) =>
  ['Protocol', 'Port', 'Action', 'PolicyDescription'].every((k) => String(a[k] ?? '').trim().toUpperCase() === String(b[k] ?? '').trim().toUpperCase())
  && sameSource(a.CidrBlock, b.CidrBlock) && sameSource(a.Ipv6CidrBlock, b.Ipv6CidrBlock);

/** Removes exactly the rule `undo` describes; `removed: false` when it is already gone. */
export async function undoOpenPort(cfg: TencentConfig, undo: OpenPortUndo, signal?: AbortSignal): Promise<{ removed: boolean }> {
  const api = new TencentApi(cfg);
  return atReadVersion({
    read: () => readPolicies(api, undo.region, undo.securityGroupId, signal),
    write: async (set) => {
      // Indexes shift when others edit the group: find the rule by its fields and description.
      const rule = (set.Ingress ?? []).find((r) => same(r, undo.rule as unknown as Record<string, unknown>));
      if (!rule || typeof rule.PolicyIndex !== 'number') return { removed: false };
      await api.call('vpc', undo.region, 'DeleteSecurityGroupPolicies', {
        SecurityGroupId: undo.securityGroupId,
        SecurityGroupPolicySet: { ...(set.Version !== undefined ? { Version: set.Version } : {}), Ingress: [{ PolicyIndex: rule.PolicyIndex }] },
      }, signal);
      api.log(`removed the CVM Doctor rule from ${undo.securityGroupId}`);
      return { removed: true };
    },
    conflict: isVersionConflict,
  });
}
