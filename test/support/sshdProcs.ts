/**
 * sshd's processes in a lab host's namespace, for tests that make a server misbehave mid-run:
 * kill the processes serving connections (a bastion dropping them), or freeze the listener (a
 * server that accepts in the kernel but answers nothing until it is resumed).
 */
import { execFile } from 'child_process';
import * as fs from 'fs';
import type { LabHost } from './lab';

/** sshd's processes in the host's namespace: the listener retitles itself "sshd: /usr/sbin/sshd
 *  -D … [listener] 0 of 10-100 startups"; each connection's processes "sshd: user [priv]" and
 *  "sshd: user@notty". */
async function sshdPids(h: LabHost): Promise<Array<{ pid: number; listener: boolean }>> {
  const stdout = await new Promise<string>((resolve) => execFile('ip', ['netns', 'pids', h.ns], { timeout: 5000 }, (_e, out) => resolve(out ?? '')));
  const out: Array<{ pid: number; listener: boolean }> = [];
  for (const pid of stdout.split(/\s+/).filter(Boolean).map(Number)) {
    let cmd = '';
    try { cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8'); } catch { continue; }
    if (/^sshd: /.test(cmd)) out.push({ pid, listener: cmd.includes('[listener]') });
  }
  return out;
}

/** Kills sshd's per-connection processes in the host's namespace (its listener stays). */
export async function killSessions(h: LabHost): Promise<number> {
  let n = 0;
  for (const p of await sshdPids(h)) {
    if (p.listener) continue;
    try { process.kill(p.pid, 'SIGKILL'); n++; } catch { /* gone */ }
  }
  return n;
}

/** Stops (SIGSTOP) or resumes (SIGCONT) the host's sshd listener; the number signalled. */
export async function signalListener(h: LabHost, signal: 'SIGSTOP' | 'SIGCONT'): Promise<number> {
  let n = 0;
  for (const p of await sshdPids(h)) {
    if (!p.listener) continue;
    try { process.kill(p.pid, signal); n++; } catch { /* gone */ }
  }
  return n;
}
