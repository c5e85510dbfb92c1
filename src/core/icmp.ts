/**
 * What an ICMP destination-unreachable type/code means (RFC 792, 1812, 4443). Pure: shared by
 * the probes that read ICMP errors and the texts that quote them.
 *
 * "Administratively prohibited" (ICMPv4 codes 9, 10, 13; ICMPv6 codes 1, 5, 6) is a firewall's
 * reject, not a missing route. A host never reports *itself* unreachable, so an unreachable
 * sent by the target's own address is a reject rule too: the classifier compares the sender.
 */
import type { TcpIcmpError } from './model';

export type IcmpErrorKind = TcpIcmpError['kind'];

const V4_DEST_UNREACH = 3;
const V6_DEST_UNREACH = 1;
const V4_PROHIBITED = new Set([9, 10, 13]);
const V6_PROHIBITED = new Set([1, 5, 6]);

export function icmpErrorKind(family: 4 | 6, type: number, code: number): IcmpErrorKind {
  if (family === 4) {
    if (type !== V4_DEST_UNREACH) return 'other';
    if (V4_PROHIBITED.has(code)) return 'prohibited';
    return code === 3 ? 'port-unreachable' : 'unreachable';
  }
  if (type !== V6_DEST_UNREACH) return 'other';
  if (V6_PROHIBITED.has(code)) return 'prohibited';
  return code === 4 ? 'port-unreachable' : 'unreachable';
}

const V4_NAMES: Record<number, string> = {
  0: 'network unreachable', 1: 'host unreachable', 2: 'protocol unreachable', 3: 'port unreachable',
  9: 'network prohibited', 10: 'host prohibited', 13: 'communication administratively prohibited',
};
const V6_NAMES: Record<number, string> = {
  0: 'no route', 1: 'administratively prohibited', 3: 'address unreachable', 4: 'port unreachable',
  5: 'source address failed policy', 6: 'reject route',
};

/** "host prohibited", "ICMPv6 type 2 code 0": the protocol's own terms (not translated). */
export function icmpErrorName(family: 4 | 6, type: number, code: number): string {
  const names = family === 4 ? V4_NAMES : V6_NAMES;
  const unreach = family === 4 ? V4_DEST_UNREACH : V6_DEST_UNREACH;
  const name = type === unreach ? names[code] : undefined;
  return name ?? `${family === 6 ? 'ICMPv6' : 'ICMP'} type ${type} code ${code}`;
}
