/**
 * One scheduler feeds both the tree and the status bar: each watched target is checked on an
 * interval, with exponential backoff while unreachable, no new checks while the window is
 * unfocused, and never more than `maxConcurrent` checks (sockets) at once. No `vscode` import:
 * unit-tested under plain mocha against real loopback sockets.
 */
import type { BannerResult, TcpResult } from '../../core/model';
import type { LightCheck, LightReason, LightResult, LightTarget, ReachState } from './lightCheck';

export interface ReachInfo {
  state: ReachState;
  latencyMs?: number;
  detail?: string;
  reason?: LightReason;
  /** Epoch ms of the last completed check. */
  checkedAt?: number;
  /** Consecutive unreachable results (drives the backoff). */
  failures: number;
  /** The last check's probe results (the tooltip words them as the report does). */
  tcp?: TcpResult;
  banner?: BannerResult;
  /** The time bound the last check ran with. */
  timeoutMs?: number;
}

/** Time as the scheduler sees it: the real clock by default, a virtual one in tests. */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref?.(); // a pending check must not keep the extension host (or a test) alive
    return t;
  },
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

export interface SchedulerOptions {
  check: LightCheck;
  /** Default: the real clock. */
  clock?: Clock;
  intervalMs: number;
  timeoutMs: number;
  maxConcurrent: number;
  /** Upper bound of the backoff delay. Default: 16 × interval. */
  maxBackoffMs?: number;
  onChange?: (id: string, info: ReachInfo) => void;
}

interface Entry {
  id: string;
  target: LightTarget;
  info: ReachInfo;
  dueAt: number;
  running?: AbortController;
}

export class ReachabilityScheduler {
  private readonly entries = new Map<string, Entry>();
  /** Callers of `checkNowAndWait`, per id, told when that id's next check ends or it leaves. */
  private readonly waiters = new Map<string, Array<() => void>>();
  private timer: unknown;
  private inFlight = 0;
  private focused = true;
  private disposed = false;
  /** Highest number of simultaneous checks seen (for tests and the benchmark). */
  maxInFlight = 0;
  checksStarted = 0;

  private readonly clock: Clock;

  constructor(private opts: SchedulerOptions) {
    this.clock = opts.clock ?? realClock;
  }

  /** Replace the watched set. Known ids keep their state; new ones are due now. */
  setTargets(list: Array<{ id: string } & LightTarget>): void {
    const keep = new Set(list.map((t) => t.id));
    for (const [id, e] of this.entries) {
      if (!keep.has(id)) {
        e.running?.abort();
        e.running = undefined;
        this.entries.delete(id);
        this.release(id);
      }
    }
    const now = this.clock.now();
    for (const t of list) {
      const target: LightTarget = {
        host: t.host, port: t.port, protocol: t.protocol,
        ...(t.jump?.length ? { jump: t.jump } : {}), ...(t.identityFile ? { identityFile: t.identityFile } : {}), ...(t.knownHostsPath ? { knownHostsPath: t.knownHostsPath } : {}),
      };
      const e = this.entries.get(t.id);
      if (!e) {
        this.entries.set(t.id, { id: t.id, target, info: { state: 'unknown', failures: 0 }, dueAt: now });
      } else if (e.target.host !== target.host || e.target.port !== target.port || e.target.protocol !== target.protocol
        || JSON.stringify(e.target.jump ?? []) !== JSON.stringify(target.jump ?? [])) {
        e.running?.abort();
        e.running = undefined;
        e.target = target;
        e.info = { state: 'unknown', failures: 0 };
        e.dueAt = now;
      }
    }
    this.pump();
  }

  get(id: string): ReachInfo | undefined {
    return this.entries.get(id)?.info;
  }

  configure(o: Partial<Pick<SchedulerOptions, 'intervalMs' | 'timeoutMs' | 'maxConcurrent' | 'maxBackoffMs'>>): void {
    this.opts = { ...this.opts, ...o };
    this.pump();
  }

  /** Pause (false) or resume (true). Paused: running checks finish, no new ones start. */
  setFocused(focused: boolean): void {
    this.focused = focused;
    if (focused) this.pump();
    else this.clearTimer();
  }

  /** Make a target due now (e.g. after a diagnosis or a click). */
  checkNow(id: string): void {
    const e = this.entries.get(id);
    if (!e) return;
    e.dueAt = this.clock.now();
    this.pump();
  }

  /** `checkNow` for each id; resolves once each has finished a check that started no earlier
   *  than this call (or is no longer watched). What "Check All Now" shows progress for. */
  checkNowAndWait(ids: readonly string[]): Promise<void> {
    const waits = ids.filter((id) => this.entries.has(id)).map((id) => new Promise<void>((resolve) => {
      const e = this.entries.get(id)!;
      // A check already under way began before the request: wait for the one after it.
      if (e.running) {
        const after = () => { this.checkNow(id); this.waitFor(id, resolve); };
        this.waitFor(id, after);
      } else {
        this.waitFor(id, resolve);
        e.dueAt = this.clock.now();
      }
    }));
    this.pump();
    return Promise.all(waits).then(() => undefined);
  }

  private waitFor(id: string, fn: () => void): void {
    const list = this.waiters.get(id) ?? [];
    list.push(fn);
    this.waiters.set(id, list);
  }

  private release(id: string): void {
    const list = this.waiters.get(id);
    if (!list) return;
    this.waiters.delete(id);
    for (const fn of list) fn();
  }

  get running(): number {
    return this.inFlight;
  }

  /** Delay after a result: the interval, doubled per consecutive failure, capped. */
  static nextDelay(intervalMs: number, failures: number, maxBackoffMs: number): number {
    if (failures <= 0) return intervalMs;
    return Math.min(intervalMs * 2 ** Math.min(failures, 30), Math.max(maxBackoffMs, intervalMs));
  }

  dispose(): void {
    this.disposed = true;
    this.clearTimer();
    for (const e of this.entries.values()) {
      e.running?.abort();
      e.running = undefined;
    }
    this.entries.clear();
    for (const id of [...this.waiters.keys()]) this.release(id);
  }

  private clearTimer(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private pump(): void {
    if (this.disposed) return;
    this.clearTimer();
    if (!this.focused) return;
    const now = this.clock.now();
    const due = [...this.entries.values()]
      .filter((e) => !e.running && e.dueAt <= now)
      .sort((a, b) => a.dueAt - b.dueAt);
    for (const e of due) {
      if (this.inFlight >= Math.max(1, this.opts.maxConcurrent)) break;
      this.start(e);
    }
    // Sleep until the next due entry (or until a running check frees a slot).
    let next = Infinity;
    for (const e of this.entries.values()) if (!e.running) next = Math.min(next, e.dueAt);
    if (next !== Infinity && this.inFlight < this.opts.maxConcurrent) {
      this.timer = this.clock.setTimeout(() => this.pump(), Math.max(10, next - this.clock.now()));
    }
  }

  private start(e: Entry): void {
    const ac = new AbortController();
    e.running = ac;
    this.inFlight++;
    this.checksStarted++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    const previous = e.info;
    e.info = { ...previous, state: previous.state === 'unknown' ? 'checking' : previous.state };
    if (previous.state === 'unknown') this.opts.onChange?.(e.id, e.info);
    this.opts
      .check(e.target, this.opts.timeoutMs, ac.signal)
      .catch((err: unknown): LightResult => ({ state: 'unreachable', reason: 'error', detail: String(err) }))
      .then((r) => {
        this.inFlight--;
        // Removed or retargeted meanwhile: the result is stale.
        if (e.running !== ac || this.entries.get(e.id) !== e) return this.pump();
        e.running = undefined;
        const failures = r.state === 'unreachable' ? e.info.failures + 1 : 0;
        e.info = { state: r.state, reason: r.reason, latencyMs: r.latencyMs, detail: r.detail, checkedAt: this.clock.now(), failures, tcp: r.tcp, banner: r.banner, timeoutMs: this.opts.timeoutMs };
        const maxBackoff = this.opts.maxBackoffMs ?? this.opts.intervalMs * 16;
        e.dueAt = this.clock.now() + ReachabilityScheduler.nextDelay(this.opts.intervalMs, failures, maxBackoff);
        if (!this.disposed) this.opts.onChange?.(e.id, e.info);
        this.release(e.id);
        this.pump();
      });
  }
}
