/**
 * A local Tencent Cloud API endpoint on 127.0.0.1: the real wire protocol (POST / with a JSON
 * body, X-TC-* headers), TC3-HMAC-SHA256 signatures verified the way the cloud does (canonical
 * request, hashed payload, credential scope, derived key chain, 5-minute clock window), errors
 * in the API's `{"Response":{"Error":…}}` shape, and the cvm / vpc / tat / lighthouse / monitor actions
 * CVM Doctor uses, served from a mutable fixture. Used by unit, e2e and lab tests and the demo.
 *
 * The signing service is checked against the first dot-separated label of the Host header,
 * the same rule by which the cloud ties `cvm.tencentcloudapi.com` to service `cvm`; requests
 * are routed by X-TC-Action, and X-TC-Version must be the action's service version (it tells
 * cvm's DescribeInstances / DescribeInstanceVncUrl from lighthouse's, as the host does in the
 * cloud: a local URL serves every service on one host).
 */
import * as crypto from 'crypto';
import * as http from 'http';
import type { AddressInfo } from 'net';
import { type FixtureFault, type TencentFixture, defaultTencentFixture } from './tencentEndpointFixture';
import type { SgPolicy } from '../../src/cloud/securityGroupEval';
import type { FirewallRuleInfo } from '../../src/cloud/firewallEval';

export { defaultFirewallRules, defaultTencentFixture, guestOutput, LIGHTHOUSE_REGION, lighthouseInstance, REGION } from './tencentEndpointFixture';
export type { TencentFixture } from './tencentEndpointFixture';

export interface RecordedRequest { action: string; service: string; region?: string; params: Record<string, any>; errorCode?: string }

export interface TencentEndpoint {
  url: string;
  secretId: string;
  secretKey: string;
  state: TencentFixture;
  requests: RecordedRequest[];
  /** Queue a fault: the next `times` requests (for `action`, or any) fail with `code`. */
  fail(fault: FixtureFault): void;
  close(): Promise<void>;
}

class ApiError extends Error {
  constructor(readonly code: string, message: string) { super(message); }
}

type ServiceName = 'cvm' | 'vpc' | 'tat' | 'lighthouse' | 'monitor';
const SERVICE_OF: Record<string, ServiceName> = {
  DescribeInstances: 'cvm', DescribeInstanceVncUrl: 'cvm',
  DescribeSecurityGroupPolicies: 'vpc', CreateSecurityGroupPolicies: 'vpc', DeleteSecurityGroupPolicies: 'vpc',
  DescribeAddressTemplates: 'vpc', DescribeAddressTemplateGroups: 'vpc', DescribeServiceTemplates: 'vpc', DescribeServiceTemplateGroups: 'vpc',
  DescribeSubnets: 'vpc', DescribeNetworkAcls: 'vpc',
  DescribeAutomationAgentStatus: 'tat', RunCommand: 'tat', DescribeInvocationTasks: 'tat',
  GetMonitorData: 'monitor',
};
const VERSION: Record<string, string> = { cvm: '2017-03-12', vpc: '2017-03-12', tat: '2020-10-28', lighthouse: '2020-03-24', monitor: '2018-07-24' };
/** The metrics each namespace knows (an unknown one is InvalidParameterValue, as in the cloud). */
const MONITOR_METRICS: Record<string, string[]> = {
  'QCE/CVM': ['BaseCpuUsage', 'CpuUsage', 'MemUsage', 'WanOuttraffic', 'WanIntraffic', 'LanOuttraffic', 'TcpCurrEstab'],
  'QCE/LIGHTHOUSE': ['CpuUsage', 'MemUsage', 'LighthouseOuttraffic', 'LighthouseIntraffic', 'LighthouseOutratio'],
};
const MONITOR_PERIODS = new Set([10, 60, 300, 3600, 86400]);

/** GetMonitorData (monitor_models.d.ts): one metric, up to 50 instances, a window and period;
 *  one DataPoint per instance with its Dimensions, Timestamps and Values. */
function getMonitorData(p: Record<string, any>, fx: TencentFixture): Record<string, unknown> {
  const ns = String(p.Namespace ?? '');
  const metric = String(p.MetricName ?? '');
  if (!MONITOR_METRICS[ns]) throw new ApiError('InvalidParameterValue', `Namespace ${ns} is not supported.`);
  if (!MONITOR_METRICS[ns].includes(metric)) throw new ApiError('InvalidParameterValue', `MetricName ${metric} does not exist in ${ns}.`);
  const period = Number(p.Period ?? 300);
  if (!MONITOR_PERIODS.has(period)) throw new ApiError('InvalidParameterValue', `Period ${period} is not supported for ${metric}.`);
  const instances = p.Instances as Array<{ Dimensions?: Array<{ Name: string; Value: string }> }> | undefined;
  if (!Array.isArray(instances) || instances.length < 1 || instances.length > 50) throw new ApiError('InvalidParameter', 'Instances must hold 1-50 instances.');
  const end = p.EndTime ? Date.parse(String(p.EndTime)) : Date.now();
  const start = p.StartTime ? Date.parse(String(p.StartTime)) : end - 3600_000;
  if (!Number.isFinite(start) || !Number.isFinite(end) || end < start) throw new ApiError('InvalidParameterValue', 'EndTime must not be earlier than StartTime.');
  const slots = Math.floor((end - start) / 1000 / period);
  const firstTs = Math.floor(start / 1000 / period) * period + period;
  const fmt = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+00:00');
  return {
    Period: period, MetricName: metric, StartTime: fmt(start), EndTime: fmt(end), Msg: '',
    DataPoints: instances.map((i) => {
      const dims = i.Dimensions ?? [];
      const id = dims.find((d) => d.Name === 'InstanceId')?.Value;
      if (!id) throw new ApiError('InvalidParameterValue', 'Dimensions must name InstanceId.');
      const series = (fx.monitor?.[id]?.[metric] ?? []).slice(-slots);
      const base = firstTs + (slots - series.length) * period;
      return { Dimensions: dims, Timestamps: series.map((_v, k) => base + k * period), Values: series };
    }),
  };
}
const LIGHTHOUSE_ACTIONS = new Set(['DescribeInstances', 'DescribeFirewallRules', 'CreateFirewallRules', 'DeleteFirewallRules', 'ModifyFirewallRules', 'DescribeInstancesTrafficPackages', 'DescribeInstanceVncUrl']);

/** The service an action belongs to: lighthouse when it is one of its actions asked at its version. */
function serviceOf(action: string, version: unknown): ServiceName | undefined {
  if (version === VERSION.lighthouse && LIGHTHOUSE_ACTIONS.has(action)) return 'lighthouse';
  return SERVICE_OF[action];
}

const sha256hex = (s: string | Buffer) => crypto.createHash('sha256').update(s).digest('hex');
const hmac = (key: string | Buffer, msg: string) => crypto.createHmac('sha256', key).update(msg).digest();

function utcDate(ts: number): string {
  return new Date(ts * 1000).toISOString().slice(0, 10);
}

/** Verifies the TC3-HMAC-SHA256 Authorization header; throws ApiError as the cloud would. */
function verifySignature(req: http.IncomingMessage, body: Buffer, fx: TencentFixture): void {
  const auth = String(req.headers.authorization ?? '');
  const m = /^TC3-HMAC-SHA256 Credential=([^/]+)\/(\d{4}-\d{2}-\d{2})\/([^/]+)\/tc3_request, SignedHeaders=([a-z;-]+), Signature=([0-9a-f]{64})$/.exec(auth);
  if (!m) throw new ApiError('AuthFailure.InvalidAuthorization', 'Authorization header is not a valid TC3-HMAC-SHA256 signature');
  const [, secretId, date, service, signedHeaders, signature] = m;
  const secretKey = fx.credentials[secretId];
  if (secretKey === undefined) throw new ApiError('AuthFailure.SecretIdNotFound', 'The SecretId is not found, please ensure that your SecretId is correct.');
  const ts = Number(req.headers['x-tc-timestamp']);
  const now = Math.floor(Date.now() / 1000) + fx.clockOffsetSec;
  if (!Number.isInteger(ts) || Math.abs(now - ts) > 300) {
    throw new ApiError('AuthFailure.SignatureExpire', `Signature expired. Timestamp ${String(req.headers['x-tc-timestamp'])} is more than 5 minutes away from the server time ${now}.`);
  }
  const hostHeader = String(req.headers.host ?? '');
  const hostname = hostHeader.startsWith('[') ? hostHeader.slice(0, hostHeader.indexOf(']') + 1) : hostHeader.replace(/:\d+$/, '');
  const expectedService = hostHeader.split('.')[0];
  if (service !== expectedService) throw new ApiError('AuthFailure.SignatureFailure', `The credential scope names service "${service}", but this host serves "${expectedService}".`);
  if (date !== utcDate(ts)) throw new ApiError('AuthFailure.SignatureFailure', 'The credential scope date does not match X-TC-Timestamp.');
  const names = signedHeaders.split(';');
  if (!names.includes('host') || !names.includes('content-type')) throw new ApiError('AuthFailure.SignatureFailure', 'SignedHeaders must include content-type and host.');
  const canonicalHeaders = names.map((n) => `${n}:${n === 'host' ? hostname : String(req.headers[n] ?? '').trim()}\n`).join('');
  const canonicalRequest = ['POST', '/', '', canonicalHeaders, signedHeaders, sha256hex(body)].join('\n');
  const stringToSign = ['TC3-HMAC-SHA256', String(ts), `${date}/${service}/tc3_request`, sha256hex(canonicalRequest)].join('\n');
  const kSigning = hmac(hmac(hmac(`TC3${secretKey}`, date), service), 'tc3_request');
  const expected = crypto.createHmac('sha256', kSigning).update(stringToSign).digest('hex');
  if (!crypto.timingSafeEqual(Buffer.from(expected), Buffer.from(signature))) {
    throw new ApiError('AuthFailure.SignatureFailure', 'The provided credentials could not be validated. Please check your signature is correct.');
  }
}

const filterValues = (p: Record<string, any>, name: string): string[] | undefined =>
  (p.Filters as Array<{ Name: string; Values: string[] }> | undefined)?.find((f) => f.Name === name)?.Values;

function pageOf<T>(items: T[], p: Record<string, any>, maxLimit = 100): T[] {
  const offset = Number(p.Offset ?? 0);
  const limit = Number(p.Limit ?? 20);
  if (!Number.isInteger(limit) || limit < 1 || limit > maxLimit) throw new ApiError('InvalidParameterValue.Limit', `Limit must be 1-${maxLimit}.`);
  return items.slice(offset, offset + limit);
}

/** Rules as DescribeSecurityGroupPolicies answers them: every field present, an absent source
 *  or template as an empty string or an object of empty strings (`ServiceTemplate:
 *  {ServiceId:"", ServiceGroupId:""}`), as the real API does. */
function withIndex(sgId: string, list: SgPolicy[]): SgPolicy[] {
  return list.map((r, i) => ({
    Protocol: '', Port: '', CidrBlock: '', Ipv6CidrBlock: '', PolicyDescription: '', ...r,
    ServiceTemplate: { ServiceId: '', ServiceGroupId: '', ...r.ServiceTemplate },
    AddressTemplate: { AddressId: '', AddressGroupId: '', ...r.AddressTemplate },
    PolicyIndex: i, SecurityGroupId: r.SecurityGroupId ?? '', ModifyTime: '2025-01-01 00:00:00',
  }));
}

function group(fx: TencentFixture, id: unknown) {
  const g = typeof id === 'string' ? fx.securityGroups[id] : undefined;
  if (!g) throw new ApiError('ResourceNotFound', `The security group ${String(id)} does not exist.`);
  return g;
}

function checkVersion(g: { version: number }, set: Record<string, any>): void {
  if (set.Version !== undefined && String(set.Version) !== String(g.version)) {
    throw new ApiError('UnsupportedOperation.VersionMismatch', `The security group policy version ${String(set.Version)} does not match the current version ${g.version}.`);
  }
}

const sameRule = (a: SgPolicy, b: SgPolicy) =>
  ['Protocol', 'Port', 'CidrBlock', 'Ipv6CidrBlock', 'Action'].every((k) => String((a as any)[k] ?? '').toUpperCase() === String((b as any)[k] ?? '').toUpperCase());

/** A host source with or without its /32 (or /128), IPv6 written out in full and upper case: another spelling of the same source. */
function storedSources(r: SgPolicy, style: 'prefixed' | 'bare'): Partial<SgPolicy> {
  const spell = (c: string | undefined, v6: boolean): string | undefined => {
    if (!c) return c;
    const [addr, len] = c.split('/');
    const host = len === undefined || len === (v6 ? '128' : '32');
    const a = v6 ? expandV6(addr) : addr;
    if (!host) return `${a}/${len}`;
    return style === 'bare' ? a : `${a}/${v6 ? 128 : 32}`;
  };
  return { CidrBlock: spell(r.CidrBlock, false), Ipv6CidrBlock: spell(r.Ipv6CidrBlock, true) };
}

function expandV6(a: string): string {
  const [head, tail = ''] = a.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = a.includes('::') ? [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t] : h;
  return groups.map((g) => g.toUpperCase()).join(':');
}

let invocationSeq = 0;

function handle(action: string, region: string | undefined, p: Record<string, any>, fx: TencentFixture, polls: Map<string, number>, running: Set<string>): Record<string, unknown> {
  switch (action) {
    case 'DescribeInstances': {
      const ids = p.InstanceIds as string[] | undefined;
      if (ids?.some((id) => !/^ins-[a-z0-9]+$/.test(id))) throw new ApiError('InvalidInstanceId.Malformed', `Malformed instance ID: ${ids.join(',')}`);
      const inRegion = fx.instances.filter((i) => i.region === region && (!ids || ids.includes(i.InstanceId)));
      return { TotalCount: inRegion.length, InstanceSet: pageOf(inRegion, p).map(({ region: _r, ...rest }) => rest) };
    }
    case 'DescribeInstanceVncUrl': {
      const inst = fx.instances.find((i) => i.region === region && i.InstanceId === p.InstanceId);
      if (!inst) throw new ApiError('InvalidInstanceId.NotFound', `The instance ${String(p.InstanceId)} does not exist.`);
      if (inst.InstanceState === 'STOPPED') throw new ApiError('InvalidInstanceState', 'A STOPPED instance has no VNC console.');
      return { InstanceVncUrl: issueVncUrl(fx, inst.InstanceId) };
    }
    case 'DescribeSecurityGroupPolicies': {
      const g = group(fx, p.SecurityGroupId);
      return { SecurityGroupPolicySet: { Version: String(g.version), Ingress: withIndex(p.SecurityGroupId, g.ingress), Egress: withIndex(p.SecurityGroupId, g.egress) } };
    }
    case 'CreateSecurityGroupPolicies': {
      const g = group(fx, p.SecurityGroupId);
      const set = p.SecurityGroupPolicySet ?? {};
      checkVersion(g, set);
      const ingress = (set.Ingress ?? []) as SgPolicy[];
      const egress = (set.Egress ?? []) as SgPolicy[];
      if (ingress.length && egress.length) throw new ApiError('InvalidParameter', 'Ingress and Egress cannot be created in one request.');
      if (!ingress.length && !egress.length) throw new ApiError('MissingParameter', 'SecurityGroupPolicySet.Ingress or Egress is required.');
      for (const r of [...ingress, ...egress]) {
        if (!r.Action || !['ACCEPT', 'DROP'].includes(r.Action)) throw new ApiError('InvalidParameterValue', `Action ${String(r.Action)} is invalid.`);
      }
      const list = ingress.length ? g.ingress : g.egress;
      const rules = ingress.length ? ingress : egress;
      const at = rules[0].PolicyIndex;
      const pos = at === undefined || at < 0 || at > list.length ? list.length : at;
      list.splice(pos, 0, ...rules.map(({ PolicyIndex: _i, ...r }) => (fx.storedCidr ? { ...r, ...storedSources(r, fx.storedCidr) } : r)));
      g.version++;
      return {};
    }
    case 'DeleteSecurityGroupPolicies': {
      const g = group(fx, p.SecurityGroupId);
      const set = p.SecurityGroupPolicySet ?? {};
      checkVersion(g, set);
      const dir = set.Ingress?.length ? 'ingress' : 'egress';
      const list = g[dir];
      const targets = (set.Ingress?.length ? set.Ingress : set.Egress ?? []) as SgPolicy[];
      if (!targets.length) throw new ApiError('MissingParameter', 'SecurityGroupPolicySet.Ingress or Egress is required.');
      const indexes = targets.map((t) => t.PolicyIndex !== undefined ? t.PolicyIndex : list.findIndex((r) => sameRule(r, t)));
      if (indexes.some((i) => i < 0 || i >= list.length)) throw new ApiError('ResourceNotFound', 'The security group policy does not exist.');
      for (const i of [...new Set(indexes)].sort((a, b) => b - a)) list.splice(i, 1);
      g.version++;
      return {};
    }
    case 'DescribeAddressTemplates':
    case 'DescribeAddressTemplateGroups':
    case 'DescribeServiceTemplates':
    case 'DescribeServiceTemplateGroups': {
      const spec = {
        DescribeAddressTemplates: ['address-template-id', fx.addressTemplates, 'AddressTemplateSet', (id: string, v: string[]) => ({ AddressTemplateId: id, AddressTemplateName: id, AddressSet: v, AddressExtraSet: v.map((a) => ({ Address: a })) })],
        DescribeAddressTemplateGroups: ['address-template-group-id', fx.addressTemplateGroups, 'AddressTemplateGroupSet', (id: string, v: string[]) => ({ AddressTemplateGroupId: id, AddressTemplateGroupName: id, AddressTemplateIdSet: v })],
        DescribeServiceTemplates: ['service-template-id', fx.serviceTemplates, 'ServiceTemplateSet', (id: string, v: string[]) => ({ ServiceTemplateId: id, ServiceTemplateName: id, ServiceSet: v, ServiceExtraSet: v.map((s) => ({ Service: s })) })],
        DescribeServiceTemplateGroups: ['service-template-group-id', fx.serviceTemplateGroups, 'ServiceTemplateGroupSet', (id: string, v: string[]) => ({ ServiceTemplateGroupId: id, ServiceTemplateGroupName: id, ServiceTemplateIdSet: v })],
      } as const;
      const [filter, table, key, shape] = spec[action];
      const ids = filterValues(p, filter);
      const hits = Object.entries(table).filter(([id]) => !ids || ids.includes(id)).map(([id, v]) => shape(id, v));
      return { TotalCount: hits.length, [key]: pageOf(hits, p, 1000) };
    }
    case 'DescribeSubnets': {
      const ids = (p.SubnetIds as string[] | undefined) ?? filterValues(p, 'subnet-id') ?? Object.keys(fx.subnets);
      const set = ids.filter((id) => fx.subnets[id]).map((id) => ({ SubnetId: id, VpcId: fx.subnets[id].vpcId, NetworkAclId: fx.subnets[id].networkAclId ?? '' }));
      return { TotalCount: set.length, SubnetSet: set };
    }
    case 'DescribeNetworkAcls': {
      const ids = (p.NetworkAclIds as string[] | undefined) ?? filterValues(p, 'network-acl-id') ?? Object.keys(fx.networkAcls);
      const set = ids.filter((id) => fx.networkAcls[id]).map((id) => ({ NetworkAclId: id, NetworkAclName: id, IngressEntries: fx.networkAcls[id].ingress, EgressEntries: fx.networkAcls[id].egress }));
      return { TotalCount: set.length, NetworkAclSet: set };
    }
    case 'DescribeAutomationAgentStatus': {
      const ids = (p.InstanceIds as string[] | undefined) ?? [];
      const set = ids.filter((id) => fx.guests[id] && fx.guests[id].agent !== 'none')
        .map((id) => ({ InstanceId: id, Version: '1.1.9', LastHeartbeatTime: '2025-01-01T00:00:00Z', AgentStatus: fx.guests[id].agent === 'online' ? 'Online' : 'Offline', Environment: 'Linux', SupportFeatures: [] }));
      return { TotalCount: set.length, AutomationAgentSet: set };
    }
    case 'RunCommand': {
      const ids = p.InstanceIds as string[];
      if (typeof p.Content !== 'string' || !p.Content || Buffer.from(p.Content, 'base64').toString('base64') !== p.Content) {
        throw new ApiError('InvalidParameterValue.ContentInvalid', 'Content must be base64 encoded.');
      }
      for (const id of ids ?? []) {
        const g = fx.guests[id];
        if (!g || g.agent === 'none') throw new ApiError('InvalidParameterValue.InstanceIsNotRelatedToAgent', `Instance ${id} has no agent installed.`);
      }
      const invocationId = `inv-${(++invocationSeq).toString(36).padStart(8, '0')}`;
      for (const id of ids) fx.commands.push({ instanceId: id, script: Buffer.from(p.Content, 'base64').toString('utf8'), invocationId });
      for (const id of ids) {
        const g = fx.guests[id];
        if (!g.run || g.agent !== 'online') continue;
        const key = `${invocationId}/${id}`;
        running.add(key);
        g.run(Buffer.from(p.Content, 'base64').toString('utf8')).then(
          (r) => { g.output = r.output; g.exitCode = r.exitCode; },
          (e: Error) => { g.output = `fake TAT: ${e.message}`; g.exitCode = 1; },
        ).finally(() => running.delete(key));
      }
      return { CommandId: `cmd-${invocationId.slice(4)}`, InvocationId: invocationId };
    }
    case 'DescribeInvocationTasks': {
      const inv = filterValues(p, 'invocation-id')?.[0];
      const tasks = fx.commands.filter((c) => c.invocationId === inv).map((c, n) => {
        const g = fx.guests[c.instanceId];
        const seen = polls.get(`${inv}/${c.instanceId}`) ?? 0;
        polls.set(`${inv}/${c.instanceId}`, seen + 1);
        const status = g.agent === 'offline' ? 'DELIVER_FAILED' : seen < (g.pollsBeforeDone ?? 0) || running.has(`${inv}/${c.instanceId}`) ? 'RUNNING' : g.finalStatus ?? ((g.exitCode ?? 0) === 0 ? 'SUCCESS' : 'FAILED');
        const done = status !== 'RUNNING';
        const output = done && g.agent === 'online' && p.HideOutput === false ? Buffer.from(g.output ?? '').toString('base64') : '';
        return {
          InvocationId: inv, InvocationTaskId: `${inv}-${n}`, InstanceId: c.instanceId, TaskStatus: status,
          TaskResult: { ExitCode: done ? g.exitCode ?? 0 : 0, Output: output, Dropped: 0 },
          ErrorInfo: status === 'DELIVER_FAILED' ? 'the agent is offline' : '',
        };
      });
      return { TotalCount: tasks.length, InvocationTaskSet: tasks };
    }
    default:
      throw new ApiError('InvalidAction', `The action ${action} is not supported here.`);
  }
}

/** A console URL as the APIs answer it: a one-time WebSocket address with a random token
 *  (loopback: nothing ever connects to it in a test). */
function issueVncUrl(fx: TencentFixture, instanceId: string): string {
  const url = `wss://127.0.0.1:26789/vnc?s=${crypto.randomBytes(24).toString('base64')}`;
  fx.vncIssued.push({ instanceId, url });
  return url;
}

const LH_PROTOCOLS = new Set(['TCP', 'UDP', 'ICMP', 'ICMPV6', 'ALL']);

function lhInstance(fx: TencentFixture, region: string | undefined, id: unknown) {
  if (typeof id !== 'string' || !/^lhins-[a-z0-9]+$/.test(id)) throw new ApiError('InvalidParameterValue.InstanceIdMalformed', `Malformed instance ID: ${String(id)}`);
  const inst = fx.lighthouse.instances.find((i) => i.region === region && i.InstanceId === id);
  if (!inst) throw new ApiError('ResourceNotFound.InstanceIdNotFound', `The instance ${id} does not exist.`);
  return inst;
}

function lhFirewall(fx: TencentFixture, id: string) {
  fx.lighthouse.firewalls[id] ??= { version: 1, rules: [] };
  return fx.lighthouse.firewalls[id];
}

function checkFirewallVersion(fw: { version: number }, p: Record<string, any>): void {
  if (p.FirewallVersion !== undefined && Number(p.FirewallVersion) !== fw.version) {
    throw new ApiError('UnsupportedOperation.FirewallVersionMismatch', `The firewall version ${String(p.FirewallVersion)} does not match the current version ${fw.version}.`);
  }
}

/** FirewallRules as the write actions take them, checked as the API documents. */
function firewallRulesOf(p: Record<string, any>): FirewallRuleInfo[] {
  const rules = p.FirewallRules as FirewallRuleInfo[] | undefined;
  if (!Array.isArray(rules)) throw new ApiError('MissingParameter', 'FirewallRules is required.');
  if (rules.length > 100) throw new ApiError('LimitExceeded.FirewallRulesLimitExceeded', 'At most 100 firewall rules.');
  return rules.map((r) => {
    const proto = String(r.Protocol ?? '').toUpperCase();
    if (!LH_PROTOCOLS.has(proto)) throw new ApiError('InvalidParameterValue', `Protocol ${String(r.Protocol)} is invalid.`);
    if (r.Action !== undefined && !['ACCEPT', 'DROP'].includes(r.Action)) throw new ApiError('InvalidParameterValue', `Action ${String(r.Action)} is invalid.`);
    if (r.CidrBlock && r.Ipv6CidrBlock) throw new ApiError('InvalidParameter.ParameterConflict', 'CidrBlock and Ipv6CidrBlock are mutually exclusive.');
    if ((r.FirewallRuleDescription ?? '').length > 64) throw new ApiError('InvalidParameterValue.FirewallRuleDescriptionTooLong', 'FirewallRuleDescription is longer than 64 characters.');
    if (proto !== 'TCP' && proto !== 'UDP' && r.Port && r.Port !== 'ALL') throw new ApiError('InvalidParameterValue', 'Port must be empty or ALL unless Protocol is TCP or UDP.');
    // Stored as DescribeFirewallRules answers it: every field present, an API-made rule is "自定义" (custom).
    return {
      AppType: '自定义', Protocol: proto === 'ICMPV6' ? 'ICMPv6' : proto, Port: r.Port || 'ALL',
      CidrBlock: r.CidrBlock ?? (r.Ipv6CidrBlock || proto === 'ICMPV6' ? '' : '0.0.0.0/0'), Ipv6CidrBlock: r.Ipv6CidrBlock ?? '',
      Action: r.Action ?? 'ACCEPT', FirewallRuleDescription: r.FirewallRuleDescription ?? '',
    };
  });
}

const sameFw = (a: FirewallRuleInfo, b: FirewallRuleInfo, withDescription: boolean) =>
  (['Protocol', 'Port', 'CidrBlock', 'Ipv6CidrBlock', 'Action', ...(withDescription ? ['FirewallRuleDescription'] as const : [])] as const)
    .every((k) => String(a[k] ?? '').toUpperCase() === String(b[k] ?? '').toUpperCase());

/** The lighthouse service's actions (shapes from the SDK's lighthouse_models.d.ts). */
function handleLighthouse(action: string, region: string | undefined, p: Record<string, any>, fx: TencentFixture): Record<string, unknown> {
  const lh = fx.lighthouse;
  switch (action) {
    case 'DescribeInstances': {
      const ids = p.InstanceIds as string[] | undefined;
      if (ids?.some((id) => !/^lhins-[a-z0-9]+$/.test(id))) throw new ApiError('InvalidParameterValue.InstanceIdMalformed', `Malformed instance ID: ${ids.join(',')}`);
      const inRegion = lh.instances.filter((i) => i.region === region && (!ids || ids.includes(i.InstanceId)));
      return {
        TotalCount: inRegion.length,
        InstanceSet: pageOf(inRegion, p).map(({ region: _r, ...i }) => ({
          BundleId: 'bundle_starter_mc_promo_med2_02', BlueprintId: 'lhbp-a7oxy2ar', CPU: 2, Memory: 2, InstanceChargeType: 'PREPAID',
          SystemDisk: { DiskType: 'CLOUD_SSD', DiskSize: 50, DiskId: 'lhdisk-lab00001' }, InternetAccessible: { InternetChargeType: 'TRAFFIC_POSTPAID_BY_HOUR', InternetMaxBandwidthOut: 4, PublicIpAssigned: true },
          RenewFlag: 'NOTIFY_AND_MANUAL_RENEW', LoginSettings: { KeyIds: [] }, Uuid: `uuid-${i.InstanceId}`,
          LatestOperation: 'StartInstances', LatestOperationState: 'SUCCESS', LatestOperationRequestId: '', LatestOperationStartedTime: '2025-01-01T00:00:00Z',
          IsolatedTime: null, CreatedTime: '2025-01-01T00:00:00Z', ExpiredTime: '2026-01-01T00:00:00Z', Tags: [],
          SupportIpv6Detail: { IsSupport: false, Detail: 'EFFECTIVE_IMMEDIATELY', Message: '' }, PublicIpv6Addresses: [], InitInvocationId: '',
          InstanceViolationDetail: { Source: '', State: '', Reason: '', Content: '', DataTime: '' },
          ...i,
        })),
      };
    }
    case 'DescribeFirewallRules': {
      const inst = lhInstance(fx, region, p.InstanceId);
      const fw = lhFirewall(fx, inst.InstanceId);
      return { TotalCount: fw.rules.length, FirewallRuleSet: pageOf(fw.rules, p).map((r) => ({ ...r })), FirewallVersion: fw.version };
    }
    case 'CreateFirewallRules': {
      const inst = lhInstance(fx, region, p.InstanceId);
      const fw = lhFirewall(fx, inst.InstanceId);
      checkFirewallVersion(fw, p);
      const rules = firewallRulesOf(p);
      if (!rules.length) throw new ApiError('MissingParameter', 'FirewallRules is required.');
      if (rules.some((r) => fw.rules.some((x) => sameFw(x, r, false)))) throw new ApiError('InvalidParameter.FirewallRulesExist', 'The firewall rule already exists.');
      if (fw.rules.length + rules.length > 100) throw new ApiError('LimitExceeded.FirewallRulesLimitExceeded', 'At most 100 firewall rules.');
      const where = lh.newRulePlacement;
      const at = where === 'append' ? fw.rules.length : where === 'prepend' ? 0 : Math.min(Math.max(where.at, 0), fw.rules.length);
      fw.rules.splice(at, 0, ...rules);
      fw.version++;
      return {};
    }
    case 'DeleteFirewallRules': {
      const inst = lhInstance(fx, region, p.InstanceId);
      const fw = lhFirewall(fx, inst.InstanceId);
      checkFirewallVersion(fw, p);
      const given = firewallRulesOf(p);
      const withDescription = (p.FirewallRules as FirewallRuleInfo[]).map((r) => r.FirewallRuleDescription !== undefined);
      const keep = fw.rules.filter((x) => !given.some((g, i) => sameFw(x, g, withDescription[i])));
      if (keep.length === fw.rules.length) throw new ApiError('ResourceNotFound.FirewallRulesNotFound', 'The firewall rule does not exist.');
      fw.rules = keep;
      fw.version++;
      return {};
    }
    case 'ModifyFirewallRules': {
      const inst = lhInstance(fx, region, p.InstanceId);
      const fw = lhFirewall(fx, inst.InstanceId);
      checkFirewallVersion(fw, p);
      const rules = firewallRulesOf(p);
      for (let i = 0; i < rules.length; i++) {
        if (rules.slice(0, i).some((x) => sameFw(x, rules[i], false))) throw new ApiError('InvalidParameter.FirewallRulesDuplicated', 'The firewall rules are duplicated.');
      }
      fw.rules = rules;
      fw.version++;
      return {};
    }
    case 'DescribeInstancesTrafficPackages': {
      const ids = (p.InstanceIds as string[] | undefined) ?? lh.instances.filter((i) => i.region === region).map((i) => i.InstanceId);
      const set = ids.filter((id) => lh.instances.some((i) => i.region === region && i.InstanceId === id)).map((id) => ({
        InstanceId: id,
        TrafficPackageSet: (lh.trafficPackages[id] ?? [{ TrafficPackageId: `lhtp-${id.slice(6, 14)}`, Status: 'NETWORK_NORMAL' }]).map((t) => ({
          TrafficPackageId: t.TrafficPackageId, TrafficUsed: t.Status === 'NETWORK_NORMAL' ? 1 << 30 : 1100 << 20,
          TrafficPackageTotal: 1 << 30, TrafficPackageRemaining: t.Status === 'NETWORK_NORMAL' ? 0 : 0, TrafficOverflow: t.Status === 'NETWORK_NORMAL' ? 0 : 76 << 20,
          StartTime: '2025-01-01T00:00:00Z', EndTime: '2025-02-01T00:00:00Z', Deadline: '2025-02-01T00:00:00Z', Status: t.Status,
        })),
      }));
      return { TotalCount: set.length, InstanceTrafficPackageSet: pageOf(set, p) };
    }
    case 'DescribeInstanceVncUrl': {
      const inst = lhInstance(fx, region, p.InstanceId);
      if (inst.InstanceState !== 'RUNNING' && inst.InstanceState !== 'RESCUE_MODE') throw new ApiError('UnsupportedOperation.InvalidInstanceState', `The instance state ${String(inst.InstanceState)} does not support this operation.`);
      return { InstanceVncUrl: issueVncUrl(fx, inst.InstanceId) };
    }
    default:
      throw new ApiError('InvalidAction', `The action ${action} is not supported here.`);
  }
}

export async function startTencentEndpoint(fixture: TencentFixture = defaultTencentFixture()): Promise<TencentEndpoint> {
  const requests: RecordedRequest[] = [];
  const polls = new Map<string, number>();
  /** Invocations whose guest `run` has not settled yet. */
  const running = new Set<string>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => { size += c.length; if (size <= 1 << 20) chunks.push(c); });
    req.on('end', () => {
      const requestId = crypto.randomUUID();
      const action = String(req.headers['x-tc-action'] ?? '');
      const region = req.headers['x-tc-region'] === undefined ? undefined : String(req.headers['x-tc-region']);
      const rec: RecordedRequest = { action, service: serviceOf(action, req.headers['x-tc-version']) ?? '?', region, params: {} };
      requests.push(rec);
      let response: Record<string, unknown>;
      try {
        if (req.method !== 'POST' || req.url !== '/') throw new ApiError('InvalidParameter', 'Only POST / is supported.');
        const body = Buffer.concat(chunks);
        verifySignature(req, body, fixture);
        try { rec.params = JSON.parse(body.toString('utf8') || '{}') as Record<string, any>; } catch { throw new ApiError('InvalidParameter', 'The body is not JSON.'); }
        const service = serviceOf(action, req.headers['x-tc-version']);
        if (!service) throw new ApiError('InvalidAction', `The action ${action} does not exist.`);
        if (req.headers['x-tc-version'] !== VERSION[service]) throw new ApiError('NoSuchVersion', `Version ${String(req.headers['x-tc-version'])} is not supported for ${action}.`);
        if (!region) throw new ApiError('MissingParameter', 'X-TC-Region is required.');
        const fault = fixture.faults.find((f) => f.times > 0 && (!f.action || f.action === action));
        if (fault) { fault.times--; throw new ApiError(fault.code, fault.message ?? `${fault.code} (injected)`); }
        response = { ...(service === 'lighthouse' ? handleLighthouse(action, region, rec.params, fixture) : service === 'monitor' ? getMonitorData(rec.params, fixture) : handle(action, region, rec.params, fixture, polls, running)), RequestId: requestId };
      } catch (e) {
        const err = e instanceof ApiError ? e : new ApiError('InternalError', (e as Error).message);
        rec.errorCode = err.code;
        response = { Error: { Code: err.code, Message: err.message }, RequestId: requestId };
      }
      const text = JSON.stringify({ Response: response });
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
      res.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const [secretId, secretKey] = Object.entries(fixture.credentials)[0];
  return {
    url: `http://127.0.0.1:${port}`, secretId, secretKey, state: fixture, requests,
    fail: (f) => { fixture.faults.push(f); },
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
