/**
 * One sweep's bastion connections: targets whose jump chain starts with the same hop(s) —
 * same host, port, user, identity and agent; credentials identical, never mixed — share one
 * logged-in session per hop instead of each logging in to the bastion again.
 *
 * - The first diagnosis that needs a hop runs its checks for real (`build`); the others wait
 *   for it and get the same evidence back with `shared` set and the time it was checked, so
 *   their reports can say so (jumpDiagnose.ts labels those checks). A hop that failed is
 *   shared too: its evidence does not depend on the target behind it.
 * - Reference counted by sweep items: `register` counts each item that will use a key, and
 *   `unregister` (the item finished) closes the session when the last one is done. `close()`
 *   (the sweep ended or was cancelled) closes everything still open.
 * - A session the bastion drops is never handed out again: the next diagnosis that needs the
 *   hop logs in once more (MAX_RECONNECTS), its checks run for real; if that fails, the
 *   failure is the hop's evidence, as a single diagnosis would have it. Lost again after that,
 *   `acquire` throws SharedConnectionLost (the target gets no verdict rather than a wrong one).
 * - Each shared session bounds its open channels (ChannelLimit): a channel waits for a free
 *   slot before its timing starts, so a queued channel never looks like a silent port.
 * Pure: the sessions come from the injected `build`.
 */
import { cancelledError, isCancelled, throwIfCancelled } from './cancel';
import type { JumpSession, OpenConnection, ProbeOptions } from './probeContract';
import type { TcpResult } from './model';
import { seenOverLost } from './sessionLoss';

/**
 * Channels open at once on one shared connection. OpenSSH's `MaxSessions` (default 10)
 * counts only "session" channels (shell, login, subsystem): a `direct-tcpip` channel, which is
 * all a jump opens, is not counted — sshd_config(5) (OpenSSH 9.2): "Specifies the maximum
 * number of open shell, login or subsystem (e.g. sftp) sessions permitted per network
 * connection … setting it to 0 will prevent all shell, login and subsystem sessions while
 * still permitting forwarding"; the knob came with openssh-portable commit 7207f64a ("useful
 * for disabling login/shell/subsystem access while leaving port-forwarding working
 * (MaxSessions 0)"). The lab checks it: a bastion with `MaxSessions 1` serves a shared sweep
 * (test/lab/bastionShare.test.ts). Other servers on a bastion may limit forwarded channels
 * (Dropbear's own channel cap, appliances that count every channel), so we stay at OpenSSH's
 * session default: never more than 10 channels on one connection, the rest queued. A refusal
 * that may still be ours (others open at the time) is asked again alone: ChannelLimit.forward.
 */
export const MAX_CHANNELS_PER_CONNECTION = 10;
/** Logins again after the bastion dropped a shared session, per hop and sweep. */
export const MAX_RECONNECTS = 1;
/** A channel waits at most this many probe timeouts for a free slot (every slot is held by a
 *  probe that ends within its own timeouts, so this is a bound, not an expected wait). */
export const CHANNEL_WAIT_TIMEOUTS = 20;
/** Waits for another diagnosis's build, each ended by a cancel of that diagnosis: bounded. */
const MAX_ACQUIRE_ROUNDS = 8;

/** The shared session was lost again after its reconnect: the target is not diagnosed. */
export class SharedConnectionLost extends Error {
  constructor(readonly key: string) {
    super('the bastion dropped the shared connection again after a reconnect');
    this.name = 'SharedConnectionLost';
  }
}

/** Thrown by a build whose evidence is void (seen through a session dropped meanwhile): not
 *  shared, and whoever waits for it builds again. */
export class BuildVoid extends Error {
  constructor() {
    super('seen through a session that was dropped meanwhile');
    this.name = 'BuildVoid';
  }
}

/** A channel slot was not free in time: an internal limit, never the bastion's answer. */
export class ChannelWaitExceeded extends Error {
  constructor(readonly waitedMs: number) {
    super(`no free channel on the shared bastion connection within ${Math.round(waitedMs / 1000)} s`);
    this.name = 'ChannelWaitExceeded';
  }
}

/** What the bastion said that might be a limit on channels rather than its policy: refused
 *  "administratively" (what sshd answers for any channel it will not open, also a session
 *  over MaxSessions) or SSH_OPEN_RESOURCE_SHORTAGE (4). */
function mayBeOurChannelCount(r: TcpResult): boolean {
  return r.forward?.kind === 'prohibited' || r.forward?.reason === 4;
}

/**
 * A session with a bound on its open channels. A channel holds its slot until its connection
 * is closed (the probes close every connection they are given; a bastion's kept session closes
 * its channel when it is closed).
 */
export class ChannelLimit implements JumpSession {
  private open = 0;
  /** Channels that carry a kept session (the next hop's login): open for the sweep, so a
   *  channel asked "alone" does not wait for them. */
  private readonly pinned = new Set<OpenConnection>();
  private readonly live = new Set<OpenConnection>();
  private readonly waiting: Array<{ exclusive: boolean; grant: () => void }> = [];

  constructor(private readonly inner: JumpSession, private limit = MAX_CHANNELS_PER_CONNECTION, private readonly log?: (l: string) => void) {}

  get lost(): boolean {
    return !!this.inner.lost;
  }

  onLost(listener: () => void): void {
    this.inner.onLost?.(listener);
  }

  /** Channels open now (for tests and the log). */
  get openChannels(): number {
    return this.open;
  }

  get channelLimit(): number {
    return this.limit;
  }

  async forward(host: string, port: number, o: ProbeOptions): Promise<{ result: TcpResult; connection?: OpenConnection }> {
    let release = await this.slot(o, false);
    let r = await this.forwardHolding(host, port, o, release);
    if (!r.connection && mayBeOurChannelCount(r.result)) {
      const others = this.open - this.pinned.size; // our own slot is already given back
      if (others > 0) {
        // Refused while we had other channels open on this connection: that may be a limit on
        // channels, not the bastion's policy. Fewer at once from now on; asked again alone,
        // and that answer stands (JUMP_FORWARDING_DENIED only from a channel asked alone).
        const before = this.limit;
        this.limit = Math.max(1 + this.pinned.size, Math.min(this.limit, this.open));
        this.log?.(`jump: ${host}:${port} refused with ${others} other channel(s) open: asking again alone (limit now ${this.limit})`);
        release = await this.slot(o, true);
        r = await this.forwardHolding(host, port, o, release);
        // Refused alone too: the bastion's policy for that destination, not a count.
        if (!r.connection && mayBeOurChannelCount(r.result)) { this.limit = before; this.pump(); }
      }
    }
    return r;
  }

  private async forwardHolding(host: string, port: number, o: ProbeOptions, release: () => void): Promise<{ result: TcpResult; connection?: OpenConnection }> {
    let r: { result: TcpResult; connection?: OpenConnection };
    try {
      r = await this.inner.forward(host, port, o);
    } catch (e) {
      release();
      throw e;
    }
    if (!r.connection) {
      release();
      return r;
    }
    // The same object goes on (the probes read its socket): its close gives the slot back.
    const conn = r.connection;
    const close = conn.close.bind(conn);
    let done = false;
    this.live.add(conn);
    (conn as { close(): void }).close = () => {
      close();
      if (!done) {
        done = true;
        this.live.delete(conn);
        this.pinned.delete(conn);
        release();
      }
    };
    return r;
  }

  /** `conn`, a channel of this session, now carries a kept session (see `pinned`). */
  pin(conn: OpenConnection): void {
    if (this.live.has(conn)) this.pinned.add(conn);
  }

  /** A free slot (exclusive: none other open); the wait is not part of any probe's timing. */
  private slot(o: ProbeOptions, exclusive: boolean): Promise<() => void> {
    throwIfCancelled(o.signal);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      this.open--;
      this.pump();
    };
    if (this.fits(exclusive) && !this.waiting.length) {
      this.open++;
      return Promise.resolve(release);
    }
    const waitMs = CHANNEL_WAIT_TIMEOUTS * o.timeoutMs;
    return new Promise((resolve, reject) => {
      const entry = {
        exclusive,
        grant: () => {
          clearTimeout(timer);
          o.signal.removeEventListener('abort', onAbort);
          this.open++;
          resolve(release);
        },
      };
      const leave = () => {
        const i = this.waiting.indexOf(entry);
        if (i >= 0) this.waiting.splice(i, 1);
        o.signal.removeEventListener('abort', onAbort);
        this.pump();
      };
      const onAbort = () => { clearTimeout(timer); leave(); reject(cancelledError(o.signal)); };
      const timer = setTimeout(() => { leave(); reject(new ChannelWaitExceeded(waitMs)); }, waitMs);
      o.signal.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(entry);
    });
  }

  private fits(exclusive: boolean): boolean {
    return exclusive ? this.open - this.pinned.size === 0 : this.open < this.limit;
  }

  /** Grants in order of arrival: a waiting exclusive request holds back the ones behind it. */
  private pump(): void {
    while (this.waiting.length && this.fits(this.waiting[0]!.exclusive)) this.waiting.shift()!.grant();
  }

  close(): void {
    this.inner.close();
  }
}

export interface HopHandle<T> {
  value: T;
  /** The hop's session, bounded (absent when the hop gave none: failed, or not logged in). */
  session?: ChannelLimit;
  /** Run by another diagnosis of this sweep: this one reuses its evidence. */
  shared: boolean;
  /** When the hop was checked (ISO 8601). */
  checkedAt: string;
}

interface Built<T> {
  value: T;
  session?: ChannelLimit;
  checkedAt: string;
}

interface Entry<T> {
  users: number;
  pending?: Promise<Built<T>>;
  built?: Built<T>;
  losses: number;
  /** Sessions this entry has opened (logins to the hop). */
  logins: number;
}

export class BastionPool<T = unknown> {
  private readonly entries = new Map<string, Entry<T>>();
  private closed = false;

  private readonly secrets = new Map<string, number>();

  constructor(private readonly o: { maxChannels?: number; log?: (l: string) => void } = {}) {}

  /** A number standing for a secret (a key's contents, a passphrase) in keys and logs: equal
   *  secrets get the same number within this pool, and the secret itself is never shown. */
  secretId(secret: string): number {
    let id = this.secrets.get(secret);
    if (id === undefined) this.secrets.set(secret, id = this.secrets.size + 1);
    return id;
  }

  private entry(key: string): Entry<T> {
    let e = this.entries.get(key);
    if (!e) this.entries.set(key, e = { users: 0, losses: 0, logins: 0 });
    return e;
  }

  /** One sweep item that will use these keys (its chain's prefixes). */
  register(keys: readonly string[]): void {
    for (const k of keys) this.entry(k).users++;
  }

  /** That item finished: a key's session is closed when its last item is done. */
  unregister(keys: readonly string[]): void {
    for (const k of keys) {
      const e = this.entries.get(k);
      if (!e) continue;
      e.users--;
      if (e.users <= 0) {
        e.built?.session?.close();
        this.entries.delete(k);
      }
    }
  }

  /**
   * The hop under `key`: built by this caller (shared false) when nobody has, else the
   * evidence another diagnosis built (shared true). A build that was cancelled is not
   * shared: the next caller builds again.
   */
  async acquire(key: string, build: () => Promise<{ value: T; session?: JumpSession }>, signal: AbortSignal): Promise<HopHandle<T>> {
    for (let round = 0; round < MAX_ACQUIRE_ROUNDS; round++) {
      throwIfCancelled(signal);
      if (this.closed) throw cancelledError(signal);
      const e = this.entry(key);
      if (e.pending) {
        let b: Built<T>;
        try {
          b = await untilAborted(e.pending, signal);
        } catch (err) {
          // Its builder was cancelled (not us), or its evidence is void: built again.
          if ((isCancelled(err) && !signal.aborted) || err instanceof BuildVoid) continue;
          throw err;
        }
        if (seenOverLost(b.session)) continue; // dropped since: rebuilt by whoever comes first
        return { ...b, shared: true };
      }
      if (e.losses > MAX_RECONNECTS) throw new SharedConnectionLost(key);
      const p = this.build(key, e, build);
      e.pending = p;
      p.catch(() => { if (e.pending === p) e.pending = undefined; });
      const b = await p;
      return { ...b, shared: false };
    }
    throw new Error(`bastion ${key}: gave up waiting for a shared session`);
  }

  private async build(key: string, e: Entry<T>, build: () => Promise<{ value: T; session?: JumpSession }>): Promise<Built<T>> {
    const checkedAt = new Date().toISOString();
    const { value, session } = await build();
    if (!session) return (e.built = { value, checkedAt });
    // A session that cannot tell it was lost is not shared: a drop could not be told from the
    // target's own answer. It is closed with the entry like any other.
    if (session.lost === undefined || !session.onLost) {
      session.close();
      throw new Error(`bastion ${key}: the session cannot report a drop, so it is not shared`);
    }
    e.logins++;
    const limited = new ChannelLimit(session, this.o.maxChannels ?? MAX_CHANNELS_PER_CONNECTION, this.o.log);
    const built: Built<T> = { value, session: limited, checkedAt };
    if (this.closed || !this.entries.has(key)) {
      limited.close();
      return built;
    }
    e.built = built;
    limited.onLost(() => {
      e.losses++;
      this.o.log?.(`jump: the shared session to ${key} was dropped (${e.losses} time(s)); ${e.losses > MAX_RECONNECTS ? 'not reconnecting again' : 'the next diagnosis logs in again'}`);
      if (e.built === built) e.built = undefined;
      if (e.pending) void e.pending.then((b) => { if (b === built) e.pending = undefined; }, () => undefined);
      limited.close();
    });
    return built;
  }

  /** Logins made to the hop under `key` during this sweep (0 for a key never built). */
  logins(key: string): number {
    return this.entries.get(key)?.logins ?? 0;
  }

  /** Keys with a session still open. */
  get openSessions(): number {
    let n = 0;
    for (const e of this.entries.values()) if (e.built?.session && !e.built.session.lost) n++;
    return n;
  }

  /** The sweep ended or was cancelled: every session closed, nothing handed out again. */
  close(): void {
    this.closed = true;
    for (const e of this.entries.values()) e.built?.session?.close();
    this.entries.clear();
  }
}

/** The promise, or a CancelledError as soon as `signal` aborts. */
function untilAborted<V>(p: Promise<V>, signal: AbortSignal): Promise<V> {
  if (signal.aborted) return Promise.reject(cancelledError(signal));
  return new Promise<V>((resolve, reject) => {
    const onAbort = () => reject(cancelledError(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => { signal.removeEventListener('abort', onAbort); resolve(v); },
      (err: unknown) => { signal.removeEventListener('abort', onAbort); reject(err instanceof Error ? err : new Error(String(err))); },
    );
  });
}
