/**
 * RDP stage: an X.224 Connection Request carrying RDP_NEG_REQ ([MS-RDPBCGR] 2.2.1.1), then the
 * Connection Confirm parsed for RDP_NEG_RSP / RDP_NEG_FAILURE (2.2.1.2). The answer is read
 * from a bounded buffer: a TPKT announces its length, and we never wait for more than that.
 *
 * The request offers TLS only, not CredSSP: a server that merely supports Network Level
 * Authentication then selects TLS, and only one that requires it answers with the failure
 * HYBRID_REQUIRED_BY_SERVER (3.3.5.3.1). Offering CredSSP as mstsc does would make both kinds
 * of server select HYBRID, and the requirement could not be told apart from the preference.
 */
import type { RdpResult } from '../core/model';
import type { OpenConnection, ProbeOptions } from '../core/probeContract';
import { guarded, now, since } from './abort';
import { TcpConnection } from './connection';

const PROTOCOL_SSL = 0x1;
/** A Connection Confirm with negotiation is 19 bytes; anything far larger is not one. */
const MAX_TPKT = 512;

export function connectionRequest(): Buffer {
  const requested = PROTOCOL_SSL;
  const negReq = Buffer.from([0x01, 0x00, 0x08, 0x00, 0, 0, 0, 0]);
  negReq.writeUInt32LE(requested, 4);
  // X.224 CR TPDU: LI, CR|CDT=0xE0, DST-REF, SRC-REF, class 0, then the negotiation request.
  const x224 = Buffer.concat([Buffer.from([0x00, 0xe0, 0x00, 0x00, 0x00, 0x00, 0x00]), negReq]);
  x224[0] = x224.length - 1;
  const tpkt = Buffer.from([0x03, 0x00, 0x00, 0x00]);
  tpkt.writeUInt16BE(tpkt.length + x224.length, 2);
  return Buffer.concat([tpkt, x224]);
}

const SELECTED: Record<number, NonNullable<RdpResult['selectedProtocol']>> = {
  0: 'rdp', 1: 'tls', 2: 'hybrid', 4: 'rdstls', 8: 'hybrid-ex',
};
export const NEG_FAILURES: Record<number, string> = {
  1: 'SSL_REQUIRED_BY_SERVER',
  2: 'SSL_NOT_ALLOWED_BY_SERVER',
  3: 'SSL_CERT_NOT_ON_SERVER',
  4: 'INCONSISTENT_FLAGS',
  5: 'HYBRID_REQUIRED_BY_SERVER',
  6: 'SSL_WITH_USER_AUTH_REQUIRED_BY_SERVER',
};

type Parsed = Omit<RdpResult, 'durationMs'> | 'need-more';

/** Parses what arrived so far; 'need-more' while a TPKT is still incomplete. */
export function parseConfirm(buf: Buffer): Parsed {
  const hex = (): string => buf.subarray(0, 32).toString('hex');
  if (buf.length === 0) return 'need-more';
  if (buf[0] !== 0x03) return { outcome: 'not-rdp', firstBytes: hex() };
  if (buf.length < 2) return 'need-more';
  if (buf[1] !== 0x00) return { outcome: 'not-rdp', firstBytes: hex() };
  if (buf.length < 4) return 'need-more';
  const len = buf.readUInt16BE(2);
  if (len < 7 || len > MAX_TPKT) return { outcome: 'not-rdp', firstBytes: hex() };
  if (buf.length < len) return 'need-more';
  const li = buf[4];
  const code = buf[5] & 0xf0;
  if (code !== 0xd0 || li + 5 > len) return { outcome: 'not-rdp', firstBytes: hex() };
  // Variable part after the 6 fixed bytes of the CC header (LI excluded).
  const negOffset = 4 + 1 + 6;
  if (len - negOffset < 8) return { outcome: 'rdp', selectedProtocol: 'rdp' };
  const type = buf[negOffset];
  const value = buf.readUInt32LE(negOffset + 4);
  if (type === 0x02) return { outcome: 'rdp', selectedProtocol: SELECTED[value] ?? 'unknown' };
  if (type === 0x03) return { outcome: 'rdp', failure: NEG_FAILURES[value] ?? `UNKNOWN_FAILURE_${value}` };
  return { outcome: 'rdp', selectedProtocol: 'unknown' };
}

export function probeRdp(conn: OpenConnection, o: ProbeOptions): Promise<RdpResult> {
  if (!(conn instanceof TcpConnection)) throw new TypeError('rdp: not a connection from tcp()');
  const start = now();
  const socket = conn.socket;
  let buf: Buffer = Buffer.alloc(0);
  const onData = (d: Buffer): void => {
    // Bounded: past one maximal TPKT we already know the answer.
    if (buf.length < MAX_TPKT) buf = Buffer.concat([buf, d]).subarray(0, MAX_TPKT + 8);
    examine(false);
  };
  const onEnd = (): void => examine(true);
  const onError = (e: NodeJS.ErrnoException): void => {
    const reset = e.code === 'ECONNRESET' || e.code === 'EPIPE';
    settleRef?.({
      outcome: reset ? 'closed' : 'error', ...(!reset && e.code ? { errorCode: e.code } : {}),
      ...(buf.length ? { firstBytes: buf.subarray(0, 32).toString('hex') } : {}), durationMs: since(start),
    });
  };
  let settleRef: ((r: RdpResult) => void) | undefined;
  function examine(eof: boolean): void {
    const p = parseConfirm(buf);
    if (p !== 'need-more') { settleRef?.({ ...p, durationMs: since(start) }); return; }
    if (eof) {
      settleRef?.(buf.length === 0
        ? { outcome: 'closed', durationMs: since(start) }
        : { outcome: 'not-rdp', firstBytes: buf.subarray(0, 32).toString('hex'), durationMs: since(start) });
    }
  }
  return guarded<RdpResult>(o, {
    onTimeout: () => (buf.length === 0
      ? { outcome: 'timeout', durationMs: since(start) }
      : { outcome: 'not-rdp', firstBytes: buf.subarray(0, 32).toString('hex'), durationMs: since(start) }),
    cleanup: () => {
      socket.removeListener('data', onData);
      socket.removeListener('end', onEnd);
      socket.removeListener('error', onError);
      conn.close();
    },
  }, (settle) => {
    settleRef = settle;
    if (conn.tail.length > 0) buf = conn.tail;
    if (conn.lastError) { onError(conn.lastError); return; }
    if (conn.ended || socket.destroyed) { examine(true); return; }
    socket.on('data', onData);
    socket.once('end', onEnd);
    socket.on('error', onError);
    socket.write(connectionRequest());
    socket.resume();
  });
}
