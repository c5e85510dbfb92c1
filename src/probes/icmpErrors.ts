/**
 * ICMP errors about our own SYNs (and IPv6 echo requests), read from a raw ICMP socket. The
 * kernel turns them into EHOSTUNREACH/ECONNREFUSED for the TCP socket without saying who sent
 * them, and that is what tells a live host's reject rule (sent by the target's own address)
 * from a router's report.
 *
 * One raw socket per address family is shared by every watch and closed with the last one:
 * it sees every ICMP packet of the machine, and only destination-unreachable messages that
 * quote a TCP segment (or an echo request) to a watched address are kept. Needs the raw-socket addon and
 * CAP_NET_RAW (root): without them `watchIcmpErrors` returns undefined and nothing is known.
 * CVM_DOCTOR_ICMP=system|off (see icmp.ts) keeps raw sockets out entirely.
 */
import * as net from 'node:net';
import { icmpErrorKind } from '../core/icmp';
import type { TcpIcmpError } from '../core/model';
import { canonicalIp } from './dns';

interface RawSocket {
  on(event: 'message', cb: (buf: Buffer, source: string) => void): unknown;
  on(event: 'error' | 'close', cb: (e?: Error) => void): unknown;
  close(): unknown;
}
interface RawSocketModule {
  createSocket(o: { protocol: number; addressFamily: number }): RawSocket;
  Protocol: { ICMP: number; ICMPv6: number };
  AddressFamily: { IPv4: number; IPv6: number };
}

let rawCache: { mod?: RawSocketModule; error?: string } | undefined;
function loadRaw(): RawSocketModule | undefined {
  if (!rawCache) {
    try {
      rawCache = { mod: require('raw-socket') as RawSocketModule };
    } catch (e) {
      rawCache = { error: e instanceof Error ? e.message : String(e) };
    }
  }
  return rawCache.mod;
}

/** What the error quotes: a TCP segment to a port, or an echo request with an identifier. */
export type Quoted = { proto: 'tcp'; port: number } | { proto: 'echo'; id: number };
const keyOf = (q: Quoted) => (q.proto === 'tcp' ? `tcp:${q.port}` : `echo:${q.id}`);

interface Watch { address: string; key: string; seen: (e: TcpIcmpError) => void }
interface Listener { socket: RawSocket; watches: Set<Watch> }
const listeners = new Map<4 | 6, Listener>();

/**
 * A destination unreachable about a TCP segment or an echo request we sent. IPv4 raw sockets
 * hand over the IP header too; ICMPv6 ones start at the ICMPv6 header. Exported for tests.
 */
export function parseIcmpError(family: 4 | 6, buf: Buffer): { type: number; code: number; dst: string; quoted: Quoted } | undefined {
  let off = 0;
  if (family === 4) {
    if (buf.length < 20 || buf[0]! >> 4 !== 4) return undefined;
    off = (buf[0]! & 0x0f) * 4;
  }
  if (buf.length < off + 8) return undefined;
  const type = buf[off]!;
  const code = buf[off + 1]!;
  const inner = off + 8;
  let dst: string;
  let payload: number;
  let proto: number;
  if (family === 4) {
    if (type !== 3 || buf.length < inner + 20 || buf[inner]! >> 4 !== 4) return undefined;
    const ihl = (buf[inner]! & 0x0f) * 4;
    proto = buf[inner + 9]!;
    dst = Array.from(buf.subarray(inner + 16, inner + 20)).join('.');
    payload = inner + ihl;
  } else {
    if (type !== 1 || buf.length < inner + 40 || buf[inner]! >> 4 !== 6) return undefined;
    const groups: string[] = [];
    for (let i = 0; i < 8; i++) groups.push(buf.readUInt16BE(inner + 24 + 2 * i).toString(16));
    proto = buf[inner + 6]!; // next header: no extension headers in what we send
    dst = canonicalIp(groups.join(':'));
    payload = inner + 40;
  }
  if (proto === 6) return buf.length >= payload + 4 ? { type, code, dst, quoted: { proto: 'tcp', port: buf.readUInt16BE(payload + 2) } } : undefined;
  const echoRequest = family === 4 ? proto === 1 && buf[payload] === 8 : proto === 58 && buf[payload] === 128;
  if (echoRequest && buf.length >= payload + 8) return { type, code, dst, quoted: { proto: 'echo', id: buf.readUInt16BE(payload + 4) } };
  return undefined;
}

function listenerFor(family: 4 | 6): Listener | undefined {
  const existing = listeners.get(family);
  if (existing) return existing;
  const raw = loadRaw();
  if (!raw) return undefined;
  let socket: RawSocket;
  try {
    socket = raw.createSocket({
      protocol: family === 6 ? raw.Protocol.ICMPv6 : raw.Protocol.ICMP,
      addressFamily: family === 6 ? raw.AddressFamily.IPv6 : raw.AddressFamily.IPv4,
    });
  } catch {
    return undefined; // no CAP_NET_RAW
  }
  const l: Listener = { socket, watches: new Set() };
  socket.on('message', (buf, source) => {
    const p = parseIcmpError(family, buf);
    if (!p) return;
    const key = keyOf(p.quoted);
    for (const w of l.watches) {
      if (w.address === p.dst && w.key === key) {
        w.seen({ from: canonicalIp(source), type: p.type, code: p.code, kind: icmpErrorKind(family, p.type, p.code) });
      }
    }
  });
  // A raw socket error ends the capture; the watches simply learn nothing more.
  socket.on('error', () => close(family, l));
  socket.on('close', () => { if (listeners.get(family) === l) listeners.delete(family); });
  listeners.set(family, l);
  return l;
}

function close(family: 4 | 6, l: Listener): void {
  if (listeners.get(family) === l) listeners.delete(family);
  try { l.socket.close(); } catch { /* already closed */ }
}

function rawAllowed(): boolean {
  const v = (process.env.CVM_DOCTOR_ICMP ?? '').toLowerCase();
  return v !== 'system' && v !== 'off';
}

export interface IcmpWatch {
  /** The latest ICMP error seen about a SYN to the address and port. */
  last(): TcpIcmpError | undefined;
  /** Call `cb` once, at the next error seen. */
  onNext(cb: () => void): void;
  /** Idempotent; the raw socket closes with the last watch. */
  stop(): void;
}

/** Watch for ICMP errors about SYNs to address:port; undefined when no raw socket is available. */
export function watchIcmpErrors(address: string, port: number): IcmpWatch | undefined {
  return watch(address, { proto: 'tcp', port });
}

/** Watch for ICMP errors about echo requests with this identifier (net-ping matches them for
 *  IPv4 only: an ICMPv6 error quotes the whole request, which it does not parse). */
export function watchEchoErrors(address: string, id: number): IcmpWatch | undefined {
  return watch(address, { proto: 'echo', id });
}

function watch(address: string, quoted: Quoted): IcmpWatch | undefined {
  const family = net.isIP(address);
  if ((family !== 4 && family !== 6) || !rawAllowed()) return undefined;
  const l = listenerFor(family);
  if (!l) return undefined;
  let last: TcpIcmpError | undefined;
  let next: (() => void) | undefined;
  const w: Watch = {
    address: canonicalIp(address), key: keyOf(quoted),
    seen: (e) => {
      last = e;
      const cb = next;
      next = undefined;
      cb?.();
    },
  };
  l.watches.add(w);
  let stopped = false;
  return {
    last: () => last,
    onNext: (cb) => { next = cb; },
    stop: () => {
      if (stopped) return;
      stopped = true;
      l.watches.delete(w);
      if (l.watches.size === 0) close(family, l);
    },
  };
}
