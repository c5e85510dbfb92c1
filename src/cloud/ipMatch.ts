/**
 * Address arithmetic for security-group and ACL evaluation: IPv4/IPv6 literals, CIDR blocks
 * and "a-b" ranges (address templates allow all three). Pure: no I/O, BigInt math, so the
 * evaluators stay table-testable without sockets.
 */

import { type Family, type IpValue, parseIp } from '../core/ip';

export { type Family, type IpValue, parseIp };

/** Inclusive address range of one family. */
export interface IpRange { family: Family; first: bigint; last: bigint }

const V4_BITS = 32n;
const V6_BITS = 128n;

/** "10.0.0.0/8", "2001:db8::/32", "1.2.3.4", "1.2.3.4-1.2.3.9"; undefined when malformed. */
export function parseRange(spec: string): IpRange | undefined {
  const t = spec.trim();
  if (!t) return undefined;
  const dash = t.indexOf('-');
  if (dash > 0) {
    const a = parseIp(t.slice(0, dash));
    const b = parseIp(t.slice(dash + 1));
    if (!a || !b || a.family !== b.family || a.value > b.value) return undefined;
    return { family: a.family, first: a.value, last: b.value };
  }
  const slash = t.indexOf('/');
  const ip = parseIp(slash >= 0 ? t.slice(0, slash) : t);
  if (!ip) return undefined;
  const bits = ip.family === 4 ? V4_BITS : V6_BITS;
  let prefix = bits;
  if (slash >= 0) {
    const p = t.slice(slash + 1);
    if (!/^\d{1,3}$/.test(p) || BigInt(p) > bits) return undefined;
    prefix = BigInt(p);
  }
  const hostBits = bits - prefix;
  const mask = (1n << hostBits) - 1n;
  const first = ip.value & ~mask & ((1n << bits) - 1n);
  return { family: ip.family, first, last: first | mask };
}

export function rangeContains(r: IpRange, ip: IpValue): boolean {
  return r.family === ip.family && ip.value >= r.first && ip.value <= r.last;
}

/** true when the range is the whole address space of its family (0.0.0.0/0, ::/0). */
export function isUniversal(r: IpRange): boolean {
  const bits = r.family === 4 ? V4_BITS : V6_BITS;
  return r.first === 0n && r.last === (1n << bits) - 1n;
}

/** The parts of `ranges` outside every range of `cut` (ranges of other families pass untouched). */
export function subtractRanges(ranges: IpRange[], cut: IpRange[]): IpRange[] {
  let cur = ranges;
  for (const c of cut) {
    const next: IpRange[] = [];
    for (const r of cur) {
      if (r.family !== c.family || c.last < r.first || c.first > r.last) { next.push(r); continue; }
      if (r.first < c.first) next.push({ family: r.family, first: r.first, last: c.first - 1n });
      if (r.last > c.last) next.push({ family: r.family, first: c.last + 1n, last: r.last });
    }
    cur = next;
  }
  return cur;
}

function formatIp(family: Family, v: bigint): string {
  if (family === 4) return [24n, 16n, 8n, 0n].map((s) => String((v >> s) & 255n)).join('.');
  const groups = Array.from({ length: 8 }, (_, i) => Number((v >> BigInt(112 - 16 * i)) & 0xffffn));
  // RFC 5952: the longest run (≥ 2) of zero groups becomes "::".
  let best = -1, bestLen = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) { best = i; bestLen = j - i; }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

/** A range as a person writes it: "198.51.100.0/24", "203.0.113.7", else "first-last". */
export function formatRange(r: IpRange): string {
  const bits = r.family === 4 ? V4_BITS : V6_BITS;
  const size = r.last - r.first + 1n;
  const host = (size & (size - 1n)) === 0n ? BigInt(size.toString(2).length - 1) : -1n;
  if (host >= 0n && (r.first & (size - 1n)) === 0n) {
    const prefix = bits - host;
    return prefix === bits ? formatIp(r.family, r.first) : `${formatIp(r.family, r.first)}/${prefix}`;
  }
  return `${formatIp(r.family, r.first)}-${formatIp(r.family, r.last)}`;
}

/** One rule of a first-match list, as the any-source evaluation sees it. */
export interface SourceRule<T> { ranges: IpRange[]; accept: boolean; rule: T }

/**
 * First match wins, for a caller whose address is unknown: the first rule covering the whole
 * address space of `family` decides for everyone else (none: the implicit deny), and the
 * narrower rules before it decide for their own sources. `exceptFor` is the exact set of
 * addresses whose outcome is the opposite of `accept` (a rule hidden by earlier ones counts
 * for nothing), so "denied unless your address is in exceptFor" is true for every caller.
 */
export function anySourceDecision<T>(rules: Iterable<SourceRule<T>>, family: Family): { accept: boolean; rule?: T; exceptFor: IpRange[] } {
  const seen: IpRange[] = [];
  const effective: Array<{ accept: boolean; ranges: IpRange[] }> = [];
  const finish = (accept: boolean, rule?: T) => ({
    accept, ...(rule !== undefined ? { rule } : {}),
    exceptFor: effective.filter((x) => x.accept !== accept).flatMap((x) => x.ranges),
  });
  for (const r of rules) {
    const own = r.ranges.filter((x) => x.family === family);
    if (!own.length) continue;
    if (own.some(isUniversal)) return finish(r.accept, r.rule);
    const rest = subtractRanges(own, seen);
    if (rest.length) effective.push({ accept: r.accept, ranges: rest });
    seen.push(...own);
  }
  return finish(false);
}
