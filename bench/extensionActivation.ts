/**
 * Activation benchmark of the packaged extension (called by bench/extension.ts).
 *
 * (a) Real VS Code, cold: for each run a fresh code-server (fresh user-data and extensions
 *     dirs, the VSIX installed into them, so a cold extension host) and a fresh chromium
 *     profile; open the workbench, click the CVM Doctor activity-bar item and wait for the
 *     view to show its content. Read from code-server's own log files, before they are
 *     removed: the extension host start, the moment it began activating us
 *     ("_doActivateExtension cvm-doctor.cvm-doctor") and our "activated in X ms" line.
 * (b) Plain Node: the bundle's module evaluation time — require(dist/extension.js) in a fresh
 *     process with a stub `vscode` module (bench only, never shipped).
 *
 * Nothing is installed here: without a cached code-server the real-VS Code rows are skipped.
 * Every process is killed (the harness kills whole process groups); every wait is bounded.
 */
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '../..');

export interface ColdRun {
  /** page.goto → view content visible and our activate() finished. */
  pageToTreeMs: number;
  /** Extension host process started (its log) → same end point. */
  exthostToTreeMs: number;
  /** Our own activate() body, as it logs it. */
  activateMs: number;
  /** Extension host began activating us → our activate() returned (code loading + evaluation + activate()). */
  hostActivationSpanMs: number;
  activationEvent: string;
}

export interface ActivationResult {
  skipped?: string;
  runs: ColdRun[];
  errors: string[];
}

export const median = (xs: number[]): number | undefined => {
  if (!xs.length) return undefined;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1]! + s[m]!) / 2;
};

function readJson(f: string): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(path.join(ROOT, f), 'utf8')) as Record<string, unknown>;
}

function walk(dir: string, acc: string[] = []): string[] {
  let entries: fs.Dirent[];
  try { entries = fs.readdirSync(dir, { withFileTypes: true }); } catch { return acc; }
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, acc);
    else if (e.isFile()) acc.push(p);
  }
  return acc;
}

/** VS Code log lines start with a local-time stamp "YYYY-MM-DD HH:MM:SS.mmm". */
const STAMP = String.raw`(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3})`;
const stampMs = (s: string): number => new Date(s.replace(' ', 'T')).getTime();

interface LogFacts { hostStart?: number; activationStart?: number; activationEvent?: string; activatedAt?: number; activateMs?: number }

/** Reads the facts from <user-data-dir>/logs/<session>/exthost<N>/{remoteexthost.log, <ext id>/CVM Doctor.log}. */
function readLogs(userDataDir: string, extId: string, channel: string): LogFacts {
  const facts: LogFacts = {};
  const files = walk(path.join(userDataDir, 'logs'));
  const escId = extId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  for (const f of files.filter((x) => /exthost\.log$/i.test(path.basename(x)))) {
    const text = fs.readFileSync(f, 'utf8');
    const start = new RegExp(`^${STAMP} \\[info\\] Extension host with pid \\d+ started`, 'm').exec(text);
    if (start) facts.hostStart = stampMs(start[1]!);
    const act = new RegExp(`^${STAMP} .*_doActivateExtension ${escId}, .*activationEvent: '([^']*)'`, 'm').exec(text);
    if (act) { facts.activationStart = stampMs(act[1]!); facts.activationEvent = act[2]; }
  }
  for (const f of files.filter((x) => path.basename(x) === `${channel}.log`)) {
    const m = new RegExp(`^${STAMP} \\[info\\] \\[activate\\] activated in ([\\d.]+) ms`, 'm').exec(fs.readFileSync(f, 'utf8'));
    if (m) { facts.activatedAt = stampMs(m[1]!); facts.activateMs = Number(m[2]); }
  }
  return facts;
}

/** Why the real-VS Code part cannot run here, or undefined. Installs nothing. */
function unavailable(vsix: string | undefined): string | undefined {
  const env = path.join(ROOT, '.code-server', 'env');
  if (!fs.existsSync(env)) return 'skipped: run npm test once (installs code-server)';
  const kv = Object.fromEntries(fs.readFileSync(env, 'utf8').trim().split('\n').map((l) => l.split('=', 2)));
  if (!kv.NODE24 || !kv.CODE_SERVER || !fs.existsSync(kv.NODE24) || !fs.existsSync(kv.CODE_SERVER)) {
    return 'skipped: run npm test once (installs code-server)';
  }
  if (!fs.existsSync(process.env.CHROMIUM ?? '/usr/bin/chromium')) return 'skipped: /usr/bin/chromium missing (apt-get install chromium)';
  if (!fs.existsSync(path.join(ROOT, 'node_modules', 'playwright-core'))) return 'skipped: playwright-core missing (npm ci)';
  if (!vsix || !fs.existsSync(vsix)) return 'skipped: no VSIX (npm run package)';
  return undefined;
}

export async function measureColdActivation(vsix: string | undefined, runs: number, log: (s: string) => void): Promise<ActivationResult> {
  const skipped = unavailable(vsix);
  if (skipped) return { skipped, runs: [], errors: [] };
  // Loaded lazily: the harness pulls in playwright-core.
  const h = await import('../test/e2e/harness');
  const pkg = readJson('package.json') as { publisher: string; name: string };
  const nls = readJson('package.nls.json') as Record<string, string>;
  const extId = `${pkg.publisher}.${pkg.name}`;
  const containerTitle = nls['container.title']!;
  const welcomeText = nls['welcome.instances']!.split('.')[0]!;
  const channel = containerTitle; // src/vscode/extension.ts: new Logger('CVM Doctor')
  const result: ActivationResult = { runs: [], errors: [] };
  for (let i = 1; i <= runs; i++) {
    let cs: Awaited<ReturnType<typeof h.startCodeServer>> | undefined;
    let browser: Awaited<ReturnType<typeof h.launchBrowser>> | undefined;
    try {
      cs = await h.startCodeServer({ vsix });
      browser = await h.launchBrowser();
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      const t0 = Date.now();
      await page.goto(cs.url, { timeout: 60_000 });
      await page.locator(`.activitybar [aria-label^="${containerTitle}"]`).first().click({ timeout: 60_000 });
      // A fresh profile has no saved instances: the view renders its welcome content.
      await page.locator('.welcome-view-content', { hasText: welcomeText }).first().waitFor({ timeout: 30_000 });
      const visibleAt = Date.now();
      // The welcome content can show before a provider is registered: also wait for our
      // activate() line (the file logger flushes on its own schedule; bounded).
      let facts = readLogs(cs.userDataDir, extId, channel);
      const end = Date.now() + 20_000;
      while ((facts.activatedAt === undefined || facts.hostStart === undefined || facts.activationStart === undefined) && Date.now() < end) {
        await new Promise((r) => setTimeout(r, 200));
        facts = readLogs(cs.userDataDir, extId, channel);
      }
      if (facts.activatedAt === undefined || facts.activateMs === undefined) throw new Error(`no "activated in" line in ${channel}.log under ${cs.userDataDir}/logs within 20 s`);
      if (facts.hostStart === undefined || facts.activationStart === undefined) throw new Error('extension host log lines not found');
      const treeAt = Math.max(visibleAt, facts.activatedAt);
      const run: ColdRun = {
        pageToTreeMs: treeAt - t0,
        exthostToTreeMs: treeAt - facts.hostStart,
        activateMs: facts.activateMs,
        hostActivationSpanMs: facts.activatedAt - facts.activationStart,
        activationEvent: facts.activationEvent ?? '?',
      };
      result.runs.push(run);
      log(`  cold run ${i}/${runs}: page→tree ${run.pageToTreeMs} ms, exthost start→tree ${run.exthostToTreeMs} ms, `
        + `activation span ${run.hostActivationSpanMs} ms (${run.activationEvent}), activate() ${run.activateMs} ms`);
    } catch (e) {
      const msg = e instanceof Error ? e.message.split('\n')[0]! : String(e);
      result.errors.push(msg);
      log(`  cold run ${i}/${runs}: failed: ${msg}`);
    } finally {
      await browser?.close().catch(() => undefined);
      await cs?.stop().catch(() => undefined);
    }
  }
  return result;
}

/** Module evaluation of the bundle in fresh Node processes (median of `runs`), or an error text. */
export async function measureBundleEvaluation(bundle: string, runs: number): Promise<{ ms: number[]; error?: string }> {
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const outText = await new Promise<string>((resolve, reject) => {
      execFile(process.execPath, [__filename, '--eval-bundle', bundle], { timeout: 30_000, cwd: ROOT }, (err, stdout, stderr) =>
        err ? reject(new Error(`${err.message} ${stderr}`.trim())) : resolve(stdout));
    }).catch((e: Error) => e);
    if (outText instanceof Error) return { ms, error: outText.message.split('\n')[0] };
    ms.push(Number(JSON.parse(outText.trim()).ms));
  }
  return { ms };
}

/**
 * Child-process side: registers a stub `vscode` module (every member is a constructible,
 * callable proxy; the member names come from @types/vscode) and times require(bundle).
 */
function evalBundleChild(bundle: string): void {
  const names = new Set<string>();
  const dts = path.join(ROOT, 'node_modules', '@types', 'vscode', 'index.d.ts');
  if (fs.existsSync(dts)) {
    for (const m of fs.readFileSync(dts, 'utf8').matchAll(/export (?:declare )?(?:class|enum|namespace|function|const|let|var) (\w+)/g)) names.add(m[1]!);
  }
  const stub = (): unknown => {
    const fn = function stubMember(): void { /* stub */ };
    return new Proxy(fn, {
      get: (t, p) => (p === 'prototype' ? t.prototype : typeof p === 'symbol' || p === 'then' ? undefined : stub()),
      apply: () => stub(),
      construct: () => stub() as object,
    });
  };
  const api: Record<string, unknown> = {};
  for (const n of names) api[n] = stub();
  const Module = require('module') as { _resolveFilename: (req: string, ...rest: unknown[]) => string };
  const original = Module._resolveFilename;
  const STUB_ID = '\0vscode-bench-stub';
  Module._resolveFilename = function (req: string, ...rest: unknown[]) {
    return req === 'vscode' ? STUB_ID : original.call(this, req, ...rest);
  };
  require.cache[STUB_ID] = { id: STUB_ID, filename: STUB_ID, loaded: true, exports: api } as unknown as NodeJS.Module;
  const t0 = performance.now();
  const mod = require(path.resolve(bundle)) as { activate?: unknown };
  const ms = performance.now() - t0;
  if (typeof mod.activate !== 'function') throw new Error('bundle has no activate()');
  process.stdout.write(`${JSON.stringify({ ms })}\n`);
  process.exit(0);
}

if (require.main === module && process.argv[2] === '--eval-bundle') evalBundleChild(process.argv[3]!);
