/**
 * Protocol and port matching shared by the security-group, network-ACL and Lighthouse firewall
 * evaluators. The API
 * writes ports as "22", "22,3389", "8000-9000", "ALL" (or empty = all); service templates write
 * "tcp:22", "udp:8000-9000", "icmp", "ALL". Pure.
 */

export type TrafficProtocol = 'TCP' | 'UDP' | 'ICMP' | 'ICMPv6';

/** Inclusive port ranges, or 'all'. undefined when the spec is malformed. */
export type PortSet = 'all' | Array<[number, number]>;

export function parsePortSpec(spec: string | undefined): PortSet | undefined {
  const t = (spec ?? '').trim();
  if (t === '' || t.toUpperCase() === 'ALL') return 'all';
  const out: Array<[number, number]> = [];
  for (const part of t.split(',')) {
    const m = /^\s*(\d{1,5})\s*(?:-\s*(\d{1,5})\s*)?$/.exec(part);
    if (!m) return undefined;
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    if (lo > hi || hi > 65535) return undefined;
    out.push([lo, hi]);
  }
  return out;
}

export function portSetHas(set: PortSet, port: number): boolean {
  return set === 'all' || set.some(([lo, hi]) => port >= lo && port <= hi);
}

/** Rule protocol "ALL"/empty matches anything; otherwise the names must agree. */
export function protocolMatches(ruleProtocol: string | undefined, traffic: TrafficProtocol): boolean {
  const p = (ruleProtocol ?? '').trim().toUpperCase();
  return p === '' || p === 'ALL' || p === traffic.toUpperCase();
}

/** Whether rule protocol + port spec accept `traffic` to `port` (ICMP has no port). */
export function serviceMatches(ruleProtocol: string | undefined, ports: string | undefined,
  traffic: TrafficProtocol, port: number | undefined): boolean | undefined {
  if (!protocolMatches(ruleProtocol, traffic)) return false;
  if (traffic === 'ICMP' || traffic === 'ICMPv6' || port === undefined) return true;
  const set = parsePortSpec(ports);
  return set === undefined ? undefined : portSetHas(set, port);
}

/** One service-template entry: "tcp:22,80", "udp:8000-9000", "icmp", "ALL", "tcp:ALL". */
export function serviceEntryMatches(entry: string, traffic: TrafficProtocol, port: number | undefined): boolean | undefined {
  const t = entry.trim();
  const colon = t.indexOf(':');
  const proto = colon >= 0 ? t.slice(0, colon) : t;
  const ports = colon >= 0 ? t.slice(colon + 1) : 'ALL';
  return serviceMatches(proto, ports, traffic, port);
}
