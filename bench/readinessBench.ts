/**
 * What the VS Code readiness checks cost: a healthy diagnosis with a key login on a lab guest
 * (a login shell and a home of its own), with and without `vscodeServer`, median of several
 * runs each, interleaved. The download host is this bench's own HTTP server on the root side
 * of the host's veth. Target: at most 1 s more.
 */
import * as http from 'http';
import type { Report, Target } from '../src/core/model';
import type { Lab } from '../test/support/lab';
import { labTarget, type Engine } from '../test/support/labEngine';
import { ms, type TargetRow } from './table';

const RUNS = 7;
const DOWNLOAD_PORT = 18081;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

export async function runReadinessBench(lab: Lab, engine: Engine, out: (s: string) => void): Promise<TargetRow[]> {
  const h = await lab.addHost({ label: 'bench-vscode', sshd: {}, guest: {} });
  const srv = http.createServer((_q, r) => { r.writeHead(200, { 'content-length': '0' }); r.end(); });
  await new Promise<void>((resolve, reject) => { srv.once('error', reject); srv.listen(DOWNLOAD_PORT, h.rootIpv4, resolve); });
  try {
    const kh = lab.writeKnownHosts([h.knownHostsLine]);
    const base: Target = labTarget(h.ipv4, { user: lab.user, knownHostsPath: kh });
    const withChecks: Target = { ...base, vscodeServer: { downloadUrl: `http://${h.rootIpv4}:${DOWNLOAD_PORT}/latest/server-linux-x64/stable` } };
    const run = async (t: Target): Promise<{ ms: number; r: Report }> => {
      const t0 = performance.now();
      const r = await engine.diagnose(t, { probes: engine.createProbes(), credentials: { identityFile: lab.clientKeyPath } });
      return { ms: performance.now() - t0, r };
    };
    await run(base); // warm-up (module loads, sshd's first fork)
    const plain: number[] = [];
    const ready: number[] = [];
    let verdicts = '';
    for (let i = 0; i < RUNS; i++) {
      plain.push((await run(base)).ms);
      const w = await run(withChecks);
      ready.push(w.ms);
      verdicts = `${w.r.verdict.code}, ${w.r.checks.filter((c) => c.id.startsWith('vscode.') && c.status === 'pass').length} readiness items pass`;
    }
    const added = median(ready) - median(plain);
    out(`\nVS Code readiness: healthy key login ${ms(median(plain))} without, ${ms(median(ready))} with the checks (median of ${RUNS}; ${verdicts})`);
    return [{
      metric: 'VS Code readiness checks: added to a healthy diagnosis',
      measured: ms(added),
      target: '<= 1 s',
      pass: added <= 1000,
      note: `median ${ms(median(ready))} vs ${ms(median(plain))}; min/max with ${ms(Math.min(...ready))}/${ms(Math.max(...ready))}`,
    }];
  } finally {
    srv.close();
  }
}
