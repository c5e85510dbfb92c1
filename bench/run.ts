/**
 * `npm run bench` (node out/bench/run.js). Not a test: it prints timings and PASS/MISS against
 * the performance targets. The lab section needs root; without it we say why and go on. Then,
 * when out/bench/extension.js exists (written by the extension helper), its default export runs.
 */
import * as fs from 'fs';
import * as path from 'path';
import { createLab, labUnavailableReason } from '../test/support/lab';
import { cliUnavailableReason, loadEngine } from '../test/support/labEngine';
import { runBastionSweepBench, runJumpBench } from './jumpBench';
import { runLabBench } from './labBench';
import { runNetworkBench } from './networkBench';
import { runSweepBench } from './sweepBench';
import { runReadinessBench } from './readinessBench';
import { targetTable } from './table';

const out = (s: string) => process.stdout.write(`${s}\n`);

async function labSection(): Promise<void> {
  out('== Lab benchmark (real hosts in network namespaces) ==');
  const engine = loadEngine();
  const reason = labUnavailableReason() ?? (typeof engine === 'string' ? engine : undefined);
  if (reason || typeof engine === 'string') {
    out(`lab benchmark skipped: ${reason}`);
    return;
  }
  const t0 = performance.now();
  const targets = await runLabBench(engine, out);
  targets.push(...await runJumpBench(out));
  out('\nTargets');
  out(targetTable(targets));
  out(`\nlab benchmark: ${targets.filter((t) => t.pass).length}/${targets.length} targets met, ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

async function extensionSection(): Promise<void> {
  const file = path.join(__dirname, 'extension.js');
  if (!fs.existsSync(file)) return;
  out('\n== Extension benchmark ==');
  const mod = require(file) as { default?: () => unknown } | (() => unknown);
  const fn = typeof mod === 'function' ? mod : mod.default;
  if (typeof fn !== 'function') {
    out('out/bench/extension.js has no default export function');
    return;
  }
  await fn();
}

/** `npm run bench -- --network`: only the network layer's targets (a few minutes less). */
async function networkSection(): Promise<void> {
  out('== Network layer benchmark (real hosts in network namespaces) ==');
  const engine = loadEngine();
  const reason = labUnavailableReason() ?? (typeof engine === 'string' ? engine : undefined);
  if (reason || typeof engine === 'string') {
    out(`network benchmark skipped: ${reason}`);
    return;
  }
  const lab = await createLab();
  try {
    const targets = await runNetworkBench(lab, engine, out);
    out('\nTargets');
    out(targetTable(targets));
  } finally {
    await lab.destroy();
  }
}

/** The fleet sweep beside nmap (its own lab: 39 hosts × 13 addresses). `--sweep`: only this. */
async function sweepSection(): Promise<void> {
  out('\n== Sweep benchmark (500 lab targets) ==');
  const reason = labUnavailableReason() ?? cliUnavailableReason();
  if (reason) {
    out(`sweep benchmark skipped: ${reason}`);
    return;
  }
  const lab = await createLab();
  try {
    const targets = await runSweepBench(lab, out);
    out('\nTargets');
    out(targetTable(targets));
  } finally {
    await lab.destroy();
  }
}

/** `npm run bench -- --readiness`: only the VS Code readiness checks' cost. */
async function readinessSection(): Promise<void> {
  out('== VS Code readiness benchmark (a real login on a lab guest) ==');
  const engine = loadEngine();
  const reason = labUnavailableReason() ?? (typeof engine === 'string' ? engine : undefined);
  if (reason || typeof engine === 'string') {
    out(`readiness benchmark skipped: ${reason}`);
    return;
  }
  const lab = await createLab();
  try {
    out('\nTargets');
    out(targetTable(await runReadinessBench(lab, engine, out)));
  } finally {
    await lab.destroy();
  }
}

async function main(): Promise<void> {
  if (process.argv.includes('--network')) {
    await networkSection();
    return;
  }
  if (process.argv.includes('--readiness')) {
    await readinessSection();
    return;
  }
  if (process.argv.includes('--sweep')) {
    await sweepSection();
    return;
  }
  if (process.argv.includes('--jump')) {
    const targets = [...await runJumpBench(out), ...await runBastionSweepBench(out)];
    out('\nTargets');
    out(targetTable(targets));
    return;
  }
  await labSection();
  await sweepSection();
  await extensionSection();
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`bench failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
    process.exit(1);
  },
);
