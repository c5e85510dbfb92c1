/**
 * The caller's public address, which security-group rules are matched against: the configured
 * address, else the answer of a detection URL the user configured (plain text, checked with
 * net.isIP, bounded in time and size), else unknown ("any source").
 */
import * as net from 'net';
import { CancelledError } from '../core/model';
import type { TencentConfig } from './config';

export interface CallerIpResult { ip?: string; source: 'configured' | 'detected' | 'unknown'; error?: string }

export async function resolveCallerIp(cfg: TencentConfig, signal?: AbortSignal, timeoutMs = 3000): Promise<CallerIpResult> {
  if (cfg.callerIp) {
    return net.isIP(cfg.callerIp) ? { ip: cfg.callerIp, source: 'configured' } : { source: 'unknown', error: `configured caller address "${cfg.callerIp}" is not an IP address` };
  }
  if (!cfg.callerIpUrl) return { source: 'unknown' };
  const deadline = AbortSignal.timeout(timeoutMs);
  try {
    const res = await fetch(cfg.callerIpUrl, { signal: signal ? AbortSignal.any([signal, deadline]) : deadline, redirect: 'error' });
    const text = (await res.text()).slice(0, 100).trim();
    if (!res.ok) return { source: 'unknown', error: `caller address detection answered HTTP ${res.status}` };
    if (!net.isIP(text)) return { source: 'unknown', error: 'caller address detection did not answer an IP address' };
    return { ip: text, source: 'detected' };
  } catch (e) {
    if (signal?.aborted) throw new CancelledError();
    return { source: 'unknown', error: deadline.aborted ? `caller address detection gave no answer within ${timeoutMs} ms` : `caller address detection failed: ${(e as Error).message}` };
  }
}
