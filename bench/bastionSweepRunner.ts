/**
 * Run inside the jump bench's client namespace (bench/jumpBench.ts): one sweep of targets
 * behind one bastion, as `cvm-doctor sweep` runs it (core/sweep.ts with the real probes), with
 * the bastion's connection shared or, for the "before", one login per target.
 * argv: a JSON object { targets: string[], bastion, user, key, knownHosts, timeoutMs, share }.
 * Prints { wallMs, verdicts: { [host]: code | error } }.
 */
import { diagnose } from '../src/core/diagnose';
import type { Target } from '../src/core/model';
import { DEFAULT_SOCKET_BUDGET, DEFAULT_SWEEP_CONCURRENCY, runSweep, type SweepItem } from '../src/core/sweep';
import { createProbes, prepareKey } from '../src/probes';

async function main(): Promise<void> {
  const a = JSON.parse(process.argv[2] ?? '{}') as { targets: string[]; bastion: string; user: string; key: string; knownHosts: string; timeoutMs: number; share: boolean };
  const credentials = { identityFile: a.key };
  await prepareKey(credentials);
  const items: SweepItem[] = a.targets.map((host) => {
    const target: Target = {
      host, port: 22, protocol: 'ssh', user: a.user, knownHostsPath: a.knownHosts, altPorts: [2222], timeoutMs: a.timeoutMs, icmp: true,
      jump: [{ host: a.bastion, port: 22, user: a.user }],
    };
    return { label: host, target, credentials };
  });
  const probes = createProbes();
  const t0 = performance.now();
  const outcome = await runSweep(items, {
    concurrency: DEFAULT_SWEEP_CONCURRENCY, socketBudget: DEFAULT_SOCKET_BUDGET, signal: new AbortController().signal, shareBastions: a.share,
    diagnose: (item, s, bastions) => diagnose(item.target, { probes, credentials: item.credentials, ...(bastions ? { bastions } : {}) }, s),
  });
  const wallMs = performance.now() - t0;
  const verdicts: Record<string, string> = {};
  for (const r of outcome.results) verdicts[r.item.target.host] = r.report?.verdict.code ?? `error: ${r.error}`;
  process.stdout.write(JSON.stringify({ wallMs, verdicts }));
}

main().catch((e) => { process.stderr.write(`${(e as Error).stack}\n`); process.exitCode = 3; });
