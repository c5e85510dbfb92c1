/**
 * Validation of everything a user types (CLI flags, input boxes, imported config). Each
 * parser returns the clean value or throws `InputError` naming the field, so the CLI can
 * print one line and exit 2, and the extension can show it under the input box.
 */
import { DEFAULT_ALT_PORTS, type Protocol } from './model';

/** What was wrong, for a message in the user's own language (the English `message` names
 *  the field for the CLI; an adapter words `problem` without our field names). */
export interface InputProblem {
  kind: 'required' | 'host' | 'ipv4' | 'port' | 'user' | 'instanceId' | 'region' | 'protocol'
    | 'unclosedQuote' | 'sshOption' | 'missingValue' | 'noHost';
  /** The offending value, printable (control characters visible, long input cut). */
  value?: string;
}

export class InputError extends Error {
  readonly problem?: InputProblem;
  constructor(readonly field: string, message: string, problem?: InputProblem) {
    super(`${field}: ${message}`);
    this.name = 'InputError';
    if (problem) this.problem = problem.value === undefined ? problem : { ...problem, value: printable(problem.value) };
  }
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
// A DNS name: labels of letters, digits, hyphens (and underscores, seen in private zones).
const HOSTNAME = /^(?=.{1,253}$)([A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)(\.[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*\.?$/;

/** A pure IPv6 literal check (core has no `net`): hex groups, one `::`, optional IPv4 tail and zone. */
export function isIPv6(s: string): boolean {
  const [addr, zone, ...rest] = s.split('%');
  if (rest.length || (zone !== undefined && !/^[A-Za-z0-9_.-]+$/.test(zone))) return false;
  if (!/^[0-9A-Fa-f:.]+$/.test(addr) || !addr.includes(':')) return false;
  let groups = addr.split(':');
  let max = 8;
  const last = groups[groups.length - 1];
  if (last.includes('.')) {
    if (!IPV4.test(last)) return false;
    groups = groups.slice(0, -1);
    max = 6;
    if (addr.endsWith('::' + last)) groups.push('');
  }
  const doubles = (addr.match(/::/g) ?? []).length;
  if (doubles > 1 || /:::/.test(addr)) return false;
  if (doubles === 0) {
    return groups.length === max && groups.every((g) => /^[0-9A-Fa-f]{1,4}$/.test(g));
  }
  const nonEmpty = groups.filter((g) => g !== '');
  if (addr.startsWith(':') && !addr.startsWith('::')) return false;
  if (addr.endsWith(':') && !addr.endsWith('::')) return false;
  return nonEmpty.length < max && nonEmpty.every((g) => /^[0-9A-Fa-f]{1,4}$/.test(g));
}

export function isIPv4(s: string): boolean {
  return IPV4.test(s);
}

export function parseHost(value: unknown, field = 'host'): string {
  if (typeof value !== 'string' || value.trim() === '') throw new InputError(field, 'is required (a host name or an IP address)', { kind: 'required' });
  let v = value.trim();
  if (v.startsWith('[') && v.endsWith(']')) v = v.slice(1, -1);
  if (isIPv4(v) || isIPv6(v)) return v;
  if (/^[\d.]+$/.test(v)) throw new InputError(field, `"${printable(value)}" is not a valid IPv4 address`, { kind: 'ipv4', value });
  if (!HOSTNAME.test(v)) {
    throw new InputError(field, `"${printable(value)}" is not a valid host name or IP address (letters, digits, dots and hyphens only)`, { kind: 'host', value });
  }
  return v.endsWith('.') ? v.slice(0, -1) : v;
}

function integer(value: unknown, field: string, what: string, kind?: InputProblem['kind']): number {
  const s = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
  if (!/^\d+$/.test(s)) throw new InputError(field, `"${printable(String(value ?? ''))}" is not ${what}`, kind ? { kind, value: String(value ?? '') } : undefined);
  return Number(s);
}

export function parsePort(value: unknown, field = 'port'): number {
  const n = integer(value, field, 'a port number (1-65535)', 'port');
  if (n < 1 || n > 65535) throw new InputError(field, `${n} is out of range (1-65535)`, { kind: 'port', value: String(n) });
  return n;
}

export const MIN_TIMEOUT_MS = 100;
export const MAX_TIMEOUT_MS = 120_000;

export function parseTimeout(value: unknown, field = 'timeout'): number {
  const n = integer(value, field, `a time in milliseconds (${MIN_TIMEOUT_MS}-${MAX_TIMEOUT_MS})`);
  if (n < MIN_TIMEOUT_MS || n > MAX_TIMEOUT_MS) throw new InputError(field, `${n} ms is out of range (${MIN_TIMEOUT_MS}-${MAX_TIMEOUT_MS})`);
  return n;
}

/** "2222,22222" → [2222, 22222]; "" or "none" → []. At most 16 ports (it is not a port scanner). */
/** A list of alternative ports (array or "a,b,c"; "none" or "" = none); undefined → the protocol's defaults. */
export function parseAltPorts(value: unknown, field = 'alt-ports', protocol: Protocol = 'ssh'): number[] {
  if (Array.isArray(value)) return dedupe(value.map((v) => parsePort(v, field)), field);
  if (value === undefined) return [...DEFAULT_ALT_PORTS[protocol]];
  if (typeof value !== 'string') throw new InputError(field, 'must be a comma-separated list of ports');
  const v = value.trim();
  if (v === '' || v.toLowerCase() === 'none') return [];
  return dedupe(v.split(',').map((p) => parsePort(p, field)), field);
}

function dedupe(ports: number[], field: string): number[] {
  const out = [...new Set(ports)];
  if (out.length > 16) throw new InputError(field, `at most 16 ports (got ${out.length})`);
  return out;
}

export function parseProtocol(value: unknown, field = 'protocol'): Protocol {
  if (value === 'ssh' || value === 'rdp') return value;
  throw new InputError(field, `"${printable(String(value ?? ''))}" is not a protocol (ssh or rdp)`, { kind: 'protocol', value: String(value ?? '') });
}

// The one pattern for each kind of identifier, shared by the CLI, the extension's input boxes,
// its stored data and the settings readers.
const USER = /^[A-Za-z0-9._][A-Za-z0-9._@-]{0,63}$/;
const INSTANCE_ID = /^ins-[a-z0-9]{6,16}$/;
const LIGHTHOUSE_ID = /^lhins-[a-z0-9]{6,16}$/;
const REGION = /^[a-z]{2,4}(-[a-z0-9]+){1,3}$/;

/** A login name OpenSSH accepts without quoting surprises (never starting with "-"). */
export const isUserName = (v: unknown): v is string => typeof v === 'string' && USER.test(v);
/** A Tencent Cloud instance ID: CVM (ins-xxxxxxxx) or Lighthouse (lhins-xxxxxxxx). */
export const isInstanceId = (v: unknown): v is string => typeof v === 'string' && (INSTANCE_ID.test(v) || LIGHTHOUSE_ID.test(v));
/** A Tencent Lighthouse instance ID: lhins-xxxxxxxx (its API is the lighthouse service). */
export const isLighthouseId = (v: unknown): v is string => typeof v === 'string' && LIGHTHOUSE_ID.test(v);
/** A Tencent Cloud region ID: ap-guangzhou, na-siliconvalley, ap-shanghai-fsi. */
export const isRegion = (v: unknown): v is string => typeof v === 'string' && REGION.test(v);

/** A login name: what OpenSSH accepts without quoting surprises. */
export function parseUser(value: unknown, field = 'user'): string {
  if (!isUserName(value)) {
    throw new InputError(field, `"${printable(String(value ?? ''))}" is not a valid user name`, { kind: 'user', value: String(value ?? '') });
  }
  return value;
}

/** Tencent Cloud instance IDs look like ins-xxxxxxxx (CVM) or lhins-xxxxxxxx (Lighthouse); regions like ap-guangzhou. */
export function parseInstanceId(value: unknown, field = 'tencent-instance'): string {
  if (!isInstanceId(value)) throw new InputError(field, `"${printable(String(value ?? ''))}" is not an instance ID (ins-xxxxxxxx or lhins-xxxxxxxx)`, { kind: 'instanceId', value: String(value ?? '') });
  return value;
}

export function parseRegion(value: unknown, field = 'region'): string {
  if (!isRegion(value)) throw new InputError(field, `"${printable(String(value ?? ''))}" is not a region (e.g. ap-guangzhou)`, { kind: 'region', value: String(value ?? '') });
  return value;
}

/** Echo user input back safely: control characters visible, long input cut. */
function printable(s: string): string {
  const v = s.replace(/[\u0000-\u001f\u007f]/g, '?');
  return v.length > 60 ? v.slice(0, 57) + '...' : v;
}
