/**
 * One TCP connect: SYN-ACK, RST, ICMP errors or silence, told apart by the errno Node reports.
 * On success the socket is handed over paused, so no byte of the server's greeting is lost.
 */
import * as net from 'node:net';
import type { TcpOutcome, TcpResult } from '../core/model';
import type { ProbeOptions } from '../core/probes';
import { deadlineOf, guarded, now, since } from './abort';
import { TcpConnection } from './connection';

const UNREACHABLE = new Set(['EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ENETDOWN']);

export function tcpOutcomeOf(code: string | undefined): TcpOutcome {
  if (code === 'ECONNREFUSED') return 'refused';
  if (code && UNREACHABLE.has(code)) return 'unreachable';
  if (code === 'ETIMEDOUT') return 'timeout';
  return 'error';
}

export function probeTcp(
  address: string, port: number, o: ProbeOptions,
): Promise<{ result: TcpResult; connection?: TcpConnection }> {
  const start = now();
  let socket: net.Socket | undefined;
  let handedOver = false;
  const base = { address, port, deadlineMs: o.timeoutMs };
  return guarded<{ result: TcpResult; connection?: TcpConnection }>(o, {
    onTimeout: () => ({ result: { ...base, outcome: 'timeout', durationMs: since(start) } }),
    onDeadline: (d) => ({
      result: { ...base, outcome: 'timeout', deadlineMs: d.deadlineMs, deadlineReason: d.reason, durationMs: since(start) },
    }),
    cleanup: () => { if (!handedOver) socket?.destroy(); },
  }, (settle) => {
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      settle({ result: { ...base, outcome: 'error', errorCode: 'EINVALIDPORT', durationMs: since(start) } });
      return;
    }
    const s = net.connect({ host: address, port });
    socket = s;
    s.pause();
    s.once('connect', () => {
      s.removeListener('error', onError);
      s.setNoDelay(true);
      const connection = new TcpConnection(s, address, port);
      handedOver = true;
      o.log?.(`tcp: ${address}:${port} connected in ${since(start)} ms`);
      // A DeadlineReached that already fired would have settled; report the deadline anyway
      // if the signal carries one, so the evidence says which budget applied.
      const d = deadlineOf(o.signal);
      settle({
        result: { ...base, outcome: 'connected', durationMs: since(start), ...(d ? { deadlineMs: d.deadlineMs, deadlineReason: d.reason } : {}) },
        connection,
      });
    });
    function onError(e: NodeJS.ErrnoException): void {
      o.log?.(`tcp: ${address}:${port} ${e.code ?? e.message}`);
      settle({ result: { ...base, outcome: tcpOutcomeOf(e.code), errorCode: e.code ?? 'EUNKNOWN', durationMs: since(start) } });
    }
    s.on('error', onError);
  });
}
