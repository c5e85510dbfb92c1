/**
 * The light reachability check behind the tree icons and the status bar: one TCP connect and,
 * for SSH, one identification-line read, then close — the engine's own probes (probeTcp,
 * probeBanner), without DNS report, ICMP, retries or key exchange. It follows the probe
 * contract: bounded by `timeoutMs`, a cancel rejects (CancelledError), nothing is left open.
 * No `vscode` import.
 */
import type { BannerResult, JumpHop, TcpResult } from '../../core/model';
import type { ProbeOptions } from '../../core/probeContract';
import { probeBanner } from '../../probes/banner';
import { probeTcp } from '../../probes/tcp';

export type ReachState = 'unknown' | 'checking' | 'reachable' | 'degraded' | 'unreachable';

export interface LightTarget {
  host: string;
  port: number;
  protocol: 'ssh' | 'rdp';
  /** Bastions in front of it (jumpLightCheck.ts checks through them). */
  jump?: JumpHop[];
  /** For the logins to bastions: the instance's key file (a hop's own wins) and known_hosts. */
  identityFile?: string;
  knownHostsPath?: string;
}

/** Why a check came out as it did; the UI words it (presentation.ts), the log keeps `detail`. */
export type LightReason = 'ssh' | 'connected' | 'refused' | 'timeout' | 'banner-timeout' | 'not-ssh' | 'closed' | 'error' | 'bastion' | 'bastion-login';

export interface LightResult {
  state: Exclude<ReachState, 'unknown' | 'checking'>;
  reason: LightReason;
  /** TCP connect time, when it connected. */
  latencyMs?: number;
  /** Short machine-ish detail for the log: "ECONNREFUSED", "timeout", "SSH-2.0-…". */
  detail: string;
  /** What the probes found, so the UI can say it in the report's own words (core/checks.ts). */
  tcp?: TcpResult;
  banner?: BannerResult;
}

export type LightCheck = (t: LightTarget, timeoutMs: number, signal: AbortSignal) => Promise<LightResult>;

const round = (ms: number) => Math.round(ms * 10) / 10;

export const lightCheck: LightCheck = async (t, timeoutMs, signal) => {
  const started = performance.now();
  const { result, connection } = await probeTcp(t.host, t.port, { timeoutMs, signal });
  const tcp = result;
  if (result.outcome !== 'connected' || !connection) {
    return result.outcome === 'timeout' ? { state: 'unreachable', reason: 'timeout', detail: 'timeout', tcp }
      : result.outcome === 'refused' ? { state: 'unreachable', reason: 'refused', detail: result.errorCode ?? 'refused', tcp }
        : { state: 'unreachable', reason: 'error', detail: result.errorCode ?? result.outcome, tcp };
  }
  const latencyMs = round(result.durationMs);
  try {
    // RDP servers speak only after the client: a completed connect is the signal.
    if (t.protocol === 'rdp') return { state: 'reachable', reason: 'connected', latencyMs, detail: 'connected', tcp };
    const o: ProbeOptions = { timeoutMs: Math.max(1, timeoutMs - (performance.now() - started)), signal };
    const b = await probeBanner(connection, o);
    const banner = { ...b, ...(b.line !== undefined ? { line: b.line.slice(0, 120) } : {}) };
    switch (b.outcome) {
      case 'ssh': return { state: 'reachable', reason: 'ssh', latencyMs, detail: (b.line ?? 'SSH').slice(0, 120), tcp, banner };
      case 'timeout': return { state: 'degraded', reason: 'banner-timeout', latencyMs, detail: 'banner timeout', tcp, banner };
      case 'other': return { state: 'degraded', reason: 'not-ssh', latencyMs, detail: `not SSH: ${(b.line ?? '').slice(0, 60)}`, tcp, banner };
      default: return { state: 'degraded', reason: b.errorCode ? 'error' : 'closed', latencyMs, detail: b.errorCode ?? 'closed before banner', tcp, banner };
    }
  } finally {
    connection.close();
  }
};
