/**
 * What an ICMP error's type/code means (RFC 792, 1812, 4443) and what the report calls it. Pure:
 * shared by the probes that read ICMP errors and the texts that quote them.
 *
 * "Administratively prohibited" (ICMPv4 codes 9, 10, 13; ICMPv6 codes 1, 5, 6) is a firewall's
 * reject, not a missing route. A host never reports *itself* unreachable, so an unreachable
 * sent by the target's own address is a reject rule too: the classifier compares the sender.
 */
import { msg } from './messages';
import type { Lang, TcpIcmpError } from './model';

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

/** The ICMP messages the report names, by kind: destination-unreachable codes and the other
 *  error types an echo can get back. Their English and Korean names are in messages.ts. */
export type IcmpNameKind =
  | 'net-unreachable' | 'host-unreachable' | 'protocol-unreachable' | 'port-unreachable' | 'net-prohibited' | 'host-prohibited'
  | 'communication-prohibited' | 'no-route' | 'admin-prohibited' | 'address-unreachable' | 'source-policy' | 'reject-route'
  | 'destination-unreachable' | 'source-quench' | 'redirect' | 'time-exceeded' | 'parameter-problem' | 'packet-too-big';

const V4_UNREACH: Record<number, IcmpNameKind> = {
  0: 'net-unreachable', 1: 'host-unreachable', 2: 'protocol-unreachable', 3: 'port-unreachable',
  9: 'net-prohibited', 10: 'host-prohibited', 13: 'communication-prohibited',
};
const V6_UNREACH: Record<number, IcmpNameKind> = {
  0: 'no-route', 1: 'admin-prohibited', 3: 'address-unreachable', 4: 'port-unreachable',
  5: 'source-policy', 6: 'reject-route',
};
const V4_TYPES: Record<number, IcmpNameKind> = { 4: 'source-quench', 5: 'redirect', 11: 'time-exceeded', 12: 'parameter-problem' };
const V6_TYPES: Record<number, IcmpNameKind> = { 2: 'packet-too-big', 3: 'time-exceeded', 4: 'parameter-problem' };

/** The name of an ICMP error by kind; undefined for a code or type it has no name for. A
 *  destination unreachable whose code is unknown is just that. */
export function icmpNameKind(family: 4 | 6, type: number, code: number | undefined): IcmpNameKind | undefined {
  const unreach = family === 4 ? V4_DEST_UNREACH : V6_DEST_UNREACH;
  if (type === unreach) return code === undefined ? 'destination-unreachable' : (family === 4 ? V4_UNREACH : V6_UNREACH)[code];
  return (family === 4 ? V4_TYPES : V6_TYPES)[type];
}

/** "host prohibited", "ICMPv6 유형 2 코드 0": the protocol's terms in the report's language. */
export function icmpErrorText(family: 4 | 6, type: number, code: number | undefined, lang: Lang): string {
  const kind = icmpNameKind(family, type, code);
  if (kind) return msg(lang, `icmpName.${kind}`);
  const proto = family === 6 ? 'ICMPv6' : 'ICMP';
  return code === undefined ? msg(lang, 'icmpName.typeOnly', { proto, type }) : msg(lang, 'icmpName.other', { proto, type, code });
}

/** The English name, for logs and evidence: "host prohibited", "ICMPv6 type 2 code 0". */
export function icmpErrorName(family: 4 | 6, type: number, code: number): string {
  return icmpErrorText(family, type, code, 'en');
}
