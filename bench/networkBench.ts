/**
 * The network layer's targets (issue 7): the false-verdict rate of a healthy sshd behind
 * random SYN loss, and the time to PORT_FILTERED on a dropped port beside
 * `nmap -Pn -sV -p22`. Bounded: a fixed number of diagnoses, a few at a time.
 */
import { synPlan } from '../src/core/deadline';
import type { Report, VerdictCode } from '../src/core/model';
import type { Lab, LabHost } from '../test/support/lab';
import { type Engine, labTarget } from '../test/support/labEngine';
import { SCENARIOS } from '../test/support/labScenarios';
import { nmapAvailable, nmapService } from './manual';
import { ms, type TargetRow } from './table';

const DIAGNOSES = 200;
/** Diagnoses in flight at once against the one sshd (its MaxStartups starts refusing at 10). */
const CONCURRENCY = 6;
const FILTERED_REPEATS = 5;
const LOSS_TARGETS: Array<{ percent: number; maxWrong: number }> = [{ percent: 10, maxWrong: 1 }, { percent: 2, maxWrong: 0 }];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Packets the host's counted drop rule dropped (`counter packets N` in its ruleset). */
async function dropped(h: LabHost): Promise<number | undefined> {
  const { stdout } = await h.exec(['nft', 'list', 'ruleset']);
  const m = /counter packets (\d+)/.exec(stdout);
  return m ? Number(m[1]) : undefined;
}

async function lossRate(lab: Lab, engine: Engine, percent: number, maxWrong: number, out: (s: string) => void): Promise<TargetRow> {
  const h = await lab.addHost({ label: `loss-${percent}`, sshd: {}, nft: `tcp dport 22 tcp flags syn numgen random mod 100 < ${percent} counter drop` });
  const target = labTarget(h.ipv4, { knownHostsPath: lab.writeKnownHosts([h.knownHostsLine]) });
  const verdicts = new Map<VerdictCode, number>();
  let retried = 0;
  let next = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < DIAGNOSES) {
      next++;
      const r: Report = await engine.diagnose(target, { probes: engine.createProbes() });
      verdicts.set(r.verdict.code, (verdicts.get(r.verdict.code) ?? 0) + 1);
      const tcp = r.checks.find((c) => c.id === 'tcp');
      if (Number(tcp?.evidence.answeredAttempt ?? 1) > 1) retried++;
    }
  }));
  const wrong = DIAGNOSES - (verdicts.get('OK') ?? 0);
  const drops = await dropped(h);
  const seen = [...verdicts].map(([k, v]) => `${k} ${v}`).join(', ');
  out(`loss ${percent}%: ${DIAGNOSES} diagnoses in ${((performance.now() - t0) / 1000).toFixed(1)} s (${CONCURRENCY} at a time); `
    + `SYNs dropped by the rule: ${drops ?? '?'}; answered only by a later attempt: ${retried}; verdicts: ${seen}`);
  return {
    metric: `false verdicts, healthy sshd, ${percent}% random SYN loss`,
    measured: `${wrong}/${DIAGNOSES}`,
    target: maxWrong === 0 ? `0/${DIAGNOSES}` : `<= ${maxWrong}/${DIAGNOSES}`,
    pass: wrong <= maxWrong,
    note: `${drops ?? '?'} SYNs dropped, ${retried} runs saved by a retry`,
  };
}

async function filteredVsNmap(lab: Lab, engine: Engine, out: (s: string) => void): Promise<TargetRow[]> {
  const s = SCENARIOS.find((x) => x.id === 'port-filtered')!;
  const h = await lab.addHost({ label: 'filtered-vs-nmap', ...s.host });
  const run = await s.run(h, lab);
  const ours: number[] = [];
  const wrong: string[] = [];
  for (let i = 0; i < FILTERED_REPEATS; i++) {
    const t0 = performance.now();
    const r = await engine.diagnose(run.target, { probes: engine.createProbes() });
    ours.push(performance.now() - t0);
    if (r.verdict.code !== 'PORT_FILTERED') wrong.push(r.verdict.code);
  }
  const rows: TargetRow[] = [{
    metric: 'dropped port: verdict',
    measured: wrong.length ? wrong.join(', ') : `PORT_FILTERED x${FILTERED_REPEATS}`,
    target: 'PORT_FILTERED every time',
    pass: wrong.length === 0,
  }];
  if (!nmapAvailable()) {
    out('nmap is not installed: no comparison');
    return rows;
  }
  const theirs: number[] = [];
  const states = new Set<string>();
  for (let i = 0; i < FILTERED_REPEATS; i++) {
    const n = await nmapService(run.target.host, run.target.port);
    theirs.push(n.ms);
    states.add(n.state);
  }
  out(`dropped port, ${FILTERED_REPEATS} runs each: cvm-doctor ${ours.map((x) => ms(x)).join(', ')}; nmap -Pn -sV ${theirs.map((x) => ms(x)).join(', ')} (${[...states].join('; ')})`);
  rows.push({
    metric: 'dropped port: time to PORT_FILTERED vs nmap -Pn -sV -p22 (median)',
    measured: `${ms(median(ours))} vs ${ms(median(theirs))}`,
    target: 'no slower than nmap',
    pass: median(ours) <= median(theirs),
    note: `cvm-doctor sends ${synAttempts(run.target.timeoutMs)} SYN attempts before calling it filtered`,
  });
  return rows;
}

/** How many attempts the plan makes at the lab's RTT (for the note). */
function synAttempts(timeoutMs: number): number {
  return synPlan(0.1, timeoutMs).attemptsAtMs.length;
}

export async function runNetworkBench(lab: Lab, engine: Engine, out: (s: string) => void): Promise<TargetRow[]> {
  out('\nNetwork layer (issue 7): false verdicts under SYN loss, filtered port vs nmap');
  const rows: TargetRow[] = [];
  for (const { percent, maxWrong } of LOSS_TARGETS) rows.push(await lossRate(lab, engine, percent, maxWrong, out));
  rows.push(...await filteredVsNmap(lab, engine, out));
  return rows;
}
