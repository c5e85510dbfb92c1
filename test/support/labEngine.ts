/**
 * How lab tests and the benchmark reach the engine: `diagnose()` from src/core/diagnose and
 * `createProbes()` from src/probes, loaded from the compiled tree at run time, and the built
 * CLI (dist/cli.js). Loaded lazily so a missing piece becomes a skip reason, not a crash.
 */
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import type { Check, Credentials, Lang, Report, Target } from '../../src/core/model';
import { DEFAULT_ALT_PORTS } from '../../src/core/model';
import type { Probes } from '../../src/core/probeContract';
import { labUnavailableReason } from './lab';

export interface DiagnoseDeps {
  probes: Probes;
  credentials?: Credentials;
  lang?: Lang;
  onCheck?: (c: Check) => void;
  log?: (l: string) => void;
}
export type Diagnose = (target: Target, deps: DiagnoseDeps, signal?: AbortSignal) => Promise<Report>;
/** `dns.servers`: resolve through these DNS servers only (a test's own, never the machine's). */
export interface ProbeSetOptions { dns?: { servers: string[] } }
export interface Engine { diagnose: Diagnose; createProbes: (o?: ProbeSetOptions) => Probes }

/** out/test/support → out/ */
const OUT_ROOT = path.resolve(__dirname, '..', '..');
const REPO_ROOT = path.resolve(OUT_ROOT, '..');
export const CLI_PATH = path.join(REPO_ROOT, 'dist', 'cli.js');

let cached: Engine | string | undefined;

/** The engine, or a string saying why it cannot be loaded. */
export function loadEngine(): Engine | string {
  if (cached !== undefined) return cached;
  try {
    const core = require(path.join(OUT_ROOT, 'src', 'core', 'diagnose')) as { diagnose?: Diagnose };
    const probes = require(path.join(OUT_ROOT, 'src', 'probes', 'index')) as { createProbes?: (o?: ProbeSetOptions) => Probes };
    if (typeof core.diagnose !== 'function') cached = 'src/core/diagnose.ts does not export diagnose()';
    else if (typeof probes.createProbes !== 'function') cached = 'src/probes/index.ts does not export createProbes()';
    else cached = { diagnose: core.diagnose, createProbes: probes.createProbes };
  } catch (e) {
    cached = `engine not built: ${(e as Error).message.split('\n')[0]}`;
  }
  return cached;
}

/** Lab probes use a short timeout so the suite stays fast; the lab's RTT is well under 1 ms. */
export const LAB_TIMEOUT_MS = 1500;

export function labTarget(host: string, over: Partial<Target> = {}): Target {
  return {
    host,
    port: 22,
    protocol: 'ssh',
    altPorts: [...DEFAULT_ALT_PORTS.ssh],
    timeoutMs: LAB_TIMEOUT_MS,
    icmp: true,
    ...over,
  };
}

export function cliUnavailableReason(): string | undefined {
  return fs.existsSync(CLI_PATH) ? undefined : `${path.relative(REPO_ROOT, CLI_PATH)} not built (run npm run build)`;
}

export interface CliResult { code: number | null; stdout: string; stderr: string; durationMs: number }

/** Run the built CLI with argv (never a shell), bounded by timeoutMs. */
export function runCli(args: string[], opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<CliResult> {
  const t0 = Date.now();
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI_PATH, ...args], { timeout: opts.timeoutMs ?? 30_000, env: { ...process.env, ...opts.env }, maxBuffer: 8 << 20 },
      (err, stdout, stderr) => {
        const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : null) : 0;
        resolve({ code, stdout, stderr, durationMs: Date.now() - t0 });
      });
  });
}

/**
 * For a lab suite's before(): the engine, or — when the lab (root, ip netns, sshd, nft) or the
 * compiled engine is missing — a printed reason and a skip, never a pass.
 */
export function labEngineOrSkip(ctx: Mocha.Context, suite: string): Engine {
  const e = loadEngine();
  const reason = labUnavailableReason() ?? (typeof e === 'string' ? e : undefined);
  if (reason) {
    console.log(`    SKIPPED ${suite}: ${reason}`);
    ctx.skip();
  }
  return e as Engine;
}
