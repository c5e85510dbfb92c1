/**
 * Reads the server's SSH_MSG_KEXINIT (RFC 4253 §7.1) from the bytes it sends: the
 * identification line (and any preamble lines before it), then the first binary packet,
 * which is never encrypted. Its name-lists say what the server offers, whatever the client's
 * library makes of them. Input is hostile: sizes are bounded, names are checked.
 */
import type { ServerAlgorithms } from '../core/model';
import { isProtocolMarker } from '../core/algorithms';

const SSH_MSG_KEXINIT = 20;
/** RFC 4253 §6.1: implementations must accept packets of 35000 bytes. */
const MAX_PACKET = 35000;
/** Lines before and including the identification (RFC 4253 §4.2 caps a line at 255). */
const MAX_PREAMBLE = 8192;
const MAX_NAMES = 128;
const MAX_NAME = 64;

export interface ServerKexinit extends ServerAlgorithms {
  cipherSC: string[];
  macSC: string[];
  compression: string[];
}

export type KexinitScan =
  | { status: 'need-more' }
  | { status: 'ok'; kexinit: ServerKexinit; /** offset just past the packet */ end: number }
  | { status: 'invalid'; reason: string };

/** Parses a KEXINIT payload (message number first). */
export function parseKexinitPayload(payload: Buffer): ServerKexinit | string {
  if (payload.length < 1 + 16 || payload[0] !== SSH_MSG_KEXINIT) return `not a KEXINIT (message ${payload[0] ?? '?'})`;
  let pos = 17; // message number + 16-byte cookie
  const lists: string[][] = [];
  for (let i = 0; i < 10; i++) {
    if (pos + 4 > payload.length) return 'truncated name-list';
    const n = payload.readUInt32BE(pos);
    pos += 4;
    if (n > payload.length - pos) return 'name-list longer than the packet';
    const text = payload.subarray(pos, pos + n).toString('latin1');
    pos += n;
    if (text.length > 0 && !/^[\x21-\x7e]+$/.test(text)) return 'name-list with non-printable characters';
    const names = text.length === 0 ? [] : text.split(',');
    if (names.length > MAX_NAMES || names.some((a) => a.length === 0 || a.length > MAX_NAME)) return 'malformed name-list';
    lists.push(names);
  }
  const [kex, serverHostKey, cipher, cipherSC, mac, macSC, compression] = lists;
  return { kex: kex.filter((a) => !isProtocolMarker(a)), serverHostKey, cipher, cipherSC, mac, macSC, compression };
}

/** Finds the server's KEXINIT in the bytes received so far (from the connection's first byte). */
export function scanServerKexinit(stream: Buffer): KexinitScan {
  // Identification: lines until one starting with "SSH-".
  let pos = 0;
  for (;;) {
    const nl = stream.indexOf(0x0a, pos);
    if (nl < 0) return stream.length > MAX_PREAMBLE ? { status: 'invalid', reason: 'no identification line' } : { status: 'need-more' };
    const isIdent = stream.subarray(pos, Math.min(nl, pos + 4)).toString('latin1') === 'SSH-';
    pos = nl + 1;
    if (isIdent) break;
    if (pos > MAX_PREAMBLE) return { status: 'invalid', reason: 'no identification line' };
  }
  if (stream.length < pos + 5) return { status: 'need-more' };
  const len = stream.readUInt32BE(pos);
  const pad = stream[pos + 4];
  if (len < 12 || len > MAX_PACKET || pad >= len) return { status: 'invalid', reason: `bad packet length ${len}` };
  if (stream.length < pos + 4 + len) return { status: 'need-more' };
  const payload = stream.subarray(pos + 5, pos + 4 + len - pad);
  const k = parseKexinitPayload(payload);
  if (typeof k === 'string') return { status: 'invalid', reason: k };
  return { status: 'ok', kexinit: k, end: pos + 4 + len };
}

/**
 * Watches a connection's incoming bytes (a 'data' listener beside the SSH client's own):
 * keeps them until the KEXINIT is parsed, then only counts what follows, which tells a
 * server that stalls before its KEXINIT from one that stalls after it.
 */
export class KexinitTap {
  private buf: Buffer = Buffer.alloc(0);
  kexinit?: ServerKexinit;
  invalid?: string;
  /** Bytes the server sent after its KEXINIT packet. */
  bytesAfter = 0;

  readonly onData = (chunk: Buffer): void => {
    if (this.kexinit || this.invalid) {
      this.bytesAfter += chunk.length;
      return;
    }
    this.buf = Buffer.concat([this.buf, chunk]);
    const r = scanServerKexinit(this.buf);
    if (r.status === 'ok') {
      this.kexinit = r.kexinit;
      this.bytesAfter = this.buf.length - r.end;
      this.buf = Buffer.alloc(0);
    } else if (r.status === 'invalid') {
      this.invalid = r.reason;
      this.buf = Buffer.alloc(0);
    } else if (this.buf.length > MAX_PREAMBLE + MAX_PACKET + 4) {
      this.invalid = 'too much data before the KEXINIT';
      this.buf = Buffer.alloc(0);
    }
  };
}
