// Extension benchmark (called by bench/run.ts after the lab section):
// - VSIX and bundle sizes: the VSIX is packaged fresh from the current dist/ into a temp dir
//   (vsce, no rebuild), so the sizes and the activation runs describe this build;
// - activation (bench/extensionActivation.ts): cold runs in real VS Code (code-server +
//   chromium, only when already installed by `npm test`) and the bundle's module evaluation
//   in plain Node;
// - the reachability scheduler watching 200 saved instances on loopback: sockets open at once
//   (counted on the real sockets: connect() until the descriptor is closed), CPU ms per minute of this process
//   (the SSH-banner server runs in a child process, so its CPU is not counted).
// Limits come from package.json (the configured defaults), not from constants here.
import { execFile, spawn } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { lightCheck } from '../src/vscode/reachability/lightCheck';
import { ReachabilityScheduler } from '../src/vscode/reachability/scheduler';
import { measureBundleEvaluation, measureColdActivation, median } from './extensionActivation';
import { ms, table, targetTable, type TargetRow } from './table';

const ROOT = path.resolve(__dirname, '../..');
const out = (s: string) => process.stdout.write(`${s}\n`);

/** Targets from the issue ("activation under 100 ms of our own code, VSIX under 2 MB"). */
const ACTIVATE_TARGET_MS = 100;
const VSIX_TARGET_BYTES = 2 * 1024 * 1024;
const COLD_RUNS = Number(process.env.CVM_BENCH_COLD_RUNS ?? 3);
const EVAL_RUNS = 5;
const SCHEDULER_INSTANCES = 200;
const SCHEDULER_WINDOW_MS = 10_000;

const kib = (b: number) => (b >= 1024 * 1024 ? `${(b / 1024 / 1024).toFixed(2)} MiB` : `${(b / 1024).toFixed(1)} KiB`);
const fileSize = (f: string): number | undefined => (fs.existsSync(f) ? fs.statSync(f).size : undefined);

function configDefault(key: string): unknown {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
    contributes: { configuration: { properties: Record<string, { default?: unknown }> } };
  };
  return pkg.contributes.configuration.properties[key]?.default;
}

/** Packages the current dist/ into a temp VSIX (no rebuild: scripts/bench.sh just built it). */
function packageVsix(dir: string): Promise<{ vsix?: string; error?: string; ms: number }> {
  const vsix = path.join(dir, 'cvm-doctor.vsix');
  const vsce = path.join(ROOT, 'node_modules', '.bin', 'vsce');
  const t0 = performance.now();
  return new Promise((resolve) => {
    execFile(vsce, ['package', '--no-dependencies', '--out', vsix], { cwd: ROOT, timeout: 120_000, maxBuffer: 8 << 20 }, (err, _o, stderr) => {
      const took = performance.now() - t0;
      resolve(err || !fs.existsSync(vsix) ? { error: `${err?.message ?? 'no output'} ${stderr}`.trim().split('\n')[0], ms: took } : { vsix, ms: took });
    });
  });
}

/** An SSH-banner server in a child process (its CPU is not ours). Resolves its port. */
async function bannerServer(): Promise<{ port: number; stop: () => Promise<void> }> {
  const code = `const s=require('net').createServer(c=>{c.on('error',()=>{});c.end('SSH-2.0-Bench\\r\\n')});`
    + `s.listen(0,'127.0.0.1',()=>process.stdout.write(s.address().port+'\\n'));setTimeout(()=>process.exit(0),120000).unref();`
    + `process.stdin.on('end',()=>process.exit(0));process.stdin.resume();`;
  const child = spawn(process.execPath, ['-e', code], { stdio: ['pipe', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('banner server did not start in 10 s')), 10_000);
    child.stdout.once('data', (d: Buffer) => { clearTimeout(t); resolve(Number(d.toString().trim())); });
    child.once('exit', (c) => { clearTimeout(t); reject(new Error(`banner server exited ${c}`)); });
  });
  return {
    port,
    stop: () => new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      const k = setTimeout(() => { child.kill('SIGKILL'); resolve(); }, 3000);
      child.once('exit', () => { clearTimeout(k); resolve(); });
      child.stdin.end();
    }),
  };
}

interface SchedulerCost {
  checks: number; secs: number; maxSockets: number; maxUntilEvent: number; maxInFlight: number; cpuMsPerMin: number; limit: number; intervalMs: number;
  /** Checks started while the window was unfocused, after 200 instances arrived at once (an import). */
  startedWhileUnfocused: number;
  /** From focus to every imported instance's first result. */
  firstRoundMs: number;
}

async function schedulerCost(): Promise<SchedulerCost> {
  const limit = Number(configDefault('cvmDoctor.maxConcurrentChecks'));
  const timeoutMs = Number(configDefault('cvmDoctor.probeTimeoutMs'));
  // Worst case: every instance due every second (the configured default interval is far longer).
  const intervalMs = 1000;
  const srv = await bannerServer();
  // Count real client sockets. OS level: from connect() (the TCP handle and its descriptor are
  // created there) until the handle's close(), which Node calls synchronously in destroy() and
  // which closes the descriptor at once. The 'close' event comes a loop turn later: counted too,
  // for comparison.
  const proto = net.Socket.prototype as unknown as { connect: (...a: unknown[]) => net.Socket };
  const originalConnect = proto.connect;
  let open = 0;
  let maxSockets = 0;
  let untilEvent = 0;
  let maxUntilEvent = 0;
  proto.connect = function (this: net.Socket, ...a: unknown[]) {
    open++;
    maxSockets = Math.max(maxSockets, open);
    untilEvent++;
    maxUntilEvent = Math.max(maxUntilEvent, untilEvent);
    let held = true;
    const release = () => { if (held) { held = false; open--; } };
    this.once('close', () => { release(); untilEvent--; });
    const r = originalConnect.apply(this, a);
    const handle = (this as unknown as { _handle?: { close?: (...x: unknown[]) => unknown } })._handle;
    if (handle && typeof handle.close === 'function') {
      const close = handle.close;
      handle.close = function (this: unknown, ...x: unknown[]) { release(); return close.apply(this, x); };
    }
    return r;
  };
  const firstResults = new Set<string>();
  let firstRoundDone: () => void = () => undefined;
  const firstRound = new Promise<void>((r) => { firstRoundDone = r; });
  const s = new ReachabilityScheduler({
    check: lightCheck, intervalMs, timeoutMs, maxConcurrent: limit,
    onChange: (id, info) => {
      if (info.checkedAt === undefined) return;
      firstResults.add(id);
      if (firstResults.size === SCHEDULER_INSTANCES) firstRoundDone();
    },
  });
  try {
    // An import: 200 new instances arrive at once while the window is in the background.
    s.setFocused(false);
    s.setTargets(Array.from({ length: SCHEDULER_INSTANCES }, (_, i) => ({ id: `b${i}`, host: '127.0.0.1', port: srv.port, protocol: 'ssh' as const })));
    await new Promise((r) => setTimeout(r, 500));
    const startedWhileUnfocused = s.checksStarted;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    s.setFocused(true);
    await Promise.race([firstRound, new Promise((r) => setTimeout(r, SCHEDULER_WINDOW_MS))]);
    const firstRoundMs = firstResults.size === SCHEDULER_INSTANCES ? performance.now() - t0 : NaN;
    await new Promise((r) => setTimeout(r, Math.max(0, SCHEDULER_WINDOW_MS - (performance.now() - t0))));
    const cpu = process.cpuUsage(cpu0);
    const secs = (performance.now() - t0) / 1000;
    return {
      checks: s.checksStarted, secs, maxSockets, maxUntilEvent, maxInFlight: s.maxInFlight, cpuMsPerMin: ((cpu.user + cpu.system) / 1000) * (60 / secs), limit, intervalMs,
      startedWhileUnfocused, firstRoundMs,
    };
  } finally {
    s.dispose();
    proto.connect = originalConnect;
    await srv.stop();
  }
}

export default async function benchExtension(): Promise<void> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cvmd-bench-'));
  try {
    const targets: TargetRow[] = [];
    const info: string[][] = [];

    // Sizes.
    const pkg = await packageVsix(tmp);
    const vsix = pkg.vsix ?? (fs.existsSync(path.join(ROOT, 'cvm-doctor.vsix')) ? path.join(ROOT, 'cvm-doctor.vsix') : undefined);
    if (pkg.error) out(`vsce package failed (${pkg.error}); ${vsix ? 'using the existing cvm-doctor.vsix' : 'no VSIX'}`);
    const vsixBytes = vsix ? fileSize(vsix) : undefined;
    const bundle = path.join(ROOT, 'dist', 'extension.js');
    const bundleBytes = fileSize(bundle);
    const webviewBytes = fileSize(path.join(ROOT, 'media', 'report.js'));
    if (vsixBytes !== undefined) {
      targets.push({ metric: 'VSIX size', measured: kib(vsixBytes), target: `< ${kib(VSIX_TARGET_BYTES)}`, pass: vsixBytes < VSIX_TARGET_BYTES, note: pkg.vsix ? `packaged from dist/ in ${ms(pkg.ms)}` : 'existing cvm-doctor.vsix' });
    } else {
      out('VSIX size: n/a (not packaged)');
    }
    info.push(['bundle dist/extension.js', bundleBytes === undefined ? 'n/a (not built)' : kib(bundleBytes), 'production build (minified)']);
    info.push(['webview media/report.js', webviewBytes === undefined ? 'n/a (not built)' : kib(webviewBytes), '']);

    // Bundle evaluation in plain Node.
    let evalMedian: number | undefined;
    if (bundleBytes !== undefined) {
      const ev = await measureBundleEvaluation(bundle, EVAL_RUNS);
      evalMedian = median(ev.ms);
      info.push(['bundle module evaluation (Node, stub vscode)', evalMedian === undefined ? `failed: ${ev.error}` : ms(evalMedian),
        ev.ms.length ? `median of ${ev.ms.length} fresh processes (${ev.ms.map((v) => v.toFixed(1)).join(', ')} ms)` : '']);
    }

    // Cold activation in real VS Code.
    out(`cold activation in code-server (${COLD_RUNS} runs, fresh user-data-dir and browser profile each):`);
    const act = await measureColdActivation(vsix, COLD_RUNS, out);
    if (act.skipped) {
      out(`  ${act.skipped}`);
      for (const m of ['page load → tree rendered', 'activate() in VS Code']) info.push([m, act.skipped, '']);
    } else if (act.runs.length) {
      const r = act.runs;
      const n = `median of ${r.length} cold run(s)${act.errors.length ? `, ${act.errors.length} failed` : ''}`;
      info.push(['page load → tree rendered (wall)', ms(median(r.map((x) => x.pageToTreeMs))), `${n}; click on the activity-bar item included`]);
      info.push(['extension host start → tree rendered', ms(median(r.map((x) => x.exthostToTreeMs))), n]);
      info.push(['host activation span (load + evaluate + activate())', ms(median(r.map((x) => x.hostActivationSpanMs))),
        `${n}; from "_doActivateExtension" (${[...new Set(r.map((x) => x.activationEvent))].join(', ')}) to our log line, other extensions activating alongside`]);
      const activateMs = median(r.map((x) => x.activateMs))!;
      info.push(['activate() body (its log line)', ms(activateMs), n]);
      const own = activateMs + (evalMedian ?? 0);
      targets.push({
        metric: 'activation, own code', measured: ms(own), target: `< ${ACTIVATE_TARGET_MS} ms`, pass: own < ACTIVATE_TARGET_MS,
        note: evalMedian === undefined ? 'activate() only (bundle evaluation not measured)' : `activate() ${ms(activateMs)} in VS Code + bundle evaluation ${ms(evalMedian)} in Node`,
      });
    } else {
      info.push(['cold activation', `all ${COLD_RUNS} runs failed`, act.errors[0] ?? '']);
      targets.push({ metric: 'activation, own code', measured: 'not measured', target: `< ${ACTIVATE_TARGET_MS} ms`, pass: false, note: act.errors[0] });
    }

    // Scheduler.
    const sc = await schedulerCost();
    info.push([`scheduler, ${SCHEDULER_INSTANCES} instances on loopback`, `${sc.checks} checks in ${sc.secs.toFixed(1)} s`,
      `every instance due every ${sc.intervalMs / 1000} s (worst case; default interval ${String(configDefault('cvmDoctor.pollIntervalSeconds'))} s)`]);
    info.push([`import of ${SCHEDULER_INSTANCES} instances: first checks`, Number.isNaN(sc.firstRoundMs) ? 'not all checked in the window' : ms(sc.firstRoundMs),
      `from window focus to every instance's first result, ≤ ${sc.limit} at once`]);
    targets.push({
      metric: 'checks while unfocused after an import', measured: String(sc.startedWhileUnfocused), target: '0', pass: sc.startedWhileUnfocused === 0,
      note: `${SCHEDULER_INSTANCES} instances added at once with the window in the background, 500 ms watched`,
    });
    info.push(['scheduler CPU (this process)', `${sc.cpuMsPerMin.toFixed(0)} ms/min`, `${((sc.cpuMsPerMin / 60_000) * 100).toFixed(1)}% of one core; banner server in a child process, not counted`]);
    targets.push({
      metric: 'sockets open at once', measured: String(sc.maxSockets), target: `≤ ${sc.limit} (cvmDoctor.maxConcurrentChecks)`, pass: sc.maxSockets <= sc.limit,
      note: `descriptors, connect() → handle closed; scheduler's in-flight max ${sc.maxInFlight}; ${sc.maxUntilEvent} counting until the later 'close' event`,
    });

    out('');
    out(table(['measurement', 'value', 'note'], info));
    out('\nTargets');
    out(targetTable(targets));
    out(`\nextension benchmark: ${targets.filter((t) => t.pass).length}/${targets.length} targets met${act.skipped ? ` (activation ${act.skipped})` : ''}`);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

if (require.main === module) void benchExtension();
