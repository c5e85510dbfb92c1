/**
 * Tencent Cloud connection settings: credentials, the API endpoint, and how to learn the
 * caller's public address. The endpoint setting is either a domain suffix (each service goes
 * to `<service>.<domain>` over HTTPS: the public, international and internal endpoints) or a
 * full URL `http(s)://host[:port]` (every service goes to that one URL, routed by
 * X-TC-Action; plain http only to a loopback address, so credentials-signed traffic never
 * crosses a network unencrypted). The same setting is how tests reach the local endpoint.
 */
import * as fs from 'fs';
import * as net from 'net';
import { InputError } from '../core/validate';

export interface TencentConfig {
  secretId: string;
  /** Never logged, never put in a report or an error message. */
  secretKey: string;
  /** Domain suffix ("tencentcloudapi.com", "intl.tencentcloudapi.com",
   *  "internal.tencentcloudapi.com") or a URL ("http://127.0.0.1:PORT"). */
  endpoint?: string;
  /** The caller's public address, when known (evaluation is then for exactly it). */
  callerIp?: string;
  /** A URL answering the caller's public address as plain text. */
  callerIpUrl?: string;
  /** Trace lines (never secrets). */
  log?: (l: string) => void;
  /** Upper bound of each API call, ms (default 10000). */
  timeoutMs?: number;
  /** First back-off delay after RequestLimitExceeded, ms (default 1000; doubles each retry). */
  retryBaseMs?: number;
  /** Retries after RequestLimitExceeded before giving up as 'throttled' (default 4). */
  maxRetries?: number;
  /** First delay between TAT result polls, ms (default 1000; grows up to 4x). */
  pollIntervalMs?: number;
  /** Shared by the diagnoses of one sweep: each security group, ACL and template read once
   *  (api.ts READ_ONCE), however many instances use it. */
  readCache?: Map<string, Promise<unknown>>;
}

export const DEFAULT_DOMAIN = 'tencentcloudapi.com';
export const KNOWN_DOMAINS = ['tencentcloudapi.com', 'intl.tencentcloudapi.com', 'internal.tencentcloudapi.com'] as const;

export type ResolvedEndpoint =
  | { kind: 'domain'; domain: string }
  | { kind: 'url'; protocol: 'http://' | 'https://'; host: string; loopback: boolean };

/** A bad setting is core's InputError (named by its field; the CLI prints it on one line,
 *  exit 2): one class, so `instanceof InputError` holds wherever it was thrown. */
export { InputError };

function isLoopback(host: string): boolean {
  return host === 'localhost' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

export function resolveEndpoint(setting: string | undefined, field = 'endpoint'): ResolvedEndpoint {
  const s = (setting ?? '').trim();
  if (!s) return { kind: 'domain', domain: DEFAULT_DOMAIN };
  if (!s.includes('://')) {
    if (!/^[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(s)) throw new InputError(field, `"${s}" is neither a domain such as ${KNOWN_DOMAINS.join(', ')} nor a URL`);
    return { kind: 'domain', domain: s.toLowerCase() };
  }
  let u: URL;
  try { u = new URL(s); } catch { throw new InputError(field, `"${s}" is not a valid URL`); }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new InputError(field, 'only http:// or https:// URLs are allowed');
  if ((u.pathname !== '/' && u.pathname !== '') || u.search || u.hash || u.username || u.password) {
    throw new InputError(field, 'the URL must be just scheme://host[:port] (the API is always POST /)');
  }
  // The SDK derives the signing service from the text before the first dot of host[:port];
  // an IPv6 literal has no such label, so only names and IPv4 addresses are accepted.
  if (u.hostname.startsWith('[')) throw new InputError(field, 'use a host name or an IPv4 address, not an IPv6 literal');
  const loopback = isLoopback(u.hostname);
  if (u.protocol === 'http:' && !loopback) throw new InputError(field, 'plain http:// is allowed only to a loopback address; use https://');
  return { kind: 'url', protocol: u.protocol === 'http:' ? 'http://' : 'https://', host: u.host, loopback };
}

/** Where one service's requests go (the SDK's httpProfile endpoint + protocol). */
export function serviceEndpoint(ep: ResolvedEndpoint, service: string): { endpoint: string; protocol: 'http://' | 'https://' } {
  return ep.kind === 'domain'
    ? { endpoint: `${service}.${ep.domain}`, protocol: 'https://' }
    : { endpoint: ep.host, protocol: ep.protocol };
}

/** Reads a profile file: JSON {"secretId","secretKey"} (tccli's credential file) or INI with
 *  a [default] section holding secret_id / secret_key (the SDKs' ~/.tencentcloud/credentials). */
export function readProfileFile(path: string): { secretId?: string; secretKey?: string } {
  let text: string;
  try { text = fs.readFileSync(path, 'utf8'); } catch (e) {
    throw new InputError('profile', `cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  const t = text.trim();
  if (t.startsWith('{')) {
    let j: Record<string, unknown>;
    try { j = JSON.parse(t) as Record<string, unknown>; } catch { throw new InputError('profile', `${path} is not valid JSON`); }
    const str = (...keys: string[]) => keys.map((k) => j[k]).find((v): v is string => typeof v === 'string');
    return { secretId: str('secretId', 'SecretId', 'secret_id'), secretKey: str('secretKey', 'SecretKey', 'secret_key') };
  }
  const out: { secretId?: string; secretKey?: string } = {};
  let section = 'default';
  for (const raw of t.split(/\r?\n/)) {
    const l = raw.trim();
    if (!l || l.startsWith('#') || l.startsWith(';')) continue;
    const sec = /^\[(.+)\]$/.exec(l);
    if (sec) { section = sec[1].trim(); continue; }
    const kv = /^([\w.-]+)\s*=\s*(.*)$/.exec(l);
    if (!kv || section !== 'default') continue;
    const key = kv[1].toLowerCase().replace(/[-_]/g, '');
    if (key === 'secretid') out.secretId = kv[2].trim();
    if (key === 'secretkey') out.secretKey = kv[2].trim();
  }
  return out;
}

/** The caller's address as configured (CVM_DOCTOR_CALLER_IP, cvmDoctor.tencent.callerIp). */
export function parseCallerIp(value: string, field: string): string {
  if (!net.isIP(value)) throw new InputError(field, `"${value}" is not an IP address`);
  return value;
}

/** The URL that answers the caller's address (CVM_DOCTOR_CALLER_IP_URL, cvmDoctor.tencent.callerIpUrl). */
export function parseCallerIpUrl(value: string, field: string): string {
  let u: URL | undefined;
  try { u = new URL(value); } catch { u = undefined; }
  if (!u || (u.protocol !== 'http:' && u.protocol !== 'https:')) throw new InputError(field, `"${value}" is not an http(s) URL`);
  return value;
}

/**
 * Settings for the CLI: TENCENTCLOUD_SECRET_ID, TENCENTCLOUD_SECRET_KEY, TENCENTCLOUD_ENDPOINT,
 * CVM_DOCTOR_CALLER_IP, CVM_DOCTOR_CALLER_IP_URL; a profile file fills in the credentials the
 * environment lacks. Throws InputError naming the missing or malformed field.
 */
export function loadTencentConfigFromEnv(env: NodeJS.ProcessEnv, profileFile?: string): TencentConfig {
  const file = profileFile ? readProfileFile(profileFile) : {};
  const secretId = env.TENCENTCLOUD_SECRET_ID?.trim() || file.secretId;
  const secretKey = env.TENCENTCLOUD_SECRET_KEY?.trim() || file.secretKey;
  const from = profileFile ? ` (or secretId in ${profileFile})` : '';
  if (!secretId) throw new InputError('TENCENTCLOUD_SECRET_ID', `not set${from}`);
  if (!secretKey) throw new InputError('TENCENTCLOUD_SECRET_KEY', `not set${from.replace('secretId', 'secretKey')}`);
  const cfg: TencentConfig = { secretId, secretKey };
  const endpoint = env.TENCENTCLOUD_ENDPOINT?.trim();
  if (endpoint) {
    resolveEndpoint(endpoint, 'TENCENTCLOUD_ENDPOINT');
    cfg.endpoint = endpoint;
  }
  const callerIp = env.CVM_DOCTOR_CALLER_IP?.trim();
  if (callerIp) cfg.callerIp = parseCallerIp(callerIp, 'CVM_DOCTOR_CALLER_IP');
  const callerIpUrl = env.CVM_DOCTOR_CALLER_IP_URL?.trim();
  if (callerIpUrl) cfg.callerIpUrl = parseCallerIpUrl(callerIpUrl, 'CVM_DOCTOR_CALLER_IP_URL');
  return cfg;
}
