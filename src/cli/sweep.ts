/**
 * `cvm-doctor sweep`: every target of a source, one verdict each (core/sweep.ts runs them
 * within the concurrency and socket bounds). While it runs, a progress line on stderr when
 * stderr is a terminal; `--json` writes one report per line as each target finishes; at the
 * end, the table grouped by verdict. A cancel (Ctrl-C) stops admitting targets, ends the
 * running ones (their sockets and child processes with them) and prints what finished.
 */
import { diagnose } from '../core/diagnose';
import { SCHEMA_VERSION } from '../core/model';
import type { CloudInspector } from '../core/probeContract';
import { renderJsonLine } from '../core/render/json';
import { renderSweepTable, sweepProgressLine } from '../core/render/sweep';
import { DEFAULT_SOCKET_BUDGET, runSweep, sweepPassed, type SweepResult } from '../core/sweep';
import { createProbes, prepareKey } from '../probes';
import type { SweepCommand } from './sweepArgs';
import { hostsFileTargets, sshConfigTargets, tencentTargets, type SweepTargets } from './sweepSources';

export interface SweepIo {
  stdout: { write(s: string): unknown; isTTY?: boolean };
  stderr: { write(s: string): unknown; isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  log?: (l: string) => void;
}

/** Resolves with the exit code: 0 every target OK, 1 any not, 2 cancelled. */
export async function runSweepCommand(cmd: SweepCommand, signal: AbortSignal, io: SweepIo): Promise<number> {
  let targets: SweepTargets;
  let cloud: CloudInspector | undefined;
  if (cmd.source.kind === 'tencent') {
    // Loaded only when asked for: the SDK is the heaviest part of the bundle.
    const { createTencentInspector, loadTencentConfigFromEnv } = await import('../cloud/index');
    // One cache for the whole sweep: each security group, ACL and template is read once.
    const cfg = { ...loadTencentConfigFromEnv(io.env, cmd.source.profile), log: io.log, readCache: new Map<string, Promise<unknown>>() };
    targets = await tencentTargets({ ...cmd, source: cmd.source }, cfg, signal);
    cloud = createTencentInspector(cfg);
  } else if (cmd.source.kind === 'hosts-file') {
    targets = hostsFileTargets({ ...cmd, source: cmd.source });
  } else {
    targets = sshConfigTargets({ ...cmd, source: cmd.source });
  }

  const probes = createProbes({ log: io.log });
  // Each distinct key is decrypted once, here, before any diagnosis is timed (probes/ssh.ts).
  for (const c of new Set(targets.items.map((i) => i.credentials).filter((c) => !!c))) await prepareKey(c);
  const total = targets.items.length + targets.skipped.length;
  const finished: SweepResult[] = [];
  const progress = !cmd.json && io.stderr.isTTY;
  const showProgress = () => { if (progress) io.stderr.write(`\r\x1b[K${sweepProgressLine(finished, targets.items.length, cmd.lang)}`); };
  const started = performance.now();
  showProgress();
  const outcome = await runSweep(targets.items, {
    concurrency: cmd.concurrency,
    socketBudget: DEFAULT_SOCKET_BUDGET,
    signal,
    log: io.log,
    diagnose: (item, s, bastions) => diagnose(item.target, { probes, cloud, credentials: item.credentials, lang: cmd.lang, log: io.log, ...(bastions ? { bastions } : {}) }, s),
    onResult: (r) => {
      finished.push(r);
      if (cmd.json) io.stdout.write(renderJsonLine(r.report ?? errorLine(r)));
      showProgress();
    },
  });
  if (progress) io.stderr.write('\r\x1b[K');
  if (cmd.json) {
    for (const k of targets.skipped) io.stdout.write(renderJsonLine({ schemaVersion: SCHEMA_VERSION, target: { name: k.label }, error: k.reason }));
  } else {
    io.stdout.write(renderSweepTable({
      results: outcome.results, unfinished: outcome.unfinished, skipped: targets.skipped, total,
      durationMs: performance.now() - started, concurrency: Math.min(cmd.concurrency, outcome.peakInFlight || 1),
      cancelled: outcome.cancelled, lang: cmd.lang, color: !!io.stdout.isTTY && !io.env.NO_COLOR,
    }));
  }
  if (outcome.cancelled) {
    io.stderr.write(`cvm-doctor: cancelled (${outcome.results.length} of ${targets.items.length} targets finished)\n`);
    return 2;
  }
  return sweepPassed(outcome.results, outcome.unfinished) && targets.skipped.length === 0 ? 0 : 1;
}

/** A target whose diagnosis failed inside CVM Doctor: its line says so instead of a report. */
function errorLine(r: SweepResult): object {
  const t = r.item.target;
  return { schemaVersion: SCHEMA_VERSION, target: { host: t.host, port: t.port, protocol: t.protocol, user: t.user, name: t.name ?? r.item.label }, error: r.error };
}
