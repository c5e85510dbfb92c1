/**
 * `cvm-doctor`: the engine in a terminal. Exit 0 when the verdict is OK, 1 when a problem was
 * diagnosed, 2 when there is no verdict: bad input (one line on stderr naming the field), a
 * cancel (Ctrl-C, SIGTERM, SIGHUP) or an internal error (one line; the stack only with
 * CVM_DOCTOR_TRACE). No other exit code, and never a stack trace by default.
 */
import { diagnose } from '../core/diagnose';
import { msg } from '../core/messages';
import { verdictPassed, type Lang, type Report } from '../core/model';
import { renderHtml } from '../core/render/html';
import { renderJson } from '../core/render/json';
import { renderText } from '../core/render/text';
import { InputError } from '../core/validate';
import { createProbes } from '../probes';
import { checkReadable } from '../probes/files';
import { parseCommand, USAGE, type DiagnoseCommand } from './args';
import { startDemoLab } from './demoTargets';
import { runSweepCommand } from './sweep';
import { parseSweepCommand } from './sweepArgs';
// The manifest's version: esbuild inlines only this field into dist/cli.js.
import { version as VERSION } from '../../package.json';

function isInputError(e: unknown): e is Error & { field: string } {
  return e instanceof Error && e.name === 'InputError';
}

/** The files the user named must be readable, checked within the probe timeout. A missing
 *  known_hosts is fine with --accept-new (it is created, as OpenSSH does). */
async function checkInputFiles(cmd: DiagnoseCommand, signal: AbortSignal): Promise<void> {
  const bound = { timeoutMs: cmd.target.timeoutMs, signal };
  const check = async (file: string | undefined, field: string, missingOk: boolean) => {
    if (file === undefined) return;
    const r = await checkReadable(file, bound);
    if (r.ok || (missingOk && r.code === 'ENOENT')) return;
    throw new InputError(field, `cannot read file "${file}"${r.code === 'ETIMEDOUT' ? ` (no answer within ${cmd.target.timeoutMs} ms)` : ''}`);
  };
  await check(cmd.credentials?.identityFile, '--identity', false);
  await check(cmd.target.knownHostsPath, '--known-hosts', !!cmd.target.acceptNewHostKey);
  await check(cmd.target.sshConfig?.file, '--ssh-config', false);
}

async function runDiagnose(cmd: DiagnoseCommand, signal: AbortSignal): Promise<number> {
  await checkInputFiles(cmd, signal);
  const log = process.env.CVM_DOCTOR_TRACE ? (l: string) => process.stderr.write(`trace: ${l}\n`) : undefined;
  let cloud;
  if (cmd.target.cloud) {
    // Loaded only when asked for: the SDK is the heaviest part of the bundle.
    const { createTencentInspector, loadTencentConfigFromEnv } = await import('../cloud/index');
    cloud = createTencentInspector({ ...loadTencentConfigFromEnv(process.env, cmd.tencentProfile), log });
  }
  const report = await diagnose(cmd.target, {
    probes: createProbes({ log }), cloud, credentials: cmd.credentials, lang: cmd.lang, guestChecks: cmd.guestChecks, log,
    ...(cmd.trace ? { trace: true } : {}),
  }, signal);
  process.stdout.write(render(report, cmd.format));
  // OK with the login asked for untested is no success (verdict.loginTested false): exit 1.
  return verdictPassed(report.verdict) ? EXIT.ok : EXIT.problem;
}

function render(report: Report, format: DiagnoseCommand['format']): string {
  if (format === 'json') return renderJson(report);
  if (format === 'html') return renderHtml(report);
  return renderText(report, { color: process.stdout.isTTY && !process.env.NO_COLOR });
}

async function runDemo(lang: Lang, signal: AbortSignal): Promise<number> {
  const lab = await startDemoLab(1500);
  try {
    const probes = createProbes();
    const reports = await Promise.all(lab.cases.map((c) => diagnose(c.target, { probes, credentials: c.credentials, lang }, signal)));
    const color = process.stdout.isTTY && !process.env.NO_COLOR;
    reports.forEach((r, i) => {
      process.stdout.write(`\n━━ ${i + 1}/${reports.length}: ${lab.cases[i].label[lang]} ━━\n`);
      process.stdout.write(renderText(r, { color }));
    });
    process.stdout.write(`\n${msg(lang, 'report.demoSummary')}\n`);
    reports.forEach((r, i) => process.stdout.write(`  ${r.verdict.code.padEnd(20)} ${String(r.durationMs).padStart(5)} ms  ${lab.cases[i].label[lang]}\n`));
    return 0;
  } finally {
    await lab.close();
  }
}

/** Exit codes: the only three (DESIGN.md "CLI contract"). */
export const EXIT = { ok: 0, problem: 1, noVerdict: 2 } as const;

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

function internalError(e: unknown): void {
  // An unexpected failure is our bug: say so in one line; the stack only on request.
  process.stderr.write(`cvm-doctor: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
  if (process.env.CVM_DOCTOR_TRACE && e instanceof Error) process.stderr.write(`${e.stack}\n`);
}

export async function main(argv: string[]): Promise<number> {
  const controller = new AbortController();
  // The first signal cancels the run (its probes end, the report is not printed); a second
  // one while it winds down ends the process at once.
  const onSignal = () => {
    if (controller.signal.aborted) process.exit(EXIT.noVerdict);
    controller.abort();
  };
  for (const sig of SIGNALS) process.on(sig, onSignal);
  try {
    // `sweep` has options of its own (sweepArgs.ts).
    if (argv[0] === 'sweep') {
      const sweep = parseSweepCommand(argv.slice(1), process.env);
      const log = process.env.CVM_DOCTOR_TRACE ? (l: string) => process.stderr.write(`trace: ${l}\n`) : undefined;
      return await runSweepCommand(sweep, controller.signal, { stdout: process.stdout, stderr: process.stderr, env: process.env, log });
    }
    const cmd = parseCommand(argv);
    switch (cmd.kind) {
      case 'help': process.stdout.write(USAGE); return 0;
      case 'version': process.stdout.write(`cvm-doctor ${VERSION}\n`); return 0;
      case 'demo': return await runDemo(cmd.lang, controller.signal);
      default: return await runDiagnose(cmd, controller.signal);
    }
  } catch (e) {
    if (isInputError(e)) {
      process.stderr.write(`cvm-doctor: ${e.message}\n`);
      return EXIT.noVerdict;
    }
    if (e instanceof Error && e.name === 'CancelledError') {
      process.stderr.write('cvm-doctor: cancelled (no verdict)\n');
      return EXIT.noVerdict;
    }
    internalError(e);
    return EXIT.noVerdict;
  } finally {
    for (const sig of SIGNALS) process.removeListener(sig, onSignal);
  }
}

if (require.main === module) {
  // Whatever escapes (an error thrown in a socket callback) is still one line and exit 2.
  const fatal = (e: unknown) => { internalError(e); process.exit(EXIT.noVerdict); };
  process.on('uncaughtException', fatal);
  process.on('unhandledRejection', fatal);
  // Output piped into a reader that closed early (`| head`): stop writing, keep the exit code.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => { if (e.code !== 'EPIPE') fatal(e); });
  main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, fatal);
}
