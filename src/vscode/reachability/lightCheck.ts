/**
 * The light reachability check behind the tree icons and the status bar: one TCP connect and,
 * for SSH, one identification-line read, then close. Much cheaper than a diagnosis (no DNS
 * report, no ICMP, no key exchange). Bounded by `timeoutMs`, honours `signal`, never leaves a
 * socket behind. No `vscode` import.
 */
import * as net from 'net';

export type ReachState = 'unknown' | 'checking' | 'reachable' | 'degraded' | 'unreachable';

export interface LightTarget {
  host: string;
  port: number;
  protocol: 'ssh' | 'rdp';
}

export interface LightResult {
  state: Exclude<ReachState, 'unknown' | 'checking'>;
  /** TCP connect time, when it connected. */
  latencyMs?: number;
  /** Short machine-ish detail: "ECONNREFUSED", "timeout", "banner timeout", "SSH-2.0-…". */
  detail: string;
}

export type LightCheck = (t: LightTarget, timeoutMs: number, signal: AbortSignal) => Promise<LightResult>;

export const lightCheck: LightCheck = (t, timeoutMs, signal) =>
  new Promise<LightResult>((resolve) => {
    const started = performance.now();
    let latencyMs: number | undefined;
    let buf = '';
    let done = false;
    const socket = net.connect({ host: t.host, port: t.port });
    const finish = (r: LightResult) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      socket.destroy();
      resolve(r);
    };
    const onAbort = () => finish({ state: 'unreachable', detail: 'cancelled', latencyMs });
    const timer = setTimeout(() => {
      if (latencyMs === undefined) finish({ state: 'unreachable', detail: 'timeout' });
      else finish({ state: 'degraded', latencyMs, detail: 'banner timeout' });
    }, timeoutMs);
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    socket.setNoDelay(true);
    socket.on('connect', () => {
      latencyMs = Math.round((performance.now() - started) * 10) / 10;
      // RDP servers speak only after the client: a completed connect is the signal.
      if (t.protocol === 'rdp') finish({ state: 'reachable', latencyMs, detail: 'connected' });
    });
    socket.on('data', (d: Buffer) => {
      buf += d.toString('latin1');
      if (buf.length > 1024 || buf.includes('\n')) {
        const line = buf.split(/\r?\n/)[0].slice(0, 120);
        finish(line.startsWith('SSH-')
          ? { state: 'reachable', latencyMs, detail: line }
          : { state: 'degraded', latencyMs, detail: 'not SSH' });
      }
    });
    socket.on('error', (e: NodeJS.ErrnoException) => finish(latencyMs === undefined
      ? { state: 'unreachable', detail: e.code ?? e.message }
      : { state: 'degraded', latencyMs, detail: e.code ?? e.message }));
    socket.on('close', () => finish(latencyMs === undefined
      ? { state: 'unreachable', detail: 'closed' }
      : { state: 'degraded', latencyMs, detail: 'closed before banner' }));
  });
