/**
 * The lab benchmark: time to verdict per broken-host scenario beside the manual flow and nmap,
 * then the engine's targets — concurrency, memory, healthy-host latency against the RTT, and
 * filtered-port latency against the probe timeout.
 */
import { execFile } from 'child_process';
import type { Report, Target } from '../src/core/model';
import { createLab, Lab, LabHost, xrdpUnavailableReason } from '../test/support/lab';
import { Engine, LAB_TIMEOUT_MS } from '../test/support/labEngine';
import { buildScenarioHosts, Scenario, SCENARIOS, ScenarioRun } from '../test/support/labScenarios';
import { manualFlow, nmapAvailable, nmapService } from './manual';
import { runNetworkBench } from './networkBench';
import { runReadinessBench } from './readinessBench';
import { ms, ratio, table, TargetRow } from './table';

/** Concurrency run: these scenarios, each on one namespace with this many addresses. */
const CONCURRENT_KINDS = ['healthy', 'port-filtered', 'port-closed', 'no-response', 'other-port'];
const ADDRESSES_PER_HOST = 10; // 5 × 10 = 50 targets
const HEALTHY_REPEATS = 7;

async function timedDiagnose(engine: Engine, run: ScenarioRun): Promise<{ ms: number; report: Report }> {
  const t0 = performance.now();
  const report = await engine.diagnose(run.target, { probes: engine.createProbes(), credentials: run.credentials });
  return { ms: performance.now() - t0, report };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Round-trip time to a lab host from `ping -c 5 -i 0.2` (average). */
function measureRtt(address: string): Promise<number | undefined> {
  return new Promise((resolve) => {
    execFile('ping', ['-n', '-q', '-c', '5', '-i', '0.2', '-W', '1', address], { timeout: 10_000 }, (_err, stdout) => {
      const m = /= [\d.]+\/([\d.]+)\//.exec(stdout);
      resolve(m ? Number(m[1]) : undefined);
    });
  });
}

export async function runLabBench(engine: Engine, out: (s: string) => void): Promise<TargetRow[]> {
  const lab = await createLab();
  try {
    return await benchOn(lab, engine, out);
  } finally {
    await lab.destroy();
  }
}

async function benchOn(lab: Lab, engine: Engine, out: (s: string) => void): Promise<TargetRow[]> {
  const scenarios = SCENARIOS.filter((s) => !(s.rdp && xrdpUnavailableReason()));
  const tSetup = performance.now();
  const hosts = await buildScenarioHosts(lab, scenarios);
  out(`lab: ${hosts.size} hosts built in ${ms(performance.now() - tSetup)}; probe timeout ${LAB_TIMEOUT_MS} ms`);
  const withNmap = nmapAvailable();
  if (!withNmap) out('nmap is not installed: its column is empty');

  // --- 1. time to verdict per scenario, beside the manual flow -------------------------------
  const rows: string[][] = [];
  const singleMs = new Map<string, number>();
  for (const s of scenarios) {
    const h = hosts.get(s.id);
    if (!h || h instanceof Error) {
      rows.push([s.id, s.verdict, `host failed: ${h instanceof Error ? h.message.split('\n')[0] : 'missing'}`]);
      continue;
    }
    const run = await s.run(h, lab);
    let d: { ms: number; report: Report };
    try {
      d = await timedDiagnose(engine, run);
    } finally {
      run.cleanup?.();
    }
    singleMs.set(s.id, d.ms);
    const got = d.report.verdict.code;
    const row = [s.id, s.verdict, got === s.verdict ? got : `${got} (!)`, ms(d.ms)];
    if (s.benchManual) {
      const manual = await manualFlow(run.target.host, run.target.port, lab.user, run.target.knownHostsPath ?? lab.writeKnownHosts([]));
      const nm = withNmap ? await nmapService(run.target.host, run.target.port) : undefined;
      row.push(ms(manual.totalMs), ratio(manual.totalMs, d.ms), nm ? ms(nm.ms) : '-', nm ? ratio(nm.ms, d.ms) : '-', nm?.state ?? '');
    }
    rows.push(row);
  }
  out('\nTime to verdict per scenario (manual = ping -c 4 + telnet-style connect + ssh -vvv, 5 s timeouts, in sequence)');
  out(table(['scenario', 'expected', 'verdict', 'cvm-doctor', 'manual', 'manual/cvmd', 'nmap -sV', 'nmap/cvmd', 'nmap says'], rows));

  const targets: TargetRow[] = [];

  // --- 2. healthy verdict vs 3 RTTs + 50 ms ------------------------------------------------
  const healthy = hosts.get('healthy');
  if (healthy && !(healthy instanceof Error)) {
    const s = SCENARIOS.find((x) => x.id === 'healthy')!;
    const run = await s.run(healthy, lab);
    const times: number[] = [];
    for (let i = 0; i < HEALTHY_REPEATS; i++) times.push((await timedDiagnose(engine, run)).ms);
    const rtt = await measureRtt(healthy.ipv4);
    const budget = rtt === undefined ? undefined : 3 * rtt + 50;
    targets.push({
      metric: 'healthy host: time to OK (median)',
      measured: ms(median(times)),
      target: budget === undefined ? '3 RTT + 50 ms (RTT unknown)' : `< ${ms(budget)} (RTT ${rtt!.toFixed(3)} ms)`,
      pass: budget !== undefined && median(times) < budget,
      note: `${HEALTHY_REPEATS} runs, min ${ms(Math.min(...times))}, max ${ms(Math.max(...times))}`,
    });
  }

  // --- 3. filtered port vs probe timeout + 100 ms -------------------------------------------
  const filteredMs = singleMs.get('port-filtered');
  if (filteredMs !== undefined) {
    targets.push({
      metric: 'filtered port: time to PORT_FILTERED',
      measured: ms(filteredMs),
      target: `< ${ms(LAB_TIMEOUT_MS + 100)} (timeout + 100 ms)`,
      pass: filteredMs < LAB_TIMEOUT_MS + 100,
    });
  }

  // --- 4. 50 targets at once vs the slowest single diagnosis --------------------------------
  targets.push(...await concurrency(lab, engine, out));

  // --- 4b. the VS Code readiness checks' cost on a healthy login -----------------------------
  targets.push(...await runReadinessBench(lab, engine, out));

  // --- 5. memory: the scenarios and the 50 targets at once -------------------------------------
  const rssMb = process.resourceUsage().maxRSS / 1024;
  const memory: TargetRow = { metric: 'peak RSS of the bench process', measured: `${rssMb.toFixed(1)} MB`, target: '< 100 MB', pass: rssMb < 100 };

  // --- 6. the network layer: false verdicts under SYN loss, filtered port vs nmap ---------------
  targets.push(...await runNetworkBench(lab, engine, out));
  const after = process.resourceUsage().maxRSS / 1024;
  targets.push({ ...memory, note: `measured before the network section (400 more diagnoses, 6 at a time), which peaked at ${after.toFixed(1)} MB` });
  return targets;
}

async function concurrency(lab: Lab, engine: Engine, out: (s: string) => void): Promise<TargetRow[]> {
  const kinds = CONCURRENT_KINDS.map((id) => SCENARIOS.find((s) => s.id === id)!).filter(Boolean);
  const built: Array<{ s: Scenario; h: LabHost }> = await Promise.all(kinds.map(async (s) => ({
    s, h: await lab.addHost({ label: `conc-${s.id}`, ...s.host, extraAddresses: ADDRESSES_PER_HOST - 1 }),
  })));
  const jobs: Array<{ id: string; target: Target; run: ScenarioRun }> = [];
  for (const { s, h } of built) {
    const run = await s.run(h, lab);
    for (const address of h.ipv4All) jobs.push({ id: s.id, target: { ...run.target, host: address }, run });
  }
  // Each kind alone, one address, to find the slowest single diagnosis.
  const single = new Map<string, number>();
  for (const { s, h } of built) {
    const j = jobs.find((x) => x.id === s.id && x.target.host === h.ipv4)!;
    single.set(s.id, (await timedDiagnose(engine, { ...j.run, target: j.target })).ms);
  }
  const slowest = Math.max(...single.values());
  const t0 = performance.now();
  const reports = await Promise.all(jobs.map((j) => engine.diagnose(j.target, { probes: engine.createProbes(), credentials: j.run.credentials })));
  const batchMs = performance.now() - t0;
  const wrong = reports.filter((r, i) => r.verdict.code !== kinds.find((k) => k.id === jobs[i]!.id)!.verdict);
  out(`\nConcurrency: ${jobs.length} targets (${built.length} namespaces x ${ADDRESSES_PER_HOST} addresses); single: ${[...single].map(([k, v]) => `${k} ${ms(v)}`).join(', ')}`);
  return [
    {
      metric: `${jobs.length} targets at once vs slowest single`,
      measured: `${ms(batchMs)} vs ${ms(slowest)} = ${ratio(batchMs, slowest)}`,
      target: '< 1.5x',
      pass: batchMs < 1.5 * slowest,
    },
    {
      metric: `${jobs.length} targets at once: verdicts as expected`,
      measured: `${jobs.length - wrong.length}/${jobs.length}`,
      target: `${jobs.length}/${jobs.length}`,
      pass: wrong.length === 0,
      note: wrong.length ? `e.g. ${wrong.slice(0, 3).map((r) => `${r.target.host}: ${r.verdict.code}`).join('; ')}` : '',
    },
  ];
}


