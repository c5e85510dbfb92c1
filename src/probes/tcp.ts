/**
 * One TCP connect: SYN-ACK, RST, ICMP errors or silence, told apart by the errno Node reports.
 * On success the socket is handed over paused, so no byte of the server's greeting is lost.
 * When a raw socket is available (icmpErrors.ts), an ICMP error behind the errno is kept with
 * its sender: a reject rule on the target itself, or a router.
 */
import * as net from 'node:net';
import type { TcpOutcome, TcpResult } from '../core/model';
import type { ProbeOptions } from '../core/probeContract';
import { deadlineOf } from '../core/cancel';
import { guarded, now, since } from './abort';
import { TcpConnection } from './connection';
import { watchIcmpErrors } from './icmpErrors';

const UNREACHABLE = new Set(['EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ENETDOWN']);
/** The raw socket's copy of the ICMP error and the TCP socket's error are separate events:
 *  after an unreachable, the copy is waited for this long at most. */
const ICMP_COPY_GRACE_MS = 30;

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
  let watch: ReturnType<typeof watchIcmpErrors>;
  let grace: NodeJS.Timeout | undefined;
  const base = { address, port, deadlineMs: o.timeoutMs };
  return guarded<{ result: TcpResult; connection?: TcpConnection }>(o, {
    onTimeout: () => ({ result: { ...base, outcome: 'timeout', durationMs: since(start) } }),
    onDeadline: (d) => ({
      result: { ...base, outcome: 'timeout', deadlineMs: d.deadlineMs, deadlineReason: d.reason, durationMs: since(start) },
    }),
    cleanup: () => {
      clearTimeout(grace);
      watch?.stop();
      if (!handedOver) socket?.destroy();
    },
  }, (settle) => {
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      settle({ result: { ...base, outcome: 'error', errorCode: 'EINVALIDPORT', durationMs: since(start) } });
      return;
    }
    watch = watchIcmpErrors(address, port);
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
      const durationMs = since(start);
      const outcome = tcpOutcomeOf(e.code);
      const done = (): void => {
        const icmp = watch?.last();
        o.log?.(`tcp: ${address}:${port} ${e.code ?? e.message}${icmp ? ` (ICMP type ${icmp.type} code ${icmp.code} from ${icmp.from})` : ''}`);
        settle({ result: { ...base, outcome, errorCode: e.code ?? 'EUNKNOWN', durationMs, ...(icmp ? { icmp } : {}) } });
      };
      if (outcome === 'unreachable' && watch && !watch.last()) {
        watch.onNext(done);
        grace = setTimeout(done, ICMP_COPY_GRACE_MS);
      } else {
        done();
      }
    }
    s.on('error', onError);
  });
}
