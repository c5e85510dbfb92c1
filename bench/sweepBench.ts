/**
 * The fleet benchmark: `cvm-doctor sweep` over 500 lab targets (namespaces × addresses: healthy,
 * filtered, closed, not-SSH and silent hosts) beside `nmap -Pn -sV -n -p22` over the same
 * addresses with nmap's own parallelism. The sweep runs as the built CLI, as a user runs it:
 * its wall time, whether every verdict is right, its peak sockets (its /proc fd table, sampled)
 * against the socket budget, its peak RSS (VmHWM), and how the time grows with the number of
 * targets (125, 250, 500 at the same concurrency).
 */
import { execFile, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import type { Report, VerdictCode } from '../src/core/model';
import { DEFAULT_SOCKET_BUDGET, DEFAULT_SWEEP_CONCURRENCY } from '../src/core/sweep';
import type { Lab } from '../test/support/lab';
import { CLI_PATH, LAB_TIMEOUT_MS } from '../test/support/labEngine';
import { nmapAvailable } from './manual';
import { ms, table, type TargetRow } from './table';

const PER_HOST = 13; // a lab /28: the host's address and 12 extras
const TARGETS = 500;
const RSS_TARGET_MB = 150;
/** Kinds and how many lab hosts of each (× 13 addresses, trimmed to 500). */
const KINDS: Array<{ kind: string; want: VerdictCode; hosts: number; spec: Parameters<Lab['addHost']>[0] }> = [
  { kind: 'healthy', want: 'OK', hosts: 12, spec: { sshd: {} } },
  { kind: 'filtered', want: 'PORT_FILTERED', hosts: 8, spec: { sshd: {}, nft: 'tcp dport 22 drop' } },
  { kind: 'closed', want: 'PORT_CLOSED', hosts: 8, spec: {} },
  { kind: 'not-ssh', want: 'NOT_SSH', hosts: 5, spec: { servers: [{ kind: 'greeting', port: 22 }] } },
  { kind: 'silent', want: 'NO_RESPONSE', hosts: 6, spec: { sshd: {}, nft: 'meta nfproto ipv4 drop' } },
];

interface SweepRun { wallMs: number; code: number | null; reports: Report[]; peakSockets: number; peakRssMb: number; stderr: string }

/** Runs the CLI's sweep, sampling its descriptor table and RSS every 10 ms. */
function runSweep(hostsFile: string, knownHosts: string, concurrency: number): Promise<SweepRun> {
  const t0 = performance.now();
  const child = spawn(process.execPath, [CLI_PATH, 'sweep', '--hosts-file', hostsFile, '--known-hosts', knownHosts,
    '--timeout', String(LAB_TIMEOUT_MS), '--concurrency', String(concurrency), '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  let peakSockets = 0;
  let peakRssMb = 0;
  const sample = setInterval(() => {
    try {
      const fds = fs.readdirSync(`/proc/${child.pid}/fd`);
      let sockets = 0;
      for (const f of fds) { try { if (fs.readlinkSync(`/proc/${child.pid}/fd/${f}`).startsWith('socket:')) sockets++; } catch { /* closed meanwhile */ } }
      peakSockets = Math.max(peakSockets, sockets);
      const hwm = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      if (hwm) peakRssMb = Math.max(peakRssMb, Number(hwm[1]) / 1024);
    } catch { /* exited */ }
  }, 10);
  const cap = setTimeout(() => child.kill('SIGKILL'), 300_000);
  return new Promise((resolve) => {
    child.once('exit', (code) => {
      clearInterval(sample);
      clearTimeout(cap);
      const reports = stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Report);
      resolve({ wallMs: performance.now() - t0, code, reports, peakSockets, peakRssMb, stderr });
    });
  });
}

/** nmap's wall time over a list, stopped at NMAP_CAP_MS (then `stopped`: its time is a lower bound). */
const NMAP_CAP_MS = 180_000;
function nmap(listFile: string): Promise<{ ms: number; up: number; stopped: boolean }> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    execFile('nmap', ['-Pn', '-sV', '-n', '-p22', '-iL', listFile, '-oG', '-'], { timeout: NMAP_CAP_MS, maxBuffer: 32 << 20 }, (err, stdout) => {
      const took = performance.now() - t0;
      resolve({ ms: took, up: (stdout.match(/^Host: .*Ports: 22\/open/gm) ?? []).length, stopped: !!err && took >= NMAP_CAP_MS - 1000 });
    });
  });
}
const nmapText = (r: { ms: number; up: number; stopped: boolean } | undefined) =>
  !r ? 'nmap not installed' : r.stopped ? `> ${ms(r.ms)} (stopped at the cap, unfinished)` : `${ms(r.ms)} (${r.up} with 22 open)`;

export async function runSweepBench(lab: Lab, out: (s: string) => void): Promise<TargetRow[]> {
  const t0 = performance.now();
  const built = await Promise.all(KINDS.flatMap((k) => Array.from({ length: k.hosts }, (_, i) =>
    lab.addHost({ label: `sweep-${k.kind}-${i}`, ...k.spec, extraAddresses: PER_HOST - 1 }).then((h) => ({ k, h })))));
  const targets: Array<{ address: string; want: VerdictCode; kind: string }> = [];
  for (const { k, h } of built) for (const a of h.ipv4All) targets.push({ address: a, want: k.want, kind: k.kind });
  // Interleave the kinds (a fleet is mixed), then keep 500.
  const mixed = targets.map((t, i) => ({ t, key: (i * 7919) % targets.length })).sort((a, b) => a.key - b.key).map((x) => x.t).slice(0, TARGETS);
  out(`\nSweep: ${mixed.length} targets on ${built.length} lab hosts (${KINDS.map((k) => `${k.kind} ${mixed.filter((t) => t.kind === k.kind).length}`).join(', ')}), built in ${ms(performance.now() - t0)}`);
  const dir = fs.mkdtempSync(path.join(lab.dir, 'sweep-bench-'));
  const list = (n: number) => {
    const f = path.join(dir, `targets-${n}.txt`);
    fs.writeFileSync(f, mixed.slice(0, n).map((t) => t.address).join('\n') + '\n');
    return f;
  };
  const knownHosts = lab.writeKnownHosts(built.filter(({ h }) => h.hostKeys.length).map(({ h }) => h.knownHostsLine));
  const want = new Map(mixed.map((t) => [t.address, t.want]));

  const runs: Array<{ n: number; run: SweepRun }> = [];
  for (const n of [125, 250, TARGETS]) runs.push({ n, run: await runSweep(list(n), knownHosts, DEFAULT_SWEEP_CONCURRENCY) });
  const full = runs[runs.length - 1]!.run;
  const wrong = full.reports.filter((r) => r.verdict.code !== want.get(r.target.host));
  const nmSmall = nmapAvailable() ? await nmap(list(runs[0]!.n)) : undefined;
  const nm = nmapAvailable() ? await nmap(list(TARGETS)) : undefined;

  out(table(['targets', 'sweep wall', 'per (targets/concurrency)', 'peak sockets', 'peak RSS', 'exit'],
    runs.map(({ n, run }) => [String(n), ms(run.wallMs), ms(run.wallMs / (n / DEFAULT_SWEEP_CONCURRENCY)), String(run.peakSockets), `${run.peakRssMb.toFixed(1)} MB`, String(run.code)])));
  out(`nmap -Pn -sV -n -p22 over the same targets: ${runs[0]!.n}: ${nmapText(nmSmall)}; ${TARGETS}: ${nmapText(nm)}`);
  const perSmall = runs[0]!.run.wallMs / (runs[0]!.n / DEFAULT_SWEEP_CONCURRENCY);
  const perFull = full.wallMs / (TARGETS / DEFAULT_SWEEP_CONCURRENCY);
  return [
    {
      metric: `sweep of ${TARGETS} vs nmap -Pn -sV`,
      measured: nm ? `${ms(full.wallMs)} vs ${nm.stopped ? '> ' : ''}${ms(nm.ms)}` : `${ms(full.wallMs)} (no nmap)`,
      target: 'no slower than nmap',
      pass: !!nm && full.wallMs <= nm.ms,
      note: nm?.stopped ? `nmap was stopped at ${ms(NMAP_CAP_MS)}: its time is a lower bound` : '',
    },
    {
      metric: `sweep of ${runs[0]!.n} vs nmap -Pn -sV`,
      measured: nmSmall ? `${ms(runs[0]!.run.wallMs)} vs ${nmSmall.stopped ? '> ' : ''}${ms(nmSmall.ms)}` : '(no nmap)',
      target: 'no slower than nmap',
      pass: !!nmSmall && runs[0]!.run.wallMs <= nmSmall.ms,
    },
    {
      metric: `sweep of ${TARGETS}: verdicts right`,
      measured: `${full.reports.length - wrong.length}/${TARGETS}`,
      target: `${TARGETS}/${TARGETS}`,
      pass: wrong.length === 0 && full.reports.length === TARGETS,
      note: wrong.slice(0, 3).map((r) => `${r.target.host}: want ${want.get(r.target.host)}, got ${r.verdict.code}`).join('; ') + (full.reports.length !== TARGETS ? ` ${full.reports.length} reports; ${full.stderr.split('\n')[0]}` : ''),
    },
    {
      metric: 'sweep peak sockets (whole process)',
      measured: String(Math.max(...runs.map((r) => r.run.peakSockets))),
      target: `<= budget ${DEFAULT_SOCKET_BUDGET}`,
      pass: runs.every((r) => r.run.peakSockets <= DEFAULT_SOCKET_BUDGET),
    },
    { metric: 'sweep peak RSS', measured: `${full.peakRssMb.toFixed(1)} MB`, target: `< ${RSS_TARGET_MB} MB`, pass: full.peakRssMb < RSS_TARGET_MB },
    {
      metric: 'sweep time per (targets / concurrency), 125 → 500',
      measured: `${ms(perSmall)} → ${ms(perFull)}`,
      target: 'no worse than linear (ratio <= 1.25)',
      pass: perFull <= 1.25 * perSmall,
    },
  ];
}
