/**
 * Connecting to one port with retries (the plan is core/deadline.ts): several connection
 * attempts through the injected `tcp` probe, the first that answers wins, the others are ended
 * and their sockets closed. No I/O of its own; timers only.
 */
import { synPlan, type SynPlan } from './deadline';
import { cancelledError, deadlineOf, DeadlineReached } from './cancel';
import type { TcpResult } from './model';
import type { OpenConnection, Probes } from './probeContract';
import { formatMs } from './format';

/**
 * Round trips measured to one address while its probes run: an echo reply, or a SYN-ACK or a
 * reset on any port. Every connect race to that address plans with it as soon as it is known.
 * The largest measurement is kept: a plan that assumes a longer round trip only waits longer.
 */
export class RttBoard {
  private value: { rttMs: number; source: string } | undefined;
  private readonly listeners = new Set<() => void>();

  get(): { rttMs: number; source: string } | undefined {
    return this.value;
  }

  report(rttMs: number, source: string): void {
    if (!Number.isFinite(rttMs) || rttMs < 0) return;
    if (this.value && this.value.rttMs >= rttMs) return;
    this.value = { rttMs, source };
    for (const l of [...this.listeners]) l();
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

export interface RaceOptions {
  timeoutMs: number;
  signal: AbortSignal;
  log?: (line: string) => void;
  rtt: RttBoard;
  /** Called once, when the plan says to probe the other ports alongside this one (only while
   *  no attempt has answered), with the plan's time for it (ms after the first attempt). */
  onAltScanDue?: (elapsedMs: number) => void;
}

export interface RaceResult {
  result: TcpResult;
  /** On `connected`: the winning attempt's connection; the caller owns it. */
  connection?: OpenConnection;
}

const answered = (r: TcpResult) => r.outcome !== 'timeout';

function describePlan(plan: SynPlan, sentAtMs: number[], rtt: { rttMs: number; source: string } | undefined): string {
  const at = sentAtMs.map((t) => formatMs(t)).join(', ');
  const basis = rtt ? `${rtt.source} RTT ${formatMs(rtt.rttMs)}` : 'no RTT measured';
  return `${sentAtMs.length} attempt${sentAtMs.length === 1 ? '' : 's'} at ${at}; ${basis} → silent after ${formatMs(plan.deadlineMs)}`;
}

/**
 * Resolves with the first answer (connected, refused, unreachable, error), or with a timeout
 * once every attempt stayed silent until the plan's deadline. Resolves only after every
 * attempt has settled, so no socket outlives it except the winner's. Rejects with
 * CancelledError on a user cancel; a DeadlineReached on `signal` ends it as a timeout.
 */
export function connectWithRetries(tcp: Probes['tcp'], address: string, port: number, o: RaceOptions): Promise<RaceResult> {
  const start = performance.now();
  const elapsed = () => performance.now() - start;
  const sentAtMs: number[] = [];
  const running: Array<{ stop: AbortController; done: Promise<void>; over: boolean }> = [];
  const timers: {
    next?: ReturnType<typeof setTimeout>; deadline?: ReturnType<typeof setTimeout>; alt?: ReturnType<typeof setTimeout>;
    silent?: ReturnType<typeof setImmediate>;
  } = {};
  let plan = synPlan(o.rtt.get()?.rttMs, o.timeoutMs);
  let altDue = !o.onAltScanDue;
  let settled = false;
  let unsubscribe = () => undefined as unknown;

  return new Promise<RaceResult>((resolve, reject) => {
    const clearTimers = () => {
      clearTimeout(timers.next);
      clearTimeout(timers.deadline);
      clearTimeout(timers.alt);
      clearImmediate(timers.silent);
    };

    /** End every attempt still running, wait for all of them, then settle once. */
    const finish = (outcome: { value?: RaceResult; error?: unknown }, why: string): void => {
      if (settled) return;
      settled = true;
      clearTimers();
      unsubscribe();
      o.signal.removeEventListener('abort', onParentAbort);
      const reason = new DeadlineReached(Math.round(elapsed()), why);
      for (const a of running) if (!a.over && !a.stop.signal.aborted) a.stop.abort(reason);
      void Promise.all(running.map((a) => a.done)).then(() => {
        if (outcome.error !== undefined) reject(outcome.error);
        else resolve(outcome.value!);
      });
    };

    const planRtt = () => {
      const r = o.rtt.get();
      return r ? { planRttMs: r.rttMs } : {};
    };
    const silent = (deadlineMs: number, reason: string): RaceResult => ({
      result: {
        outcome: 'timeout', address, port, deadlineMs: Math.round(deadlineMs), deadlineReason: reason,
        durationMs: Math.round(elapsed() * 100) / 100, attempts: sentAtMs.length, ...planRtt(),
      },
    });

    const allSilent = (): void => finish({ value: silent(plan.deadlineMs, describePlan(plan, sentAtMs, o.rtt.get())) }, 'every attempt silent');

    let finishedAttempts = 0;
    const launch = (): void => {
      if (settled) return;
      const index = sentAtMs.length;
      const at = elapsed();
      sentAtMs.push(Math.round(at * 100) / 100);
      if (index > 0) o.log?.(`tcp: ${address}:${port} attempt ${index + 1} at ${formatMs(at)} (earlier attempts unanswered)`);
      const stop = new AbortController();
      const signal = AbortSignal.any([o.signal, stop.signal]);
      const entry = { stop, done: Promise.resolve(), over: false };
      entry.done = Promise.resolve()
        // Each attempt ends with the race's own budget; the first has all of it.
        .then(() => tcp(address, port, { timeoutMs: index === 0 ? o.timeoutMs : Math.max(1, Math.round(o.timeoutMs - at)), signal, log: o.log }))
        .then(({ result, connection }) => {
          entry.over = true;
          finishedAttempts++;
          if (settled || !answered(result)) {
            // An answer after the race was decided, or this attempt's own timeout.
            connection?.close();
            if (!settled && finishedAttempts === sentAtMs.length && sentAtMs.length >= plan.attemptsAtMs.length) allSilent();
            return;
          }
          finish({
            value: {
              result: {
                ...result,
                durationMs: Math.round(elapsed() * 100) / 100,
                connectMs: result.durationMs,
                attempts: sentAtMs.length,
                answeredAttempt: index + 1,
                deadlineMs: Math.round(plan.deadlineMs),
                ...planRtt(),
                ...(index > 0 ? { deadlineReason: describePlan(plan, sentAtMs, o.rtt.get()) } : {}),
              },
              ...(connection ? { connection } : {}),
            },
          }, `attempt ${index + 1} answered`);
          // A SYN-ACK or a reset is a round trip to the host: other races to it plan with it.
          if (result.outcome === 'connected' || result.outcome === 'refused') o.rtt.report(result.durationMs, `port ${port}`);
        }, (err: unknown) => {
          entry.over = true;
          finishedAttempts++;
          finish({ error: err }, 'an attempt failed');
        });
      running.push(entry);
      // Sent later than planned (a busy event loop): the deadline still leaves it its answer time.
      plan = synPlan(o.rtt.get()?.rttMs, o.timeoutMs, sentAtMs);
      schedule();
    };

    /** (Re)arm the timers from the current plan: next attempt, deadline, parallel scan. */
    const schedule = (): void => {
      if (settled) return;
      clearTimers();
      const now = elapsed();
      const next = plan.attemptsAtMs[sentAtMs.length];
      if (next !== undefined) timers.next = setTimeout(launch, Math.max(0, next - now));
      // Timers run before the loop reads sockets: after a stall, a SYN-ACK that came in time
      // may still be unread when the deadline fires. setImmediate lets that I/O in first.
      timers.deadline = setTimeout(() => { timers.silent = setImmediate(allSilent); }, Math.max(0, plan.deadlineMs - now));
      if (!altDue) {
        timers.alt = setTimeout(() => {
          if (settled || altDue) return;
          altDue = true;
          o.onAltScanDue?.(Math.round(plan.altScanAtMs));
        }, Math.max(0, plan.altScanAtMs - now));
      }
    };

    const replan = (): void => {
      if (settled) return;
      plan = synPlan(o.rtt.get()?.rttMs, o.timeoutMs, sentAtMs);
      schedule();
    };

    function onParentAbort(): void {
      const d = deadlineOf(o.signal);
      if (d) finish({ value: silent(d.deadlineMs, d.reason) }, d.reason);
      else finish({ error: cancelledError(o.signal) }, 'cancelled');
    }

    if (o.signal.aborted) {
      onParentAbort();
      return;
    }
    o.signal.addEventListener('abort', onParentAbort, { once: true });
    unsubscribe = o.rtt.subscribe(replan);
    launch();
  });
}
