/**
 * When to send SYNs, and when their silence means "filtered". Pure: the engine's connect race
 * (connect.ts) runs this plan; table tests cover it over RTTs and loss rates.
 *
 * One lost SYN, one lost SYN-ACK or a moment of accept-queue overflow must not read as a
 * filtered port, and the kernel retransmits a SYN only after 1 s (3 s on Windows). So the engine
 * opens further connection attempts itself, spaced by the measured round trip, keeps the first
 * that answers, and calls the port silent only when every attempt stayed unanswered until a
 * deadline that leaves the last one time to be answered:
 *
 * - RTT r known (echo reply, or a SYN-ACK/reset on another port): gap g = max(150 ms, 2r);
 *   attempts at 0, g, 3g; the last one gets max(200 ms, 2r + 100 ms). Lab/LAN: 0, 150, 450 ms,
 *   silent at 650 ms (nmap -Pn -sV takes ~0.7 s there). r = 400 ms: 0, 800, 2400, silent at 3300.
 *   The first attempt has waited the whole time, so a TCP round trip much longer than the
 *   measured one is still seen.
 * - RTT unknown: attempts at 0, 250, 750, 1750, 3750 ms as long as 500 ms remain before the
 *   timeout; silent only at the timeout (nothing tells a far host from a filtered one sooner).
 *
 * Every attempt is a new connection (its own source port), so a rule or a queue that lost one
 * SYN does not lose the others for the same reason; each also keeps the kernel's own
 * retransmissions. Three silent attempts at 10% independent SYN loss happen once in 1000
 * healthy diagnoses (one attempt alone: once in 10).
 */

/** Smallest spacing between attempts (scheduling noise on a busy client, a server's accept). */
export const MIN_GAP_MS = 150;
/** Smallest time the last attempt gets to be answered. */
export const MIN_ANSWER_WAIT_MS = 200;
/** Added to two RTTs for the last attempt's answer (jitter, a busy accept queue). */
export const ANSWER_MARGIN_MS = 100;
/** Without an RTT: attempt times, used while UNKNOWN_TAIL_MS remain before the timeout. */
export const UNKNOWN_RTT_ATTEMPTS_MS: readonly number[] = [0, 250, 750, 1750, 3750];
export const UNKNOWN_TAIL_MS = 500;
/** Without an RTT, how long the main port may stay silent before the other ports are tried
 *  alongside it (the kernel's first SYN retransmission is due then). */
export const EARLY_ALT_SCAN_MS = 1000;

export interface SynPlan {
  /** Start of each connection attempt, in ms after the first one (the first is at 0). */
  attemptsAtMs: number[];
  /** When every attempt is still unanswered at this time (ms after the first), the port is
   *  silent. Never beyond the timeout. */
  deadlineMs: number;
  /** When to start probing the other ports alongside the main one, if it is still silent. */
  altScanAtMs: number;
  /** The round trip the plan rests on, when one was measured. */
  rttMs?: number;
}

function knownRtt(rttMs: number | undefined): rttMs is number {
  return rttMs !== undefined && Number.isFinite(rttMs) && rttMs >= 0;
}

/** How long an attempt sent at a known RTT needs before its silence counts. */
export function answerWaitMs(rttMs: number | undefined): number {
  return knownRtt(rttMs) ? Math.max(MIN_ANSWER_WAIT_MS, Math.ceil(2 * rttMs + ANSWER_MARGIN_MS)) : UNKNOWN_TAIL_MS;
}

/**
 * The plan for what is known now. `sentAtMs` are the attempts already started (the RTT may
 * become known while they run): they keep their times, the later ones follow the plan for the
 * new RTT, and the deadline leaves the last one its full answer time.
 */
export function synPlan(rttMs: number | undefined, timeoutMs: number, sentAtMs: readonly number[] = []): SynPlan {
  const timeout = Math.max(0, timeoutMs);
  const known = knownRtt(rttMs);
  const wait = answerWaitMs(rttMs);
  let base: number[];
  if (known) {
    const gap = Math.max(MIN_GAP_MS, Math.ceil(2 * rttMs));
    base = [0, gap, 3 * gap]; // the second gap twice the first
  } else {
    base = [...UNKNOWN_RTT_ATTEMPTS_MS];
  }
  const attempts: number[] = [...sentAtMs];
  for (let i = sentAtMs.length; i < base.length; i++) {
    const at = Math.max(base[i]!, attempts[attempts.length - 1] ?? 0);
    // An attempt that could not be answered before the timeout is not worth sending.
    if (i > 0 && at + wait > timeout) break;
    attempts.push(at);
  }
  if (attempts.length === 0) attempts.push(0);
  const last = attempts[attempts.length - 1]!;
  const planned = base[base.length - 1]! + wait;
  const deadlineMs = known ? Math.min(timeout, Math.max(planned, last + wait)) : timeout;
  const altScanAtMs = known
    ? Math.min(deadlineMs, Math.max(base[1] ?? MIN_GAP_MS, last))
    : Math.min(EARLY_ALT_SCAN_MS, timeout / 2);
  return { attemptsAtMs: attempts, deadlineMs, altScanAtMs, ...(known ? { rttMs } : {}) };
}

/**
 * How long to wait for an echo reply once the port has answered: ping is corroboration only,
 * so a dropped echo must not hold the run for the whole timeout. Four RTTs plus a margin,
 * never below 300 ms, never beyond the timeout.
 */
export const PING_FLOOR_MS = 300;
export function pingDeadlineMs(rttMs: number, timeoutMs: number): number {
  return Math.min(Math.max(PING_FLOOR_MS, Math.ceil(4 * rttMs + 200)), timeoutMs);
}
