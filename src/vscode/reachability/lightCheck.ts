/**
 * The light reachability check behind the tree icons and the status bar: one TCP connect and,
 * for SSH, one identification-line read, then close — the engine's own probes (probeTcp,
 * probeBanner), without DNS report, ICMP, retries or key exchange. It follows the probe
 * contract: bounded by `timeoutMs`, a cancel rejects (CancelledError), nothing is left open.
 * No `vscode` import.
 */
import type { ProbeOptions } from '../../core/probeContract';
import { probeBanner } from '../../probes/banner';
import { probeTcp } from '../../probes/tcp';

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

const round = (ms: number) => Math.round(ms * 10) / 10;

export const lightCheck: LightCheck = async (t, timeoutMs, signal) => {
  const started = performance.now();
  const { result, connection } = await probeTcp(t.host, t.port, { timeoutMs, signal });
  if (result.outcome !== 'connected' || !connection) {
    return { state: 'unreachable', detail: result.outcome === 'timeout' ? 'timeout' : result.errorCode ?? result.outcome };
  }
  const latencyMs = round(result.durationMs);
  try {
    // RDP servers speak only after the client: a completed connect is the signal.
    if (t.protocol === 'rdp') return { state: 'reachable', latencyMs, detail: 'connected' };
    const o: ProbeOptions = { timeoutMs: Math.max(1, timeoutMs - (performance.now() - started)), signal };
    const b = await probeBanner(connection, o);
    switch (b.outcome) {
      case 'ssh': return { state: 'reachable', latencyMs, detail: (b.line ?? 'SSH').slice(0, 120) };
      case 'timeout': return { state: 'degraded', latencyMs, detail: 'banner timeout' };
      case 'other': return { state: 'degraded', latencyMs, detail: 'not SSH' };
      default: return { state: 'degraded', latencyMs, detail: b.errorCode ?? 'closed before banner' };
    }
  } finally {
    connection.close();
  }
};
