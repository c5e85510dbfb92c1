/**
 * Reads the server's identification line (RFC 4253 §4.2) without consuming it: every byte
 * read is given back to the socket, so the SSH stage starts from the first byte. Input is
 * hostile: lines are capped at 255 characters, the number of lines and the bytes kept are
 * bounded, and a server that never sends a newline cannot make us buffer more than MAX_BYTES.
 */
import type { BannerResult } from '../core/model';
import type { OpenConnection, ProbeOptions } from '../core/probeContract';
import { guarded, now, since } from './abort';
import { TcpConnection } from './connection';

const MAX_LINE = 255;
const MAX_LINES = 20;
const MAX_BYTES = 8192;
/** After a non-SSH line, how long more lines (a preamble) may take before we call it 'other'. */
const PREAMBLE_GRACE_MS = 300;

/** Greetings of other protocols: decided at once instead of waiting for more lines. */
const OTHER_PROTOCOLS = [/^HTTP\/\d/, /^220[ -]/, /^\+OK/, /^\* OK/, /^RFB \d/, /^-ERR/, /^<\?xml/, /^[45]\d\d /];

export interface ParsedIdent { protoVersion: string; softwareVersion: string }

/** "SSH-2.0-OpenSSH_9.2p1 Debian-2" → protoversion "2.0", softwareversion "OpenSSH_9.2p1". */
export function parseIdent(line: string): ParsedIdent | undefined {
  const m = /^SSH-([^-\s]+)-([^\s]*)/.exec(line);
  if (!m) return undefined;
  return { protoVersion: m[1], softwareVersion: m[2] };
}

/** Printable form of bytes that are not a text line (binary answers). */
export function printable(buf: Buffer, max = 64): string {
  let out = '';
  for (const b of buf.subarray(0, max)) {
    out += b >= 0x20 && b < 0x7f && b !== 0x5c ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`;
  }
  return out;
}

function looksBinary(buf: Buffer): boolean {
  const n = Math.min(buf.length, 64);
  let bad = 0;
  for (let i = 0; i < n; i++) {
    const b = buf[i];
    if (b === 0x09 || b === 0x0a || b === 0x0d) continue;
    if (b < 0x20 || b === 0x7f) bad++;
  }
  return bad > 0;
}

function truncate(line: string): string {
  return line.length > MAX_LINE ? line.slice(0, MAX_LINE) : line;
}

export function probeBanner(conn: OpenConnection, o: ProbeOptions): Promise<BannerResult> {
  if (!(conn instanceof TcpConnection)) throw new TypeError('banner: not a connection from tcp()');
  const start = now();
  const socket = conn.socket;
  const chunks: Buffer[] = [];
  let size = 0;
  let graceTimer: NodeJS.Timeout | undefined;
  const lines: string[] = [];

  const onData = (d: Buffer): void => { chunks.push(d); size += d.length; examine(false); };
  const onEnd = (): void => examine(true);
  const onError = (e: NodeJS.ErrnoException): void => {
    const reset = e.code === 'ECONNRESET' || e.code === 'EPIPE';
    finish({ outcome: reset ? 'closed' : 'error', errorCode: e.code ?? 'EUNKNOWN', ...partial() });
  };
  let settleRef: ((r: BannerResult) => void) | undefined;
  const finish = (r: Omit<BannerResult, 'durationMs'>): void => settleRef?.({ ...r, durationMs: since(start) });

  /** What was seen so far, for results that end without an SSH line. */
  function partial(): Partial<BannerResult> {
    const all = Buffer.concat(chunks);
    if (all.length === 0) return {};
    const first = lines.length > 0 ? lines[0] : undefined;
    return { line: first ?? (looksBinary(all) ? printable(all) : truncate(all.toString('latin1'))) };
  }

  /** Another protocol answered: its first line, or the first bytes when it is binary. */
  function other(): void {
    const all = Buffer.concat(chunks);
    if (lines.length === 0) {
      finish({ outcome: 'other', line: looksBinary(all) ? printable(all) : truncate(all.toString('latin1')) });
      return;
    }
    finish({ outcome: 'other', line: lines[0] });
  }

  function examine(eof: boolean): void {
    const all = Buffer.concat(chunks);
    // Split complete lines; the cap applies to what we keep and to what we wait for.
    lines.length = 0;
    let pos = 0;
    let sshLine: string | undefined;
    while (lines.length < MAX_LINES) {
      const nl = all.indexOf(0x0a, pos);
      if (nl < 0) break;
      const line = all.subarray(pos, nl).toString('latin1').replace(/\r$/, '');
      pos = nl + 1;
      lines.push(truncate(line));
      if (line.startsWith('SSH-')) {
        sshLine = line;
        break;
      }
    }
    if (sshLine !== undefined) {
      const preamble = lines.slice(0, -1);
      if (sshLine.length > MAX_LINE) {
        finish({ outcome: 'other', line: truncate(sshLine), errorCode: 'ELINETOOLONG', ...(preamble.length ? { preamble } : {}) });
        return;
      }
      const ident = parseIdent(sshLine);
      finish({
        outcome: 'ssh', line: sshLine, ...(preamble.length ? { preamble } : {}),
        ...(ident ? { protoVersion: ident.protoVersion, softwareVersion: ident.softwareVersion } : {}),
      });
      return;
    }
    const rest = all.subarray(pos);
    if (lines.length === 0 && looksBinary(rest)) { other(); return; }
    if (lines.length > 0 && OTHER_PROTOCOLS.some((re) => re.test(lines[0]))) { other(); return; }
    if (rest.length > MAX_LINE || lines.length >= MAX_LINES || size > MAX_BYTES) {
      finish({ outcome: 'other', line: lines[0] ?? truncate(rest.toString('latin1')), errorCode: 'ELINETOOLONG' });
      return;
    }
    if (eof) {
      // A text line and then FIN is a refusal such as sshd's "Exceeded MaxStartups": the
      // server closed on us; its parting words are kept as the line.
      finish({ outcome: 'closed', ...partial() });
      return;
    }
    if (lines.length > 0 && !graceTimer) {
      // A non-SSH line: either a preamble (more lines follow quickly) or another protocol.
      graceTimer = setTimeout(other, PREAMBLE_GRACE_MS);
    }
  }

  return guarded<BannerResult>(o, {
    // Silence is 'timeout'; lines that never led to SSH- are another protocol.
    onTimeout: () => (lines.length > 0
      ? { outcome: 'other', line: lines[0], durationMs: since(start) }
      : { outcome: 'timeout', ...partial(), durationMs: since(start) }),
    cleanup: () => {
      if (graceTimer) clearTimeout(graceTimer);
      socket.removeListener('data', onData);
      socket.removeListener('end', onEnd);
      socket.removeListener('error', onError);
      conn.giveBack(chunks);
    },
  }, (settle) => {
    settleRef = settle;
    if (conn.lastError) { onError(conn.lastError); return; }
    if (conn.ended || socket.destroyed) {
      if (conn.tail.length > 0) { chunks.push(conn.tail); conn.tail = Buffer.alloc(0); size = chunks[0].length; examine(true); }
      else finish({ outcome: 'closed' });
      return;
    }
    socket.on('data', onData);
    socket.once('end', onEnd);
    socket.on('error', onError);
    socket.resume();
  });
}
