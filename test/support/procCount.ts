/**
 * What a process still holds, read from /proc: its open sockets and its direct children (the
 * OpenSSH runs of its diagnoses). The lab's "nothing left behind" assertions count with these.
 */
import * as fs from 'fs';

/** Sockets open in a process (0 once it is gone). */
export function openSockets(pid: number): number {
  try {
    return fs.readdirSync(`/proc/${pid}/fd`).filter((f) => { try { return fs.readlinkSync(`/proc/${pid}/fd/${f}`).startsWith('socket:'); } catch { return false; } }).length;
  } catch {
    return 0;
  }
}

/** Direct children of a process (from /proc). */
export function childPids(pid: number): number[] {
  const out: number[] = [];
  for (const d of fs.readdirSync('/proc').filter((x) => /^\d+$/.test(x))) {
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(d));
    } catch { /* gone */ }
  }
  return out;
}

/** Those of `pids` still alive. */
export function alivePids(pids: readonly number[]): number[] {
  return pids.filter((p) => { try { process.kill(p, 0); return true; } catch { return false; } });
}
