/**
 * The cloud's view of one instance: state, security groups (evaluated for the caller), the
 * subnet's network ACL — or, for a Lighthouse instance (lhins-…), its own firewall and traffic
 * packages — Cloud Monitor's last 15 minutes (cloud/monitor.ts), and, only with the user's consent, read-only in-guest checks over TAT (the same
 * script for both). Each part fails on its own into `errors` (a CloudError with a clear message), so the
 * probe-only diagnosis always completes; only a user cancel rejects.
 */
import * as net from 'net';
import { abortableSleep, CancelledError, isCancelled, isUserCancel } from '../core/cancel';
import type { CloudEvidence, Target } from '../core/model';
import type { CloudInspector } from '../core/probeContract';
import { CloudApiError, readOnce, TencentApi, toCloudError } from './api';
import { resolveCallerIp, type CallerIpResult } from './callerIp';
import type { TencentConfig } from './config';
import { buildGuestScript, parseGuestOutput, parseSections } from './guestScript';
import { parseTraceBack } from './guestTrace';
import { boundedOutput } from '../core/trace';
import { readMonitor } from './monitor';
import { isLighthouseId } from '../core/validate';
import { evaluateFirewall } from './firewallEval';
import { describeLighthouseInstance, lighthouseInstance, overdueTrafficPackage, readFirewall } from './lighthouse';
import { evaluateNetworkAcl } from './networkAclEval';
import { type SgGroup, type SgPolicy, type SgTemplates, evaluateSecurityGroups } from './securityGroupEval';

type InspectOptions = Parameters<CloudInspector['inspect']>[1];
type Instance = NonNullable<CloudEvidence['instance']>;
type Guest = NonNullable<CloudEvidence['guest']>;

/** Bounds on loops that talk to the API. */
const MAX_TEMPLATE_PAGES = 20;
const MAX_POLLS = 30;
const FILTER_VALUES = 5; // the API accepts at most 5 values per filter

interface RawInstance {
  InstanceId?: string; InstanceName?: string; InstanceState?: string; RestrictState?: string;
  PublicIpAddresses?: string[] | null; PrivateIpAddresses?: string[] | null; IPv6Addresses?: string[] | null; OsName?: string;
  SecurityGroupIds?: string[] | null; VirtualPrivateCloud?: { VpcId?: string; SubnetId?: string } | null;
  Placement?: { Zone?: string }; DefaultLoginUser?: string; DefaultLoginPort?: number;
  InternetAccessible?: { InternetMaxBandwidthOut?: number } | null;
}

export async function describeInstance(api: TencentApi, region: string, instanceId: string, signal?: AbortSignal): Promise<RawInstance> {
  const res = await api.call<{ InstanceSet?: RawInstance[] }>('cvm', region, 'DescribeInstances', { InstanceIds: [instanceId] }, signal);
  const inst = res.InstanceSet?.find((i) => i.InstanceId === instanceId);
  if (!inst) throw new CloudApiError('not-found', `instance ${instanceId} was not found in region ${region} — check the instance ID and region`, 'InvalidInstanceId.NotFound', 'DescribeInstances');
  return inst;
}

function toInstance(i: RawInstance): Instance {
  return {
    ...(i.InstanceName ? { name: i.InstanceName } : {}),
    state: i.InstanceState ?? 'UNKNOWN',
    ...(i.RestrictState ? { restrictState: i.RestrictState } : {}),
    publicIps: i.PublicIpAddresses ?? [],
    privateIps: i.PrivateIpAddresses ?? [],
    ...(i.IPv6Addresses?.length ? { ipv6Ips: i.IPv6Addresses } : {}),
    ...(i.OsName ? { osName: i.OsName } : {}),
    securityGroupIds: i.SecurityGroupIds ?? [],
    ...(i.VirtualPrivateCloud?.VpcId ? { vpcId: i.VirtualPrivateCloud.VpcId } : {}),
    ...(i.VirtualPrivateCloud?.SubnetId ? { subnetId: i.VirtualPrivateCloud.SubnetId } : {}),
    ...(i.InternetAccessible?.InternetMaxBandwidthOut ? { bandwidthOutMbps: i.InternetAccessible.InternetMaxBandwidthOut } : {}),
  };
}

function chunks<T>(a: T[], n: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < a.length; i += n) out.push(a.slice(i, i + n));
  return out;
}

/** Fetches one kind of template by id (paged, bounded). */
async function fetchTemplates(api: TencentApi, region: string, action: string, filter: string, setKey: string,
  idKey: string, valuesKey: string, ids: string[], signal?: AbortSignal): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const part of chunks([...new Set(ids)], FILTER_VALUES)) {
    for (let page = 0; page < MAX_TEMPLATE_PAGES; page++) {
      const res = await api.call<Record<string, unknown>>('vpc', region, action,
        { Filters: [{ Name: filter, Values: part }], Offset: String(page * 100), Limit: '100' }, signal);
      const set = (res[setKey] as Array<Record<string, unknown>> | undefined) ?? [];
      for (const t of set) out[String(t[idKey])] = (t[valuesKey] as string[] | undefined) ?? [];
      if (set.length < 100) break;
    }
  }
  return out;
}

export async function readSecurityGroups(api: TencentApi, region: string, ids: string[], signal?: AbortSignal): Promise<{ groups: SgGroup[]; templates: SgTemplates }> {
  const groups = await Promise.all(ids.map(async (id) => {
    const res = await api.call<{ SecurityGroupPolicySet?: { Ingress?: SgPolicy[] } }>('vpc', region, 'DescribeSecurityGroupPolicies', { SecurityGroupId: id }, signal);
    return { securityGroupId: id, ingress: res.SecurityGroupPolicySet?.Ingress ?? [] };
  }));
  const rules = groups.flatMap((g) => g.ingress);
  const pick = (f: (p: SgPolicy) => string | undefined) => rules.map(f).filter((x): x is string => !!x);
  const templates: SgTemplates = { addresses: {}, addressGroups: {}, services: {}, serviceGroups: {} };
  const addrGroupIds = pick((p) => p.AddressTemplate?.AddressGroupId);
  const svcGroupIds = pick((p) => p.ServiceTemplate?.ServiceGroupId);
  if (addrGroupIds.length) templates.addressGroups = await fetchTemplates(api, region, 'DescribeAddressTemplateGroups', 'address-template-group-id', 'AddressTemplateGroupSet', 'AddressTemplateGroupId', 'AddressTemplateIdSet', addrGroupIds, signal);
  if (svcGroupIds.length) templates.serviceGroups = await fetchTemplates(api, region, 'DescribeServiceTemplateGroups', 'service-template-group-id', 'ServiceTemplateGroupSet', 'ServiceTemplateGroupId', 'ServiceTemplateIdSet', svcGroupIds, signal);
  const addrIds = [...pick((p) => p.AddressTemplate?.AddressId), ...Object.values(templates.addressGroups).flat()];
  const svcIds = [...pick((p) => p.ServiceTemplate?.ServiceId), ...Object.values(templates.serviceGroups).flat()];
  if (addrIds.length) templates.addresses = await fetchTemplates(api, region, 'DescribeAddressTemplates', 'address-template-id', 'AddressTemplateSet', 'AddressTemplateId', 'AddressSet', addrIds, signal);
  if (svcIds.length) templates.services = await fetchTemplates(api, region, 'DescribeServiceTemplates', 'service-template-id', 'ServiceTemplateSet', 'ServiceTemplateId', 'ServiceSet', svcIds, signal);
  return { groups, templates };
}

async function readNetworkAcl(api: TencentApi, region: string, subnetId: string, signal?: AbortSignal) {
  const sub = await api.call<{ SubnetSet?: Array<{ SubnetId?: string; NetworkAclId?: string }> }>('vpc', region, 'DescribeSubnets', { SubnetIds: [subnetId] }, signal);
  const aclId = sub.SubnetSet?.find((s) => s.SubnetId === subnetId)?.NetworkAclId;
  if (!aclId) return undefined;
  const res = await api.call<{ NetworkAclSet?: Array<{ NetworkAclId?: string; IngressEntries?: any[]; EgressEntries?: any[] }> }>('vpc', region, 'DescribeNetworkAcls', { NetworkAclIds: [aclId] }, signal);
  const acl = res.NetworkAclSet?.find((a) => a.NetworkAclId === aclId);
  if (!acl) throw new CloudApiError('not-found', `network ACL ${aclId} of subnet ${subnetId} was not found`, 'ResourceNotFound', 'DescribeNetworkAcls');
  return { networkAclId: aclId, ingress: acl.IngressEntries ?? [], egress: acl.EgressEntries ?? [] };
}

const AGENT_ERRORS = /InstanceIsNotRelatedToAgent|AgentNotInstalled|AgentOffline|AgentStatusNotOnline|AgentUnsupportedCommandType/;
const FINAL = new Set(['SUCCESS', 'FAILED', 'TIMEOUT', 'TASK_TIMEOUT', 'DELIVER_FAILED', 'START_FAILED', 'CANCELLED', 'TERMINATED']);

async function guestChecks(api: TencentApi, cfg: TencentConfig, region: string, inst: Pick<RawInstance, 'InstanceId' | 'OsName'>, port: number, callerIp: string | undefined, signal?: AbortSignal,
  extra: { publicIps?: readonly string[]; traceBack?: boolean } = {}): Promise<Guest> {
  const id = inst.InstanceId as string;
  const status = await api.call<{ AutomationAgentSet?: Array<{ InstanceId?: string; AgentStatus?: string; LastHeartbeatTime?: string }> }>(
    'tat', region, 'DescribeAutomationAgentStatus', { InstanceIds: [id] }, signal);
  const agent = status.AutomationAgentSet?.find((a) => a.InstanceId === id);
  if (!agent) return { agentOnline: false, errorKind: 'no-agent', error: 'no TAT agent is registered for this instance' };
  if (agent.AgentStatus !== 'Online') {
    return { agentOnline: false, errorKind: 'agent-offline', error: `the TAT agent is ${agent.AgentStatus ?? 'not online'}${agent.LastHeartbeatTime ? ` (last heartbeat ${agent.LastHeartbeatTime})` : ''}` };
  }
  if (/windows/i.test(inst.OsName ?? '')) return { agentOnline: true, errorKind: 'unsupported-os', error: 'in-guest checks cover Linux instances only' };
  let invocationId: string | undefined;
  const startedAt = new Date().toISOString();
  const t0 = Date.now();
  try {
    const run = await api.call<{ InvocationId?: string }>('tat', region, 'RunCommand', {
      InstanceIds: [id], CommandType: 'SHELL', Username: 'root', Timeout: 60, SaveCommand: false,
      CommandName: 'cvm-doctor-readonly-check', Description: 'CVM Doctor read-only SSH diagnosis (changes nothing)',
      // The caller (to watch for its SYNs, to trace back to) and the public addresses (to connect
      // to) as the cloud knows them.
      Content: Buffer.from(buildGuestScript(port, { ...(callerIp ? { callerIp } : {}), publicIps: (extra.publicIps ?? []).filter((a) => net.isIP(a)), traceBack: !!extra.traceBack }), 'utf8').toString('base64'),
    }, signal);
    invocationId = run.InvocationId;
  } catch (e) {
    if (e instanceof CloudApiError && e.code && AGENT_ERRORS.test(e.code)) return { agentOnline: false, errorKind: 'agent-offline', error: e.message };
    throw e;
  }
  if (!invocationId) return { agentOnline: true, errorKind: 'no-invocation', error: 'RunCommand returned no invocation ID' };
  const base = cfg.pollIntervalMs ?? 1000;
  for (let attempt = 0; attempt < MAX_POLLS; attempt++) {
    await abortableSleep(base * Math.min(2 ** Math.floor(attempt / 3), 4), signal);
    const res = await api.call<{ InvocationTaskSet?: Array<{ InstanceId?: string; TaskStatus?: string; ErrorInfo?: string; TaskResult?: { Output?: string; ExitCode?: number; Dropped?: number } }> }>(
      'tat', region, 'DescribeInvocationTasks', { Filters: [{ Name: 'invocation-id', Values: [invocationId] }], HideOutput: false, Limit: 10 }, signal);
    const task = res.InvocationTaskSet?.find((t) => t.InstanceId === id);
    const st = task?.TaskStatus ?? '';
    if (!FINAL.has(st)) continue;
    if (st === 'DELIVER_FAILED' || st === 'TASK_TIMEOUT') {
      return { agentOnline: false, errorKind: 'not-delivered', errorStatus: st, error: `the command did not reach the agent (${st}${task?.ErrorInfo ? `: ${task.ErrorInfo}` : ''})` };
    }
    const output = Buffer.from(task?.TaskResult?.Output ?? '', 'base64').toString('utf8');
    const parsed = parseGuestOutput(output, port, callerIp);
    // --trace: the trace back to the caller, and the whole output for the ticket pack.
    const back = extra.traceBack && callerIp ? parseTraceBack(parseSections(output), callerIp, startedAt, Date.now() - t0) : undefined;
    if (extra.traceBack) Object.assign(parsed, { output: boundedOutput(output), ...(back ? { traceBack: back } : {}) });
    const problems = st === 'SUCCESS' ? [] : [`the check ended with ${st}${task?.ErrorInfo ? `: ${task.ErrorInfo}` : ''}`];
    if ((task?.TaskResult?.Dropped ?? 0) > 0) problems.push('part of the output was truncated by TAT');
    return { agentOnline: true, ...parsed, ...(problems.length ? { errorKind: 'incomplete' as const, errorStatus: st === 'SUCCESS' ? 'TRUNCATED' : st, error: problems.join('; ') } : {}) };
  }
  return { agentOnline: true, errorKind: 'no-result', error: `no result from the in-guest check after ${MAX_POLLS} polls` };
}

/** A cancel by the user rejects; the engine's deadline (or any other failure) becomes an error entry. */
function isUserCancelOf(e: unknown, signal: AbortSignal): boolean {
  return isCancelled(e) && isUserCancel(signal);
}

export function createTencentInspector(cfg: TencentConfig): CloudInspector {
  return {
    async inspect(target: Target, o: InspectOptions): Promise<CloudEvidence> {
      const started = Date.now();
      const api = new TencentApi({ ...cfg, log: cfg.log ?? o.log });
      const ev: CloudEvidence = { instanceId: target.cloud?.instanceId ?? '', region: target.cloud?.region ?? '', errors: [], durationMs: 0 };
      const done = () => { ev.durationMs = Date.now() - started; return ev; };
      const attempt = async <T>(action: string, f: () => Promise<T>): Promise<T | undefined> => {
        try { return await f(); } catch (e) {
          if (isUserCancelOf(e, o.signal)) throw e;
          ev.errors.push(e instanceof CancelledError
            ? { kind: 'network', action, message: `${action}: stopped at the diagnosis deadline` }
            : toCloudError(e, action));
          return undefined;
        }
      };
      if (!target.cloud) {
        ev.errors.push({ kind: 'other', message: 'the target names no Tencent Cloud instance' });
        return done();
      }
      const { instanceId, region } = target.cloud;
      if (isLighthouseId(instanceId)) return inspectLighthouse();
      const [caller, raw] = await Promise.all([
        callerAddress(),
        attempt('DescribeInstances', () => describeInstance(api, region, instanceId, o.signal)),
      ]);
      // The probe's packets leave with an address of the probed address's family: a caller
      // address of the other family says nothing about them (and a rule for it would not help).
      const family = callerFamily(caller);
      if (!raw) return done();
      ev.instance = toInstance(raw);

      await Promise.all([
        attempt('DescribeSecurityGroupPolicies', async () => {
          const { groups, templates } = await readSecurityGroups(api, region, ev.instance?.securityGroupIds ?? [], o.signal);
          const r = evaluateSecurityGroups(groups, templates, { protocol: 'TCP', port: o.port, callerIp: ev.callerIp, family });
          ev.securityGroups = {
            verdict: r.verdict, evaluatedFor: r.evaluatedFor,
            ...(r.decidingRule ? { decidingRule: r.decidingRule } : {}), ...(r.exceptFor ? { exceptFor: r.exceptFor } : {}),
          };
          for (const n of r.notes) api.log(`security groups: ${n}`);
        }),
        ev.instance.subnetId ? attempt('DescribeNetworkAcls', async () => {
          const acl = await readNetworkAcl(api, region, ev.instance?.subnetId as string, o.signal);
          const { notes, ...r } = evaluateNetworkAcl(acl, { protocol: 'TCP', port: o.port, callerIp: ev.callerIp, family });
          ev.networkAcl = r;
          for (const n of notes) api.log(`network ACL: ${n}`);
        }) : undefined,
        // A stopped instance runs nothing: TAT is only asked when the instance is RUNNING.
        o.guestChecks && ev.instance.state === 'RUNNING' ? attempt('RunCommand', async () => { ev.guest = await guestChecks(api, cfg, region, raw, o.port, ev.callerIp, o.signal, { publicIps: ev.instance?.publicIps, traceBack: !!o.trace }); }) : undefined,
        // Read-only, no consent needed: the host's view of CPU and bandwidth (cloud/monitor.ts).
        ev.instance.state === 'RUNNING' ? attempt('GetMonitorData', async () => { ev.monitor = await readMonitor(api, region, instanceId, false, o.signal); }) : undefined,
      ]);
      return done();

      async function inspectLighthouse(): Promise<CloudEvidence> {
        const [caller, raw] = await Promise.all([
          callerAddress(),
          attempt('DescribeInstances', () => describeLighthouseInstance(api, region, instanceId, o.signal)),
        ]);
        const family = callerFamily(caller);
        if (!raw) return done();
        const inst = lighthouseInstance(raw);
        ev.instance = inst;
        await Promise.all([
          attempt('DescribeFirewallRules', async () => {
            const fw = await readFirewall(api, region, instanceId, o.signal);
            const { notes, decidingRule, exceptFor, verdict, evaluatedFor } = evaluateFirewall(fw.rules, { protocol: 'TCP', port: o.port, callerIp: ev.callerIp, family });
            ev.firewall = { verdict, evaluatedFor, ...(decidingRule ? { decidingRule } : {}), ...(exceptFor ? { exceptFor } : {}) };
            for (const n of notes) api.log(`firewall: ${n}`);
          }),
          attempt('DescribeInstancesTrafficPackages', async () => {
            const cut = await overdueTrafficPackage(api, region, instanceId, o.signal);
            if (cut) inst.trafficPackage = cut;
          }),
          o.guestChecks && inst.state === 'RUNNING'
            ? attempt('RunCommand', async () => { ev.guest = await guestChecks(api, cfg, region, { InstanceId: instanceId, OsName: raw.OsName }, o.port, ev.callerIp, o.signal, { publicIps: inst.publicIps, traceBack: !!o.trace }); })
            : undefined,
          inst.state === 'RUNNING' ? attempt('GetMonitorData', async () => { ev.monitor = await readMonitor(api, region, instanceId, true, o.signal); }) : undefined,
        ]);
        return done();
      }

      /** Where the probe's packets come from, for CVM and Lighthouse alike. Behind a bastion the
       *  packets come from the bastion: its private address (when known), never this machine's
       *  public one, which is then not even detected. Else one detection per sweep (the cache),
       *  not one per instance. */
      function callerAddress(): Promise<CallerIpResult | undefined> {
        if (o.source) return Promise.resolve(o.source.address ? { ip: o.source.address, source: 'configured' } : undefined);
        return attempt('CallerIpDetection', () => readOnce(cfg.readCache, 'CallerIpDetection', () => resolveCallerIp(cfg, o.signal, Math.min(o.timeoutMs, 5000))));
      }

      /** The probed address's family; keeps the caller only when it is of that family. */
      function callerFamily(caller: Awaited<ReturnType<typeof resolveCallerIp>> | undefined): 4 | 6 {
        if (caller?.error) ev.errors.push({ kind: 'network', action: 'CallerIpDetection', message: caller.error });
        const family = net.isIPv6(o.address ?? target.host) ? 6 : 4;
        if (caller?.ip && (net.isIPv6(caller.ip) ? 6 : 4) === family) ev.callerIp = caller.ip;
        else if (caller?.ip) ev.callerIpOtherFamily = caller.ip;
        return family;
      }
    },
  };
}
