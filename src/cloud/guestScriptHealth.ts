/**
 * The in-guest script's health sections (issue 12: is the instance overloaded or full?) and
 * their parser. Fixed, read-only commands with bounded output; nothing in them varies. The
 * fragment uses the script's own `sec`/`end`/`has` shell functions (guestScript.ts) and is
 * appended to it; the parser reads the sections that script's parser split out. Pure.
 *
 * What each section reads:
 * - load: /proc/loadavg, the CPU count, PSI (/proc/pressure/*, kernels 4.20+ with PSI on),
 *   two samples of /proc/stat's cpu line one second apart (CPU steal: time the hypervisor
 *   gave to someone else), /proc/uptime (a reboot loop shows as a very short uptime).
 * - memory: /proc/meminfo's totals, available memory and swap.
 * - oom: the kernel's OOM-killer lines (dmesg, else the kernel journal), with the kernel's
 *   monotonic timestamp so "recent" can be judged against the uptime.
 * - disk: `df -P` and `df -Pi` of /, /var, /home and /tmp, one path at a time (df prints a
 *   mount's row, not the argument: the `path` line says which argument it answers).
 * - mounts: /proc/mounts lines for those four (a root remounted read-only after errors).
 * - top: the processes using the most CPU and memory, so remediation can name one.
 */
import type { GuestHealth, GuestProcess } from '../core/model';
import { mountOptions, parseDf, parseMounts } from '../core/readiness';

/** The paths whose filesystems the disk section reads. */
export const HEALTH_PATHS = ['/', '/var', '/home', '/tmp'] as const;
/** Rows of each top list and OOM lines kept (also bounded in the script). */
const TOP_ROWS = 5;
const OOM_LINES = 20;

export const HEALTH_SCRIPT = `
sec load
head -c 200 /proc/loadavg
echo "cpus $(getconf _NPROCESSORS_ONLN 2>/dev/null || nproc 2>/dev/null)"
for f in cpu memory io; do [ -r /proc/pressure/$f ] && sed -n "s/^/psi $f /p" /proc/pressure/$f 2>/dev/null; done
echo "stat1 $(head -n 1 /proc/stat)"
sleep 1
echo "stat2 $(head -n 1 /proc/stat)"
echo "uptime $(head -c 100 /proc/uptime)"
end load 0

sec memory
grep -E '^(MemTotal|MemAvailable|MemFree|SwapTotal|SwapFree):' /proc/meminfo
end memory $?

sec oom
OOM='invoked oom-killer|Out of memory|out of memory: Killed process|oom-kill:'
if has dmesg && dmesg >/dev/null 2>&1; then
  echo "source dmesg"; dmesg 2>/dev/null | grep -E "$OOM" | tail -n ${OOM_LINES} | cut -c 1-400
elif has journalctl; then
  echo "source journal"; journalctl -k -b -n 5000 -o short-monotonic --no-pager -q 2>/dev/null | grep -E "$OOM" | tail -n ${OOM_LINES} | cut -c 1-400
else
  echo "source none"
fi
end oom 0

sec disk
for p in ${HEALTH_PATHS.join(' ')}; do
  echo "path $p"; df -P "$p" 2>/dev/null | tail -n +2 | head -n 2
  echo "inodes $p"; df -Pi "$p" 2>/dev/null | tail -n +2 | head -n 2
done
end disk 0

sec mounts
grep -E '^[^ ]+ (/|/var|/home|/tmp) ' /proc/mounts 2>/dev/null | head -n 20
end mounts 0

sec top
echo "by cpu"; ps -eo pid,pcpu,pmem,rss,comm --sort=-pcpu 2>/dev/null | head -n ${TOP_ROWS + 1}
echo "by memory"; ps -eo pid,pcpu,pmem,rss,comm --sort=-rss 2>/dev/null | head -n ${TOP_ROWS + 1}
end top 0
`;

const num = (s: string | undefined): number | undefined => {
  if (s === undefined || s.trim() === '') return undefined;
  const n = Number(s);
  return Number.isFinite(n) ? n : undefined;
};

/** /proc/loadavg: "0.02 0.93 1.42 1/89 1547". */
export function parseLoadavg(line: string): GuestHealth['load'] {
  const f = line.trim().split(/\s+/);
  const [one, five, fifteen] = f.slice(0, 3).map(num);
  return one !== undefined && five !== undefined && fifteen !== undefined ? { one, five, fifteen } : undefined;
}

/** A /proc/pressure/* line: "some avg10=63.95 avg60=16.14 avg300=12.09 total=9284055828". */
export function parsePsiLine(line: string): { kind: 'some' | 'full'; avg10: number; avg60: number; avg300: number } | undefined {
  const m = /^(some|full)\s+avg10=([\d.]+)\s+avg60=([\d.]+)\s+avg300=([\d.]+)/.exec(line.trim());
  return m ? { kind: m[1] as 'some' | 'full', avg10: Number(m[2]), avg60: Number(m[3]), avg300: Number(m[4]) } : undefined;
}

/** Steal as a percentage of the CPU time between two /proc/stat "cpu" lines
 *  ("cpu  user nice system idle iowait irq softirq steal guest guest_nice", in ticks). */
export function stealPercent(first: string, second: string): number | undefined {
  const ticks = (l: string) => {
    const f = l.trim().split(/\s+/);
    if (f[0] !== 'cpu' || f.length < 9) return undefined;
    // guest and guest_nice are already counted in user and nice: the total leaves them out.
    const v = f.slice(1, 9).map(Number);
    return v.every(Number.isFinite) ? v : undefined;
  };
  const a = ticks(first);
  const b = ticks(second);
  if (!a || !b) return undefined;
  const d = b.map((x, i) => x - a[i]);
  const total = d.reduce((s, x) => s + x, 0);
  if (total <= 0 || d.some((x) => x < 0)) return undefined;
  return Math.round((d[7] / total) * 1000) / 10;
}

/** /proc/meminfo lines "MemTotal:       24683652 kB". */
export function parseMeminfo(lines: string[]): GuestHealth['memory'] {
  const kv = new Map<string, number>();
  for (const l of lines) {
    const m = /^(\w+):\s+(\d+)\s*kB/.exec(l.trim());
    if (m) kv.set(m[1], Number(m[2]));
  }
  const total = kv.get('MemTotal');
  if (total === undefined) return undefined;
  // MemAvailable exists since Linux 3.14; before it, free memory is the closest (an underestimate).
  const available = kv.get('MemAvailable') ?? kv.get('MemFree');
  if (available === undefined) return undefined;
  return { totalKb: total, availableKb: available, swapTotalKb: kv.get('SwapTotal') ?? 0, swapFreeKb: kv.get('SwapFree') ?? 0 };
}

/**
 * The OOM killer's lines, as the kernel prints them (mm/oom_kill.c): "[20019.286480] Memory
 * cgroup out of memory: Killed process 2343 (python3) total-vm:…" (or "Out of memory: Killed
 * process …" for the whole system), from dmesg or `journalctl -k -o short-monotonic`
 * ("[20019.286480] host kernel: …"). One kill per "Killed process" line; `atSec` is the
 * kernel's monotonic time (seconds since boot, as /proc/uptime counts).
 */
export function parseOomLines(lines: string[]): NonNullable<GuestHealth['oomKills']> {
  const out: NonNullable<GuestHealth['oomKills']> = [];
  for (const l of lines) {
    const m = /Killed process (\d+) \((.{1,64}?)\)/.exec(l);
    if (!m) continue;
    const at = /^\[\s*(\d+(?:\.\d+)?)\]/.exec(l.trim());
    out.push({
      pid: Number(m[1]), process: m[2],
      ...(at ? { atSec: Number(at[1]) } : {}),
      ...(/Memory cgroup out of memory/.test(l) ? { cgroup: true } : {}),
      line: l.trim().slice(0, 400),
    });
  }
  return out.slice(-OOM_LINES);
}

/** The disk section: "path P" then df -P's row, "inodes P" then df -Pi's row, per path. */
export function parseHealthDisk(lines: string[]): NonNullable<GuestHealth['disks']> {
  const space = new Map<string, string[]>();
  const inodes = new Map<string, string[]>();
  let into: string[] | undefined;
  for (const l of lines) {
    const p = /^path (\S+)$/.exec(l);
    const i = /^inodes (\S+)$/.exec(l);
    if (p) { into = []; space.set(p[1], into); continue; }
    if (i) { into = []; inodes.set(i[1], into); continue; }
    into?.push(l);
  }
  const out: NonNullable<GuestHealth['disks']> = [];
  for (const [path, rows] of space) {
    const s = parseDf(rows.join('\n'))[0];
    if (!s) continue;
    const ino = parseDf((inodes.get(path) ?? []).join('\n'))[0];
    out.push({
      path, mount: s.mount, filesystem: s.filesystem, sizeKb: s.blocks, usedKb: s.used, availableKb: s.available,
      // A filesystem without an inode table (btrfs, some tmpfs) reports 0 inodes: unknown, not full.
      ...(ino && ino.blocks > 0 ? { inodes: { total: ino.blocks, free: ino.available } } : {}),
    });
  }
  return out;
}

/** `ps -eo pid,pcpu,pmem,rss,comm`: the header, then rows (comm last: it may hold spaces). */
function parsePs(lines: string[]): GuestProcess[] {
  const out: GuestProcess[] = [];
  for (const l of lines) {
    const m = /^\s*(\d+)\s+([\d.]+)\s+([\d.]+)\s+(\d+)\s+(.+?)\s*$/.exec(l);
    if (m) out.push({ pid: Number(m[1]), cpuPct: Number(m[2]), memPct: Number(m[3]), rssKb: Number(m[4]), command: m[5].slice(0, 64) });
  }
  return out.slice(0, TOP_ROWS);
}

export function parseTop(lines: string[]): GuestHealth['top'] {
  const cpuAt = lines.indexOf('by cpu');
  const memAt = lines.indexOf('by memory');
  if (cpuAt < 0 || memAt < 0) return undefined;
  const byCpu = parsePs(lines.slice(cpuAt + 1, memAt));
  const byMemory = parsePs(lines.slice(memAt + 1));
  return byCpu.length || byMemory.length ? { byCpu, byMemory } : undefined;
}

/** The health sections of the script's output (`lines(name)` gives a section's lines, or
 *  undefined when the section is absent), as evidence; undefined when none of them ran. */
export function parseGuestHealth(lines: (name: string) => string[] | undefined): GuestHealth | undefined {
  const names = ['load', 'memory', 'oom', 'disk', 'mounts', 'top'];
  if (!names.some((n) => lines(n) !== undefined)) return undefined;
  const h: GuestHealth = {};
  const load = lines('load') ?? [];
  const first = load.find((l) => /^\d+(\.\d+)?\s+\d/.test(l));
  const avg = first !== undefined ? parseLoadavg(first) : undefined;
  if (avg) h.load = avg;
  const cpus = num(load.find((l) => l.startsWith('cpus '))?.slice(5));
  if (cpus !== undefined && cpus > 0) h.cpus = cpus;
  const psi: NonNullable<GuestHealth['psi']> = {};
  for (const l of load) {
    const m = /^psi (cpu|memory|io) (.*)$/.exec(l);
    const p = m ? parsePsiLine(m[2]) : undefined;
    if (!m || !p) continue;
    const r = (psi[m[1] as 'cpu' | 'memory' | 'io'] ??= {});
    r[p.kind] = { avg10: p.avg10, avg60: p.avg60, avg300: p.avg300 };
  }
  if (Object.keys(psi).length) h.psi = psi;
  const s1 = load.find((l) => l.startsWith('stat1 '))?.slice(6);
  const s2 = load.find((l) => l.startsWith('stat2 '))?.slice(6);
  const steal = s1 && s2 ? stealPercent(s1, s2) : undefined;
  if (steal !== undefined) h.stealPct = steal;
  const up = num(load.find((l) => l.startsWith('uptime '))?.slice(7).trim().split(/\s+/)[0]);
  if (up !== undefined) h.uptimeSec = up;
  const mem = parseMeminfo(lines('memory') ?? []);
  if (mem) h.memory = mem;
  const oom = lines('oom');
  const source = oom?.find((l) => l.startsWith('source '))?.slice(7);
  // Without a kernel log to read, "no OOM kill" would be a guess: the kills stay unknown.
  if (oom && (source === 'dmesg' || source === 'journal')) h.oomKills = parseOomLines(oom);
  const disks = parseHealthDisk(lines('disk') ?? []);
  const mounts = parseMounts((lines('mounts') ?? []).join('\n'));
  for (const d of disks) if (mountOptions(mounts, d.mount)?.includes('ro')) d.readOnly = true;
  if (disks.length) h.disks = disks;
  const top = parseTop(lines('top') ?? []);
  if (top) h.top = top;
  return h;
}
