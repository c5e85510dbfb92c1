/**
 * The VNC console: DescribeInstanceVncUrl (cvm for ins-…, lighthouse for lhins-…) answers a
 * WebSocket URL that works once and for about 15 seconds, and Tencent's VNC page opens it
 * (`https://img.qcloud.com/qcloud/app/active_vnc/index.html?InstanceVncUrl=<url>`, as both
 * APIs document). The URL is a credential: it is fetched only when the user asks, never logged
 * (TencentApi logs action and outcome only) and never put in a report or an error message.
 */
import { CloudApiError, TencentApi } from './api';
import { InputError, type TencentConfig } from './config';
import { isLighthouseId, isRegion } from '../core/validate';

export const VNC_PAGE = 'https://img.qcloud.com/qcloud/app/active_vnc/index.html';

/** The page to open for a console URL the API answered (a wss:// URL, else an error). */
export function vncPageUrl(instanceVncUrl: string): string {
  let u: URL | undefined;
  try { u = new URL(instanceVncUrl); } catch { u = undefined; }
  // Only the secure WebSocket the APIs document: anything else is not opened.
  if (!u || u.protocol !== 'wss:') throw new CloudApiError('other', 'DescribeInstanceVncUrl answered no usable console address', 'InvalidVncUrl', 'DescribeInstanceVncUrl');
  return `${VNC_PAGE}?InstanceVncUrl=${encodeURIComponent(instanceVncUrl)}`;
}

/** Fetches a fresh console URL and returns Tencent's VNC page for it (the caller opens it at once). */
export async function vncConsoleUrl(cfg: TencentConfig, instanceId: string, region: string, signal?: AbortSignal): Promise<string> {
  if (!/^(?:lh)?ins-[a-z0-9]+$/.test(instanceId)) throw new InputError('instanceId', `"${instanceId}" is not an instance ID`);
  if (!isRegion(region)) throw new InputError('region', `"${region}" is not a region`);
  const api = new TencentApi(cfg);
  const res = await api.call<{ InstanceVncUrl?: string }>(isLighthouseId(instanceId) ? 'lighthouse' : 'cvm', region, 'DescribeInstanceVncUrl', { InstanceId: instanceId }, signal);
  return vncPageUrl(res.InstanceVncUrl ?? '');
}
