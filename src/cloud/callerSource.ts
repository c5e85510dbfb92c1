/**
 * The source of a least-privilege rule for the caller (a security-group policy or a Lighthouse
 * firewall rule): exactly the caller's address as a /32 or /128, of the family the port was
 * reached over; the whole Internet only when the user typed it and confirmed. One home for
 * both fixes (openPort.ts, firewallFix.ts).
 */
import * as net from 'net';
import { InputError } from './config';
import { parseRange } from './ipMatch';

const UNIVERSAL = new Set(['0.0.0.0/0', '::/0']);

/** What both fixes are asked: one TCP port opened to the caller, in a region. */
export interface CallerRuleRequest {
  region: string;
  port: number;
  protocol: 'TCP';
  /** The caller's address, or 0.0.0.0/0 / ::/0 together with allowAnySource. */
  callerIp: string;
  /** The user typed that the whole Internet may connect. */
  allowAnySource?: boolean;
  /** Family of the address the port was probed on: a caller of the other family is refused
   *  (its rule would never match the connections that fail). */
  family?: 4 | 6;
}

export function callerSourceCidr(req: Pick<CallerRuleRequest, 'callerIp' | 'port' | 'family' | 'allowAnySource'>): string {
  const src = req.callerIp.trim();
  if (UNIVERSAL.has(src)) {
    if (!req.allowAnySource) throw new InputError('callerIp', `${src} would open port ${req.port} to the whole Internet; confirm that explicitly to allow it`);
    return src;
  }
  if (!net.isIP(src)) throw new InputError('callerIp', `"${src}" is not an IP address`);
  const fam = net.isIPv6(src) ? 6 : 4;
  if (req.family !== undefined && fam !== req.family) {
    throw new InputError('callerIp', `${src} is an IPv${fam} address, but port ${req.port} was reached over IPv${req.family}: a rule for it would not let those connections in; give your IPv${req.family} address`);
  }
  return `${src}/${fam === 6 ? 128 : 32}`;
}

/** Two sources name the same addresses: the API may answer 203.0.113.5 for 203.0.113.5/32, or
 *  another spelling of an IPv6 block. Empty and absent are the same (no source of that kind). */
export function sameSource(a: unknown, b: unknown): boolean {
  const x = String(a ?? '').trim();
  const y = String(b ?? '').trim();
  if (!x || !y) return !x && !y;
  const rx = parseRange(x);
  const ry = parseRange(y);
  return rx && ry ? rx.family === ry.family && rx.first === ry.first && rx.last === ry.last : x.toUpperCase() === y.toUpperCase();
}
