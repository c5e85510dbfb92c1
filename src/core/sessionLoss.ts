/**
 * A bastion's session dropped by the other side while the hops behind it were probed: what
 * was seen through it may have been cut short (an EOF that is the bastion's doing, not the
 * hop's), so it is never evidence about the hop behind. One home for telling that (a sweep's
 * shared sessions, bastionPool.ts, and a single diagnosis alike) and for what a single
 * diagnosis then does: look again once over a new connection (jumpDiagnose.ts).
 * Pure: the sessions and the walks are injected.
 */
import { throwIfCancelled } from './cancel';
import type { JumpSession } from './probeContract';

/** Looks again after a drop at most this many times per diagnosis (a new login each time). */
export const MAX_DROP_RETRIES = 1;

/** Whether what was seen through `via` (the session a probe ran over) is void: the other side
 *  dropped it meanwhile. A session that cannot tell (`lost` undefined) is taken as it is. */
export function seenOverLost(via: JumpSession | undefined): boolean {
  return !!via?.lost;
}

/**
 * The hop (1-based) whose session was dropped, of a walk's sessions in hop order (`sessions[k]`
 * is hop k+1's): the first one, upstream-most, since every session behind a dropped one ran
 * over it and closes with it. Undefined when none was dropped.
 */
export function lostHop(sessions: ReadonlyArray<JumpSession | undefined>): number | undefined {
  const i = sessions.findIndex((s) => seenOverLost(s));
  return i < 0 ? undefined : i + 1;
}

/** What a walk along the chain must say for the decision. */
export interface DropWalk {
  /** The hop whose session was dropped during this walk (lostHop), if any. */
  lostHop?: number;
}

/** What a diagnosis reports after its walks. */
export type DropOutcome<W extends DropWalk> =
  /** No drop: the walk stands as it is. */
  | { kind: 'clean'; walk: W }
  /** Dropped once; `walk` is the fresh one, over a new connection, and stands (when it stopped
   *  at the bastion or before it, the reconnect failed: the verdict is the bastion's own). */
  | { kind: 'reconnected'; walk: W; lostHop: number }
  /** Dropped again on the fresh walk: a verdict about the bastion (`lostHop` of the fresh walk),
   *  never about the hops behind it. */
  | { kind: 'keepsDropping'; walk: W; lostHop: number; firstLostHop: number };

/**
 * Walks the chain; when a bastion's session was dropped meanwhile, walks it once more
 * (MAX_DROP_RETRIES: a new login to every hop, within the same signal, so a cancel or the
 * run's deadline ends it) and says which of the three outcomes it is.
 */
export async function walkWithReconnect<W extends DropWalk>(
  walk: () => Promise<W>, signal: AbortSignal, log?: (line: string) => void,
): Promise<DropOutcome<W>> {
  let w = await walk();
  if (w.lostHop === undefined) return { kind: 'clean', walk: w };
  const first = w.lostHop;
  for (let retry = 0; retry < MAX_DROP_RETRIES; retry++) {
    throwIfCancelled(signal);
    log?.(`jump: the session to hop ${first} was dropped during the diagnosis: connecting again (${retry + 1} of ${MAX_DROP_RETRIES})`);
    w = await walk();
    if (w.lostHop === undefined) return { kind: 'reconnected', walk: w, lostHop: first };
  }
  return { kind: 'keepsDropping', walk: w, lostHop: w.lostHop!, firstLostHop: first };
}
