/**
 * Instance import: every CVM and Lighthouse instance of the given regions (paged
 * DescribeInstances of both services, bounded),
 * summarised with what a connection needs — addresses, protocol, port and user guessed from
 * the image where that is derivable.
 */
import type { Protocol } from '../core/model';
import { TencentApi } from './api';
import type { TencentConfig } from './config';
import { LH_PAGE, type RawLighthouseInstance } from './lighthouse';

export interface CloudInstanceSummary {
  /** 'lighthouse' for a Tencent Lighthouse instance; absent for CVM. */
  product?: 'lighthouse';
  instanceId: string;
  name: string;
  region: string;
  publicIps: string[];
  privateIps: string[];
  osName?: string;
  protocol: Protocol;
  port: number;
  /** Undefined when the image does not tell. */
  user?: string;
  securityGroupIds: string[];
  state: string;
}

const PAGE = 100;
/** 100 pages × 100 = 10 000 instances per region: far beyond a person's fleet, still bounded. */
const MAX_PAGES = 100;

interface RawInstance {
  InstanceId?: string; InstanceName?: string; InstanceState?: string; OsName?: string;
  PublicIpAddresses?: string[] | null; PrivateIpAddresses?: string[] | null; SecurityGroupIds?: string[] | null;
  DefaultLoginUser?: string; DefaultLoginPort?: number;
}

export function summarise(i: RawInstance, region: string): CloudInstanceSummary {
  const os = i.OsName ?? '';
  const windows = /windows/i.test(os);
  const protocol: Protocol = windows ? 'rdp' : 'ssh';
  // The API's DefaultLoginUser/Port are authoritative when present; else the image's convention.
  const user = i.DefaultLoginUser || (windows ? 'Administrator' : /ubuntu/i.test(os) ? 'ubuntu' : os ? 'root' : undefined);
  return {
    instanceId: i.InstanceId ?? '',
    name: i.InstanceName || (i.InstanceId ?? ''),
    region,
    publicIps: i.PublicIpAddresses ?? [],
    privateIps: i.PrivateIpAddresses ?? [],
    ...(os ? { osName: os } : {}),
    protocol,
    port: i.DefaultLoginPort || (windows ? 3389 : 22),
    ...(user ? { user } : {}),
    securityGroupIds: i.SecurityGroupIds ?? [],
    state: i.InstanceState ?? 'UNKNOWN',
  };
}

/** A Lighthouse instance in the summary's terms (Lighthouse has no security groups and no
 *  default login user in its API: the image's convention decides). */
export function summariseLighthouse(i: RawLighthouseInstance, region: string): CloudInstanceSummary {
  const os = i.OsName || i.Platform || '';
  const windows = /windows/i.test(os) || i.PlatformType === 'WINDOWS';
  return {
    product: 'lighthouse',
    ...summarise({
      InstanceId: i.InstanceId, InstanceName: i.InstanceName, InstanceState: i.InstanceState,
      OsName: windows && !/windows/i.test(os) ? `Windows ${os}` : os || undefined,
      PublicIpAddresses: i.PublicAddresses, PrivateIpAddresses: i.PrivateAddresses,
    }, region),
  };
}

/** All CVM and Lighthouse instances of `regions`; rejects with CloudApiError (or CancelledError) on failure. */
export async function listInstances(cfg: TencentConfig, regions: string[], signal?: AbortSignal, pageSize = PAGE): Promise<CloudInstanceSummary[]> {
  const api = new TencentApi(cfg);
  const limit = Math.min(Math.max(Math.floor(pageSize), 1), PAGE);
  const out: CloudInstanceSummary[] = [];
  for (const region of regions) {
    for (let page = 0; page < MAX_PAGES; page++) {
      const res = await api.call<{ TotalCount?: number; InstanceSet?: RawInstance[] }>('cvm', region, 'DescribeInstances', { Offset: page * limit, Limit: limit }, signal);
      const set = res.InstanceSet ?? [];
      out.push(...set.map((i) => summarise(i, region)));
      if (set.length < limit || (res.TotalCount !== undefined && (page + 1) * limit >= res.TotalCount)) break;
    }
    const lhLimit = Math.min(limit, LH_PAGE);
    for (let page = 0; page < MAX_PAGES; page++) {
      const res = await api.call<{ TotalCount?: number; InstanceSet?: RawLighthouseInstance[] }>('lighthouse', region, 'DescribeInstances', { Offset: page * lhLimit, Limit: lhLimit }, signal);
      const set = res.InstanceSet ?? [];
      out.push(...set.map((i) => summariseLighthouse(i, region)));
      if (set.length < lhLimit || (res.TotalCount !== undefined && (page + 1) * lhLimit >= res.TotalCount)) break;
    }
  }
  return out;
}
