/**
 * Address arithmetic for security-group and ACL evaluation: IPv4/IPv6 literals, CIDR blocks
 * and "a-b" ranges (address templates allow all three). Pure: no I/O, BigInt math, so the
 * evaluators stay table-testable without sockets.
 */

export type Family = 4 | 6;

export interface IpValue { family: Family; value: bigint }

/** Inclusive address range of one family. */
export interface IpRange { family: Family; first: bigint; last: bigint }

const V4_BITS = 32n;
const V6_BITS = 128n;

function parseV4(s: string): bigint | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  let v = 0n;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    v = (v << 8n) | BigInt(n);
  }
  return v;
}

function parseV6(s: string): bigint | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(s)) return undefined;
  let text = s;
  // An embedded IPv4 tail (::ffff:1.2.3.4) becomes two hextets.
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.')) {
    const v4 = parseV4(text.slice(lastColon + 1));
    if (v4 === undefined) return undefined;
    text = `${text.slice(0, lastColon + 1)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  let v = 0n;
  for (const g of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    v = (v << 16n) | BigInt(parseInt(g, 16));
  }
  return v;
}

export function parseIp(s: string): IpValue | undefined {
  const t = s.trim();
  const v4 = parseV4(t);
  if (v4 !== undefined) return { family: 4, value: v4 };
  const v6 = t.includes(':') ? parseV6(t) : undefined;
  return v6 === undefined ? undefined : { family: 6, value: v6 };
}

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
