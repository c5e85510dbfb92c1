/**
 * Tencent Lighthouse (API `lighthouse`, 2020-03-24) as the diagnosis reads it: one instance
 * (DescribeInstances), its firewall (DescribeFirewallRules, paged, with FirewallVersion) and
 * its traffic packages (DescribeInstancesTrafficPackages: OVERDUE_NETWORK_DISABLED means the
 * network was cut for unpaid traffic). Lighthouse has no security groups and no network ACL.
 */
import type { CloudEvidence } from '../core/model';
import { CloudApiError, type TencentApi } from './api';
import type { FirewallRuleInfo } from './firewallEval';

type Instance = NonNullable<CloudEvidence['instance']>;

/** DescribeInstances' Instance (the fields CVM Doctor reads). */
export interface RawLighthouseInstance {
  InstanceId?: string; InstanceName?: string; InstanceState?: string; InstanceRestrictState?: string;
  PublicAddresses?: string[] | null; PrivateAddresses?: string[] | null; PublicIpv6Addresses?: string[] | null;
  OsName?: string; Platform?: string; PlatformType?: string; Zone?: string;
  InternetAccessible?: { InternetMaxBandwidthOut?: number } | null;
}

/** The API's page limit; 100 pages bound every loop (the firewall holds at most 100 rules). */
export const LH_PAGE = 100;
export const LH_MAX_PAGES = 100;

export async function describeLighthouseInstance(api: TencentApi, region: string, instanceId: string, signal?: AbortSignal): Promise<RawLighthouseInstance> {
  const res = await api.call<{ InstanceSet?: RawLighthouseInstance[] }>('lighthouse', region, 'DescribeInstances', { InstanceIds: [instanceId] }, signal);
  const inst = res.InstanceSet?.find((i) => i.InstanceId === instanceId);
  if (!inst) throw new CloudApiError('not-found', `Lighthouse instance ${instanceId} was not found in region ${region} — check the instance ID and region`, 'ResourceNotFound.InstanceIdNotFound', 'DescribeInstances');
  return inst;
}

export function lighthouseInstance(i: RawLighthouseInstance): Instance {
  return {
    product: 'lighthouse',
    ...(i.InstanceName ? { name: i.InstanceName } : {}),
    state: i.InstanceState ?? 'UNKNOWN',
    ...(i.InstanceRestrictState ? { restrictState: i.InstanceRestrictState } : {}),
    publicIps: i.PublicAddresses ?? [],
    privateIps: i.PrivateAddresses ?? [],
    ...(i.PublicIpv6Addresses?.length ? { ipv6Ips: i.PublicIpv6Addresses } : {}),
    ...(i.OsName ? { osName: i.OsName } : {}),
    securityGroupIds: [],
    ...(i.InternetAccessible?.InternetMaxBandwidthOut ? { bandwidthOutMbps: i.InternetAccessible.InternetMaxBandwidthOut } : {}),
  };
}

export interface FirewallState { rules: FirewallRuleInfo[]; version?: number }

/** Every firewall rule, in the order the firewall evaluates them, and the firewall's version. */
export async function readFirewall(api: TencentApi, region: string, instanceId: string, signal?: AbortSignal): Promise<FirewallState> {
  const rules: FirewallRuleInfo[] = [];
  let version: number | undefined;
  for (let page = 0; page < LH_MAX_PAGES; page++) {
    const res = await api.call<{ TotalCount?: number; FirewallRuleSet?: FirewallRuleInfo[]; FirewallVersion?: number }>(
      'lighthouse', region, 'DescribeFirewallRules', { InstanceId: instanceId, Offset: page * LH_PAGE, Limit: LH_PAGE }, signal);
    const set = res.FirewallRuleSet ?? [];
    // Pages read at different versions would be two lists mixed: start again from the top.
    if (version !== undefined && res.FirewallVersion !== undefined && res.FirewallVersion !== version) {
      throw new CloudApiError('other', `the firewall of ${instanceId} changed while it was being read (version ${version} → ${res.FirewallVersion}); run again`, 'FirewallChanged', 'DescribeFirewallRules');
    }
    version = res.FirewallVersion ?? version;
    rules.push(...set);
    if (set.length < LH_PAGE || (res.TotalCount !== undefined && rules.length >= res.TotalCount)) break;
  }
  return { rules, ...(version !== undefined ? { version } : {}) };
}

/** The traffic package that cut the network (OVERDUE_NETWORK_DISABLED), else undefined. */
export async function overdueTrafficPackage(api: TencentApi, region: string, instanceId: string, signal?: AbortSignal): Promise<{ id?: string; status: string } | undefined> {
  const res = await api.call<{ InstanceTrafficPackageSet?: Array<{ InstanceId?: string; TrafficPackageSet?: Array<{ TrafficPackageId?: string; Status?: string }> }> }>(
    'lighthouse', region, 'DescribeInstancesTrafficPackages', { InstanceIds: [instanceId], Limit: LH_PAGE }, signal);
  const mine = res.InstanceTrafficPackageSet?.find((s) => s.InstanceId === instanceId);
  const cut = mine?.TrafficPackageSet?.find((p) => p.Status === 'OVERDUE_NETWORK_DISABLED');
  return cut ? { ...(cut.TrafficPackageId ? { id: cut.TrafficPackageId } : {}), status: 'OVERDUE_NETWORK_DISABLED' } : undefined;
}
