/**
 * Cancellation, in one place. Every probe, the engine and the cloud calls take an AbortSignal
 * whose reason tells two things apart:
 * - a user cancel (any reason but DeadlineReached): the work rejects with CancelledError;
 * - the engine's own deadline (DeadlineReached): a probe ends early and resolves as a timeout.
 * The classes are also recognised by name, because the CLI and the extension bundle their own
 * copies of the engine.
 */

/** Thrown (only) when an AbortSignal fired because the user cancelled. */
export class CancelledError extends Error {
  constructor(message = 'cancelled') {
    super(message);
    this.name = 'CancelledError';
  }
}

/** Abort reason used by the engine to end a probe early at an adapted deadline: the probe
 *  then resolves as a timeout instead of rejecting. */
export class DeadlineReached extends Error {
  constructor(readonly deadlineMs: number, readonly reason: string) {
    super(`deadline ${deadlineMs} ms (${reason})`);
    this.name = 'DeadlineReached';
  }
}

export function isCancelled(err: unknown): err is CancelledError {
  return err instanceof CancelledError || (err instanceof Error && err.name === 'CancelledError');
}

/** The DeadlineReached a signal was aborted with, if that is its reason. */
export function deadlineOf(signal: AbortSignal | undefined): DeadlineReached | undefined {
  const r: unknown = signal?.reason;
  if (r instanceof DeadlineReached) return r;
  if (r instanceof Error && r.name === 'DeadlineReached' && typeof (r as DeadlineReached).deadlineMs === 'number') return r as DeadlineReached;
  return undefined;
}

/** Aborted by the engine's deadline (a timeout, not a cancel). */
export function isDeadline(signal: AbortSignal | undefined): boolean {
  return !!signal?.aborted && deadlineOf(signal) !== undefined;
}

/** Aborted by the user (or anything that is not the engine's deadline). */
export function isUserCancel(signal: AbortSignal | undefined): boolean {
  return !!signal?.aborted && deadlineOf(signal) === undefined;
}

/** The error to reject with on a user cancel: the signal's own CancelledError when it has one. */
export function cancelledError(signal: AbortSignal | undefined): CancelledError {
  const r: unknown = signal?.reason;
  return isCancelled(r) ? r : new CancelledError();
}

export function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (isUserCancel(signal)) throw cancelledError(signal);
}

/** Waits `ms`; rejects with CancelledError as soon as `signal` aborts (for any reason). */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) { reject(cancelledError(signal)); return; }
    const t = setTimeout(() => { signal?.removeEventListener('abort', onAbort); resolve(); }, ms);
    const onAbort = () => { clearTimeout(t); reject(cancelledError(signal)); };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
