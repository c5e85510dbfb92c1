/**
 * Run inside the jump bench's client namespace (bench/jumpBench.ts): healthy diagnoses of the
 * bastion alone (one hop) and of the private host through it (two hops), alternating, with a
 * login on every hop. argv: a JSON object { bastion, private, user, key, knownHosts, repeats }.
 * Prints { single: ms[], double: ms[], hopHandshake: ms[], verdicts: string[] }.
 */
import { diagnose } from '../src/core/diagnose';
import type { Target } from '../src/core/model';
import { createProbes } from '../src/probes';

async function main(): Promise<void> {
  const a = JSON.parse(process.argv[2] ?? '{}') as { bastion: string; private: string; user: string; key: string; knownHosts: string; repeats: number };
  const base: Omit<Target, 'host'> = { port: 22, protocol: 'ssh', user: a.user, knownHostsPath: a.knownHosts, altPorts: [], timeoutMs: 1500, icmp: true };
  const deps = { probes: createProbes(), credentials: { identityFile: a.key } };
  const out = { single: [] as number[], double: [] as number[], hopHandshake: [] as number[], verdicts: [] as string[] };
  for (let i = 0; i < a.repeats; i++) {
    let t0 = performance.now();
    const one = await diagnose({ ...base, host: a.bastion }, deps);
    out.single.push(performance.now() - t0);
    t0 = performance.now();
    const two = await diagnose({ ...base, host: a.private, jump: [{ host: a.bastion, port: 22, user: a.user }] }, deps);
    out.double.push(performance.now() - t0);
    // One hop's handshake: the second hop's channel, banner and SSH stage (kex, host key, login).
    out.hopHandshake.push(two.checks.filter((c) => c.hop === 2 && ['tcp', 'banner', 'kex'].includes(c.id.slice(5))).reduce((s, c) => s + c.durationMs, 0));
    out.verdicts.push(`${one.verdict.code}/${two.verdict.code}`);
  }
  process.stdout.write(JSON.stringify(out));
}

main().catch((e) => { process.stderr.write(`${(e as Error).stack}\n`); process.exitCode = 3; });
