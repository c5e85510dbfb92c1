/**
 * A sweep: many targets, one diagnosis each, as fast as the bounds allow. Pure orchestration
 * (the diagnosis is injected): at most `concurrency` diagnoses in flight, and a global socket
 * budget that is never exceeded — each diagnosis reserves the most sockets it can open before
 * it starts (socketsReserved), so no connection attempt ever waits for a socket once its
 * timing has begun (a queued SYN would look like a silent port). Results are reported as each
 * target finishes; a cancel stops admitting targets, ends the running ones, and keeps what
 * finished.
 */
import { BastionPool } from './bastionPool';
import { isCancelled } from './cancel';
import { UNKNOWN_RTT_ATTEMPTS_MS } from './deadline';
import { hopTargets } from './jump';
import { bastionKeys } from './jumpShare';
import { verdictPassed, type Credentials, type Report, type Target, type VerdictCode } from './model';

export const DEFAULT_SWEEP_CONCURRENCY = 32;
export const MAX_SWEEP_CONCURRENCY = 512;
/** Sockets a sweep may hold at once: far below the usual 1024 descriptors per process of a
 *  desktop, with room for the default 32 diagnoses at their worst (32 × 26). Targets behind
 *  one shared bastion count as one first-hop probe together (BastionGroups), not one each. */
export const DEFAULT_SOCKET_BUDGET = 900;

export interface SweepItem {
  /** What the user calls it: the ssh alias, the hosts file's text, the instance's name. */
  label: string;
  target: Target;
  credentials?: Credentials;
  /** Where it came from ("hosts.txt:12", an ssh config file), for messages. */
  source?: string;
}

export interface SweepResult {
  item: SweepItem;
  /** Position in the input (results arrive in completion order). */
  index: number;
  report?: Report;
  /** An internal failure of this target's diagnosis: no verdict for it. */
  error?: string;
}

export interface SweepOptions {
  concurrency: number;
  socketBudget: number;
  signal: AbortSignal;
  /** `bastions`: the sweep's shared bastion sessions, for the diagnosis's DiagnoseDeps. */
  diagnose: (item: SweepItem, signal: AbortSignal, bastions?: BastionPool) => Promise<Report>;
  /** Targets behind the same bastion share one connection to it (default true; false gives
   *  each diagnosis its own login, as a single `diagnose` does: the bench's "before"). */
  shareBastions?: boolean;
  log?: (line: string) => void;
  onStart?: (item: SweepItem, index: number) => void;
  onResult?: (r: SweepResult) => void;
}

export interface SweepOutcome {
  /** In input order; only targets that finished. */
  results: SweepResult[];
  /** Targets that never finished (cancelled before or while running), in input order. */
  unfinished: SweepItem[];
  cancelled: boolean;
  /** Most sockets reserved at once (never above the budget unless one target alone needs more). */
  peakReservedSockets: number;
  peakInFlight: number;
}

/**
 * The most sockets one diagnosis can hold at once: every connection attempt of the main port
 * and of each alternative port at the same time (the early scan runs beside the main port),
 * plus one for a login through the system OpenSSH. Addresses of a name are tried one after the
 * other, so they do not add up.
 */
export function socketsReserved(target: Pick<Target, 'port' | 'altPorts'>): number {
  const ports = new Set([target.port, ...target.altPorts]).size;
  return UNKNOWN_RTT_ATTEMPTS_MS.length * ports + 1;
}

/**
 * Sockets of a target reached through bastions: those of its first hop, the only one probed
 * from here (every later hop is a channel inside the first hop's connection).
 */
export function chainSocketsReserved(target: Target): number {
  return socketsReserved(hopTargets(target)[0]!);
}

/**
 * The socket budget of targets that share a first bastion (one group per pool key of hop 1).
 * While any of them runs, the group holds what one first-hop probe may open (its login, or a
 * login again after a drop: the pool never builds one key twice at once); while none runs
 * but some are still to come, the one open connection. Its last target done, nothing (the
 * pool closes the connection then). So a shared bastion costs one probe's sockets for the
 * sweep, not one per target.
 */
class BastionGroups {
  private readonly groups = new Map<string, { full: number; remaining: number; inFlight: number; held: number }>();

  add(key: string, target: Target): void {
    const g = this.groups.get(key);
    if (g) g.remaining++;
    else this.groups.set(key, { full: chainSocketsReserved(target), remaining: 1, inFlight: 0, held: 0 });
  }

  /** Sockets admitting one more target of the group adds. */
  cost(key: string): number {
    const g = this.groups.get(key)!;
    return g.inFlight > 0 ? 0 : g.full - g.held;
  }

  /** Change in sockets held: admitting (+) or finishing (−) one target. */
  start(key: string): number {
    const g = this.groups.get(key)!;
    g.inFlight++;
    return this.settle(g);
  }

  done(key: string): number {
    const g = this.groups.get(key)!;
    g.inFlight--;
    g.remaining--;
    return this.settle(g);
  }

  private settle(g: { full: number; remaining: number; inFlight: number; held: number }): number {
    const held = g.inFlight > 0 ? g.full : g.remaining > 0 ? 1 : 0;
    const delta = held - g.held;
    g.held = held;
    return delta;
  }
}

export async function runSweep(items: readonly SweepItem[], o: SweepOptions): Promise<SweepOutcome> {
  const concurrency = Math.max(1, Math.min(MAX_SWEEP_CONCURRENCY, Math.floor(o.concurrency)));
  // Shared bastion sessions: every item's chain prefixes counted up front, so a session is
  // closed when its last item is done (not when the first finishes while others still queue).
  const pool = o.shareBastions === false ? undefined : new BastionPool({ log: o.log });
  const keysOf = items.map((i) => (pool ? bastionKeys(i.target, i.credentials, (x) => pool.secretId(x)) : []));
  const groups = new BastionGroups();
  keysOf.forEach((k, i) => {
    if (!k.length) return;
    pool!.register(k);
    groups.add(k[0]!, items[i]!.target);
  });
  const results: Array<SweepResult | undefined> = new Array(items.length);
  // Each diagnosis gets its own signal, aborted with the sweep's: hundreds of diagnoses
  // listening on one signal directly would pile up listeners on it.
  const running = new Set<AbortController>();
  const signal = o.signal;
  const abortAll = () => { for (const c of running) c.abort(o.signal.reason); };
  o.signal.addEventListener('abort', abortAll, { once: true });
  let next = 0;
  let reserved = 0;
  let inFlight = 0;
  let peakReserved = 0;
  let peakInFlight = 0;

  return new Promise<SweepOutcome>((resolve) => {
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      pool?.close();
      o.signal.removeEventListener('abort', onAbort);
      o.signal.removeEventListener('abort', abortAll);
      resolve({
        results: results.filter((r): r is SweepResult => !!r),
        unfinished: items.filter((_, i) => !results[i]),
        cancelled: o.signal.aborted,
        peakReservedSockets: peakReserved,
        peakInFlight,
      });
    };
    const onAbort = () => { if (inFlight === 0) finish(); };
    o.signal.addEventListener('abort', onAbort);

    const pump = () => {
      while (!signal.aborted && next < items.length && inFlight < concurrency) {
        const group = keysOf[next]![0];
        const own = items[next]!.target.jump?.length ? chainSocketsReserved(items[next]!.target) : socketsReserved(items[next]!.target);
        const need = group !== undefined ? groups.cost(group) : own;
        // One target alone may need more than the budget (16 alternative ports): it runs alone.
        if (inFlight > 0 && reserved + need > o.socketBudget) break;
        const index = next++;
        const item = items[index]!;
        const held = group !== undefined ? groups.start(group) : own;
        reserved += held;
        inFlight++;
        peakReserved = Math.max(peakReserved, reserved);
        peakInFlight = Math.max(peakInFlight, inFlight);
        o.onStart?.(item, index);
        const ctl = new AbortController();
        running.add(ctl);
        o.diagnose(item, ctl.signal, keysOf[index]!.length ? pool : undefined).then(
          (report) => ({ item, index, report }) as SweepResult,
          (e: unknown) => (isCancelled(e) || ctl.signal.aborted ? undefined : { item, index, error: e instanceof Error ? e.message : String(e) }),
        ).then((r) => {
          running.delete(ctl);
          if (group !== undefined) reserved += groups.done(group);
          else reserved -= held;
          pool?.unregister(keysOf[index]!);
          inFlight--;
          if (r) {
            results[index] = r;
            o.onResult?.(r);
          }
          if (inFlight === 0 && (signal.aborted || next >= items.length)) finish();
          else pump();
        });
      }
      if (inFlight === 0 && (signal.aborted || next >= items.length)) finish();
    };
    pump();
  });
}

/**
 * How far upstream a verdict stops the user: the instance itself, its name, the network, the
 * port, the service, the SSH session, the login. A sweep lists the most upstream first (they
 * block everything after them); within a layer, in this order. `Record` over every code: a new
 * verdict code does not compile until it has its place here.
 */
const LAYER: Record<VerdictCode, number> = {
  LOCAL_CONFIG_ERROR: 0, LOCAL_KEY_REFUSED: 0,
  INSTANCE_NOT_RUNNING: 1, INSTANCE_ISOLATED: 1,
  DNS_FAILURE: 2,
  HOST_UNREACHABLE: 3, NO_RESPONSE: 3, JUMP_FORWARDING_DENIED: 3, CLIENT_NETWORK_BLOCKS: 3,
  SECURITY_GROUP_BLOCKS: 4, NETWORK_ACL_BLOCKS: 4, INSTANCE_FIREWALL_BLOCKS: 4, GUEST_FIREWALL_BLOCKS: 4, PORT_FILTERED: 4, PORT_REJECTED: 4,
  SSHD_NOT_RUNNING: 4, PORT_CLOSED: 4, SERVICE_ON_OTHER_PORT: 4,
  NOT_SSH: 5, NOT_RDP: 5, BANNER_TIMEOUT: 5, CONNECTION_CLOSED: 5, INSTANCE_OVERLOADED: 5,
  KEX_FAILED: 6, HOST_KEY_MISMATCH: 6,
  KEY_FORMAT_UNSUPPORTED: 7, AUTH_METHOD_UNAVAILABLE: 7, AUTH_FAILED: 7, HOST_KEY_UNKNOWN: 7,
  // Logged in, but VS Code's server cannot run, install or be reached there.
  REMOTE_SERVER_UNSUPPORTED: 8, DISK_FULL: 8, PORT_FORWARDING_DISABLED: 8,
  OK: 9,
};
const ORDER: readonly VerdictCode[] = (Object.keys(LAYER) as VerdictCode[]).sort((a, b) => LAYER[a] - LAYER[b]);

/** Sort key, most serious first; a target without a verdict (an internal error) before all. */
export function verdictRank(code: VerdictCode | undefined): number {
  return code === undefined ? -1 : ORDER.indexOf(code);
}

/** A result's group key: its verdict code (none for an internal error). */
export function resultCode(r: SweepResult): VerdictCode | undefined {
  return r.report?.verdict.code;
}

export function sweepPassed(results: readonly SweepResult[], unfinished: readonly SweepItem[]): boolean {
  return unfinished.length === 0 && results.every((r) => r.report && verdictPassed(r.report.verdict));
}

/** Results grouped by verdict, most serious first; each group in input order. */
export function groupByVerdict(results: readonly SweepResult[]): Array<{ code: VerdictCode | undefined; rows: SweepResult[] }> {
  const groups = new Map<string, { code: VerdictCode | undefined; rows: SweepResult[] }>();
  for (const r of [...results].sort((a, b) => a.index - b.index)) {
    const code = resultCode(r);
    const key = code ?? '';
    if (!groups.has(key)) groups.set(key, { code, rows: [] });
    groups.get(key)!.rows.push(r);
  }
  return [...groups.values()].sort((a, b) => verdictRank(a.code) - verdictRank(b.code));
}
