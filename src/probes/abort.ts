/**
 * The probes' settle-once scaffold (`guarded`) and their clock. How a signal's reason is read
 * (a deadline or a cancel) is core/cancel.ts's: a `DeadlineReached` ends the probe as a
 * timeout; any other reason is a user cancel and rejects (src/core/probeContract.ts).
 */
import { cancelledError, deadlineOf, type DeadlineReached } from '../core/cancel';

/** Milliseconds since `start` (from `now()`), rounded to 0.01 ms. */
export function since(start: number): number {
  return Math.round((performance.now() - start) * 100) / 100;
}

export const now = (): number => performance.now();

/**
 * Runs `body` with a settle-once resolver, a timer at `timeoutMs` and the abort listener wired;
 * `cleanup` runs exactly once whichever way it ends, so no socket, timer or listener survives.
 */
export function guarded<T>(
  o: { timeoutMs: number; signal: AbortSignal },
  handlers: {
    onTimeout: () => T;
    /** Called for a DeadlineReached abort; defaults to onTimeout. */
    onDeadline?: (d: DeadlineReached) => T;
    cleanup: () => void;
  },
  body: (settle: (v: T) => void, fail: (e: unknown) => void) => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let done = false;
    const t: { timer?: NodeJS.Timeout } = {};
    const finish = (): boolean => {
      if (done) return false;
      done = true;
      if (t.timer) clearTimeout(t.timer);
      o.signal.removeEventListener('abort', onAbort);
      try { handlers.cleanup(); } catch { /* teardown must not mask the result */ }
      return true;
    };
    const settle = (v: T): void => { if (finish()) resolve(v); };
    const fail = (e: unknown): void => { if (finish()) reject(e); };
    function onAbort(): void {
      const d = deadlineOf(o.signal);
      if (d) {
        if (!done) settle(handlers.onDeadline ? handlers.onDeadline(d) : handlers.onTimeout());
      } else {
        fail(cancelledError(o.signal));
      }
    }
    if (o.signal.aborted) { onAbort(); return; }
    o.signal.addEventListener('abort', onAbort, { once: true });
    t.timer = setTimeout(() => { if (!done) settle(handlers.onTimeout()); }, Math.max(0, o.timeoutMs));
    try {
      body(settle, fail);
    } catch (e) {
      fail(e);
    }
  });
}
