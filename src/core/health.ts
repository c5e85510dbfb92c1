/**
 * Is the instance overloaded or full? The guest's own view (cloud/guestScriptHealth.ts) and
 * Cloud Monitor's (cloud/monitor.ts) turned into signals, each with the threshold that makes
 * it one. The one home of those thresholds. Pure.
 *
 * A signal is `strong` when on its own it says the instance cannot serve a login in time (a
 * CPU queue that never drains, the hypervisor taking the CPU, the OOM killer at work, the
 * link at its cap); `weak` when it can also mean something harmless (a load average counts
 * tasks waiting on disk too; little free memory is fine while nothing waits for it). The
 * classifier turns a failed banner or login into INSTANCE_OVERLOADED only on a strong signal or
 * two weak ones — never on one weak signal — and reports the rest as findings.
 */
import type { CloudEvidence, GuestHealth, GuestProcess, MonitorEvidence } from './model';

export const HEALTH_THRESHOLDS = {
  /** Load per CPU: at 2 every runnable task waits about half the time. Weak: the load also
   *  counts tasks blocked on I/O, and it is machine-wide. */
  loadPerCpu: 2,
  /** PSI cpu "some" avg10, percent: at least one task waited for a CPU half of the last 10 s —
   *  sshd forking a session waits as long. Strong (a direct measure of waiting). */
  psiCpuSome: 50,
  /** PSI memory "full" avg10, percent: every task stalled on memory a tenth of the time
   *  (thrashing). Strong. */
  psiMemoryFull: 10,
  /** CPU steal, percent: the hypervisor gave a third of this guest's CPU time to others (a
   *  burstable instance out of credits, a noisy host). Strong. */
  stealPct: 30,
  /** Available memory below this share of the total, with swap absent or almost used up: the
   *  next allocation waits for reclaim or the OOM killer. Weak on its own (caches count as
   *  used until reclaimed only partly). */
  memAvailableShare: 0.05,
  swapFreeShare: 0.1,
  /** An OOM kill this recent (seconds) is part of the present trouble: the same window as
   *  the monitoring (15 minutes). Strong: memory ran out. */
  oomRecentSec: 15 * 60,
  /** Cloud Monitor's host-side CPU usage (BaseCpuUsage), percent, at its peak in the window.
   *  Strong: measured by the host, it keeps reporting when the guest is too busy to. */
  baseCpuPct: 90,
  /** Outbound traffic at this share of InternetMaxBandwidthOut: the link is at its cap and
   *  SSH's packets queue behind the rest. Strong. */
  bandwidthShare: 0.95,
  /** A filesystem with less free space than this (KB) is full for a login: sshd's session,
   *  the shell and PAM write a few KB each (lastlog, a home created on first login, xauth,
   *  history) and the next write fails. (The VS Code server's own 200 MB need is readiness.ts's.) */
  diskFreeKb: 1024,
  /** …or fewer free inodes than this: a first login creates a home and a few files in it (the
   *  skeleton, history, lastlog entries live elsewhere), so a dozen or so is the least it needs. */
  diskFreeInodes: 16,
  /** Uptime below this (seconds) means the instance just (re)booted: sshd may not be up yet,
   *  and a reboot loop shows as an uptime that stays this short. */
  recentBootSec: 300,
} as const;

export type HealthSignalKind = 'psi-cpu' | 'psi-memory' | 'steal' | 'load' | 'memory' | 'oom' | 'base-cpu' | 'bandwidth';

export interface HealthSignal {
  kind: HealthSignalKind;
  strength: 'strong' | 'weak';
  /** Where it was seen. */
  source: 'guest' | 'monitor';
  /** The measured value and its threshold, in the signal's unit. */
  value: number;
  threshold: number;
}

/** Cloud Monitor points (one a minute) that count as "now": its data lag a minute or two, and a
 *  peak earlier in the 15-minute window is shown, never blamed for this login. */
export const RECENT_POINTS = 3;

const T = HEALTH_THRESHOLDS;
const round2 = (n: number) => Math.round(n * 100) / 100;

/** The overload signals of the guest's and the monitoring's evidence. */
export function overloadSignals(h: GuestHealth | undefined, m: MonitorEvidence | undefined, bandwidthCapMbps: number | undefined): HealthSignal[] {
  const out: HealthSignal[] = [];
  const add = (kind: HealthSignalKind, strength: HealthSignal['strength'], source: HealthSignal['source'], value: number, threshold: number) =>
    out.push({ kind, strength, source, value: round2(value), threshold });
  if (h) {
    const cpuSome = h.psi?.cpu?.some?.avg10;
    if (cpuSome !== undefined && cpuSome >= T.psiCpuSome) add('psi-cpu', 'strong', 'guest', cpuSome, T.psiCpuSome);
    const memFull = h.psi?.memory?.full?.avg10;
    if (memFull !== undefined && memFull >= T.psiMemoryFull) add('psi-memory', 'strong', 'guest', memFull, T.psiMemoryFull);
    if (h.stealPct !== undefined && h.stealPct >= T.stealPct) add('steal', 'strong', 'guest', h.stealPct, T.stealPct);
    if (h.load && h.cpus && h.load.one / h.cpus >= T.loadPerCpu) add('load', 'weak', 'guest', h.load.one / h.cpus, T.loadPerCpu);
    const mem = h.memory;
    if (mem && mem.totalKb > 0 && mem.availableKb / mem.totalKb < T.memAvailableShare
      && (mem.swapTotalKb === 0 || mem.swapFreeKb / mem.swapTotalKb < T.swapFreeShare)) {
      add('memory', 'weak', 'guest', (mem.availableKb / mem.totalKb) * 100, T.memAvailableShare * 100);
    }
    const recent = recentOomKills(h);
    if (recent.length) add('oom', 'strong', 'guest', recent.length, 1);
  }
  const cpu = metric(m, 'BaseCpuUsage') ?? metric(m, 'CpuUsage');
  if (cpu?.recentMax !== undefined && cpu.recentMax >= T.baseCpuPct) add('base-cpu', 'strong', 'monitor', cpu.recentMax, T.baseCpuPct);
  const bw = bandwidthOut(m);
  if (bw?.recentMax !== undefined && bandwidthCapMbps && bandwidthCapMbps > 0 && bw.recentMax >= bandwidthCapMbps * T.bandwidthShare) {
    add('bandwidth', 'strong', 'monitor', bw.recentMax, bandwidthCapMbps);
  }
  return out;
}

/** Whether these signals explain a slow or dropped login: one strong, or two weak ones. */
export function signalsExplain(signals: HealthSignal[]): boolean {
  return signals.some((s) => s.strength === 'strong') || signals.filter((s) => s.strength === 'weak').length >= 2;
}

/** The instance's overload signals from its cloud evidence. */
export function cloudOverloadSignals(c: CloudEvidence | undefined): HealthSignal[] {
  const g = c?.guest?.agentOnline ? c.guest.health : undefined;
  return overloadSignals(g, c?.monitor, c?.instance?.bandwidthOutMbps);
}

/** OOM kills within the recent window (by the kernel's clock against the uptime). A kill
 *  without a timestamp cannot be placed in time: not counted as recent. */
export function recentOomKills(h: GuestHealth): NonNullable<GuestHealth['oomKills']> {
  const up = h.uptimeSec;
  if (up === undefined) return [];
  return (h.oomKills ?? []).filter((k) => k.atSec !== undefined && up - k.atSec <= T.oomRecentSec && k.atSec <= up + 1);
}

export interface DiskProblem {
  path: string;
  mount: string;
  kind: 'space' | 'inodes' | 'readonly';
  /** Free KB (space) or free inodes. */
  free?: number;
}

/** Filesystems among /, /var, /home, /tmp that are full (space or inodes) or read-only; one
 *  entry per mount and kind (/var on the root filesystem is the root's problem once). */
export function diskProblems(h: GuestHealth | undefined): DiskProblem[] {
  const out: DiskProblem[] = [];
  const seen = new Set<string>();
  for (const d of h?.disks ?? []) {
    const push = (p: DiskProblem) => {
      const key = `${p.mount}|${p.kind}`;
      if (!seen.has(key)) { seen.add(key); out.push(p); }
    };
    if (d.readOnly) push({ path: d.path, mount: d.mount, kind: 'readonly' });
    if (d.sizeKb > 0 && d.availableKb < T.diskFreeKb) push({ path: d.path, mount: d.mount, kind: 'space', free: d.availableKb });
    if (d.inodes && d.inodes.free < T.diskFreeInodes) push({ path: d.path, mount: d.mount, kind: 'inodes', free: d.inodes.free });
  }
  return out;
}

/** The problems that break a login: the root or the home filesystem full, or the root
 *  read-only (DESIGN.md DISK_FULL). /var and /tmp full are findings. */
export function loginDiskProblems(h: GuestHealth | undefined): DiskProblem[] {
  const rootMount = h?.disks?.find((d) => d.path === '/')?.mount;
  return diskProblems(h).filter((p) => p.path === '/' || p.path === '/home' || p.mount === rootMount);
}

export function cloudDiskProblems(c: CloudEvidence | undefined): { all: DiskProblem[]; login: DiskProblem[] } {
  const g = c?.guest?.agentOnline ? c.guest.health : undefined;
  return { all: diskProblems(g), login: loginDiskProblems(g) };
}

/** The process to look at first: the top CPU user for CPU signals, the top memory user for
 *  memory ones. */
export function topProcess(h: GuestHealth | undefined, signals: HealthSignal[]): GuestProcess | undefined {
  const memory = signals.some((s) => s.kind === 'oom' || s.kind === 'memory' || s.kind === 'psi-memory')
    && !signals.some((s) => s.kind === 'psi-cpu' || s.kind === 'load');
  return (memory ? h?.top?.byMemory : h?.top?.byCpu)?.[0] ?? h?.top?.byCpu?.[0];
}

function metric(m: MonitorEvidence | undefined, name: string) {
  const x = m?.metrics.find((k) => k.metric === name);
  return x && x.points > 0 ? x : undefined;
}

/** Outbound public bandwidth in Mbps: CVM's WanOuttraffic, Lighthouse's LighthouseOuttraffic. */
export function bandwidthOut(m: MonitorEvidence | undefined) {
  return metric(m, 'WanOuttraffic') ?? metric(m, 'LighthouseOuttraffic');
}
