/**
 * Lab runner (jumpLab.ts `runNode`), run inside the client namespace: the reachability light
 * check through bastions (src/vscode/reachability/jumpLightCheck.ts), one target after the
 * other with one shared checker (as the scheduler has). argv: a JSON object
 * { targets: LightTarget[], timeoutMs, intervalMs }. Prints the results as a JSON array.
 */
import { createChainCheck, withChains } from '../../src/vscode/reachability/jumpLightCheck';
import { lightCheck, type LightTarget } from '../../src/vscode/reachability/lightCheck';

async function main(): Promise<void> {
  const input = JSON.parse(process.argv[2] ?? '{}') as { targets: LightTarget[]; timeoutMs: number; intervalMs: number };
  const check = withChains(lightCheck, createChainCheck({ intervalMs: () => input.intervalMs }));
  const out = [];
  for (const t of input.targets) out.push(await check(t, input.timeoutMs, new AbortController().signal));
  process.stdout.write(JSON.stringify(out));
}

main().catch((e) => { process.stderr.write(`${(e as Error).stack}\n`); process.exitCode = 3; });
