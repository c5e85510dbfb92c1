/**
 * Real VS Code for tests: code-server (installed by scripts/setup-code-server.sh into
 * .code-server/) started on 127.0.0.1 with its own user-data and extensions dirs, and Debian
 * chromium driven by playwright-core. Every process is spawned with argv only, in its own
 * process group, and killed (whole group) by `stop()`; every wait is bounded.
 */
import { ChildProcess, execFile, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { chromium, type Browser, type Page } from 'playwright-core';

export const ROOT = path.resolve(__dirname, '../../..');
export const RESULTS = path.join(ROOT, 'test-results');

export function codeServerEnv(): { node24: string; codeServer: string } {
  const envFile = path.join(ROOT, '.code-server', 'env');
  const kv = Object.fromEntries(fs.readFileSync(envFile, 'utf8').trim().split('\n').map((l) => l.split('=', 2) as [string, string]));
  if (!kv.NODE24 || !kv.CODE_SERVER) throw new Error(`${envFile} incomplete: run scripts/setup-code-server.sh`);
  return { node24: kv.NODE24, codeServer: kv.CODE_SERVER };
}

import { closedPort as freePort } from '../support/ports';

export { freePort };

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number, cwd?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { env, timeout: timeoutMs, maxBuffer: 8 << 20, ...(cwd ? { cwd } : {}) }, (err, stdout, stderr) =>
      err ? reject(new Error(`${path.basename(cmd)} ${args.join(' ')}: ${err.message}\n${stderr}`)) : resolve(stdout));
  });
}

function killGroup(p: ChildProcess | undefined): Promise<void> {
  if (!p || p.exitCode !== null || p.signalCode !== null || !p.pid) return Promise.resolve();
  return new Promise((resolve) => {
    const done = setTimeout(() => {
      try { process.kill(-p.pid!, 'SIGKILL'); } catch { /* gone */ }
      resolve();
    }, 3000);
    p.once('exit', () => { clearTimeout(done); resolve(); });
    try { process.kill(-p.pid!, 'SIGTERM'); } catch { clearTimeout(done); resolve(); }
  });
}

export interface CodeServer {
  url: string;
  port: number;
  userDataDir: string;
  extensionsDir: string;
  workspace: string;
  settingsFile: string;
  log(): string;
  stop(): Promise<void>;
}

export async function startCodeServer(o: { vsix?: string; settings?: Record<string, unknown>; smokeTestDriver?: boolean; env?: NodeJS.ProcessEnv; extraVsix?: string[] } = {}): Promise<CodeServer> {
  const { node24, codeServer } = codeServerEnv();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cvmd-cs-'));
  const userDataDir = path.join(tmp, 'user');
  const extensionsDir = path.join(tmp, 'ext');
  const workspace = path.join(tmp, 'ws');
  for (const d of [userDataDir, extensionsDir, workspace, path.join(userDataDir, 'User')]) fs.mkdirSync(d, { recursive: true });
  const settingsFile = path.join(userDataDir, 'User', 'settings.json');
  fs.writeFileSync(settingsFile, JSON.stringify({
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'security.workspace.trust.enabled': false,
    'telemetry.telemetryLevel': 'off',
    // Nothing may leave the machine (the egress audit fails the run): no update checks,
    // recommendations, experiments, gallery or other online lookups.
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'extensions.ignoreRecommendations': true,
    'workbench.enableExperiments': false,
    'workbench.settings.enableNaturalLanguageSearch': false,
    'workbench.cloudChanges.autoResume': 'off',
    'workbench.cloudChanges.continueOn': 'off',
    'update.mode': 'none',
    'npm.fetchOnlinePackageInfo': false,
    'json.schemaDownload.enable': false,
    'typescript.surveys.enabled': false,
    'chat.disableAIFeatures': true,
    'git.autofetch': false,
    // The e2e edits settings.json by typing: no auto-inserted brackets, quotes or indentation.
    'editor.autoClosingBrackets': 'never',
    'editor.autoClosingQuotes': 'never',
    'editor.autoSurround': 'never',
    'editor.autoIndent': 'none',
    'editor.formatOnType': false,
    'editor.acceptSuggestionOnEnter': 'off',
    ...o.settings,
  }, null, 2));
  // EXTENSIONS_GALLERY={} leaves code-server without an extension gallery (its default is
  // open-vsx.org), so the workbench never queries one.
  const env = { ...process.env, ...o.env, EXTENSIONS_GALLERY: '{}', PATH: `${path.dirname(node24)}:${process.env.PATH}` };
  if (o.vsix) {
    await run(codeServer, ['--user-data-dir', userDataDir, '--extensions-dir', extensionsDir, '--install-extension', o.vsix], env, 120_000);
  }
  // Test-only extensions installed beside ours (e.g. the Remote-SSH double).
  for (const x of o.extraVsix ?? []) await run(codeServer, ['--user-data-dir', userDataDir, '--extensions-dir', extensionsDir, '--install-extension', x], env, 120_000);
  const port = await freePort();
  const args = ['--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry', '--disable-update-check',
    '--disable-workspace-trust', '--disable-getting-started-override', '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir];
  if (o.smokeTestDriver) args.push('--vscode-option', 'enable-smoke-test-driver');
  args.push(workspace);
  const child = spawn(codeServer, args, { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const keep = (d: Buffer) => { out = (out + d.toString()).slice(-20_000); };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`code-server exited ${child.exitCode}\n${out}`);
    try {
      const r = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) });
      if (r.ok) break;
    } catch { /* not yet */ }
    if (Date.now() > deadline) {
      await killGroup(child);
      throw new Error(`code-server did not answer within 60 s\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    url, port, userDataDir, extensionsDir, workspace, settingsFile,
    log: () => out,
    stop: async () => {
      await killGroup(child);
      fs.rmSync(tmp, { recursive: true, force: true });
    },
  };
}

/**
 * Chromium that can reach loopback only: every other name resolves to NOTFOUND, anything
 * non-local would go to a proxy on a closed loopback port, and the background services that
 * phone home (updates, sync, safe browsing, translate, autofill, metrics…) are off.
 */
export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--no-default-browser-check',
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1',
  '--proxy-server=http://127.0.0.1:9', '--proxy-bypass-list=localhost;127.0.0.1',
  '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic',
  '--disable-domain-reliability', '--disable-client-side-phishing-detection', '--disable-breakpad',
  '--disable-default-apps', '--disable-extensions', '--no-pings', '--metrics-recording-only', '--dns-prefetch-disable',
  '--safebrowsing-disable-auto-update',
  '--disable-features=Translate,OptimizationHints,MediaRouter,AutofillServerCommunication,NetworkTimeServiceQuerying,CertificateTransparencyComponentUpdater,InterestFeedContentSuggestions,PrivacySandboxSettings4',
];

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: [...CHROMIUM_ARGS],
    timeout: 30_000,
  });
}

export async function openWorkbench(browser: Browser, url: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.setDefaultTimeout(20_000);
  await page.goto(url, { timeout: 60_000 });
  await page.waitForSelector('.monaco-workbench', { timeout: 90_000 });
  return page;
}

export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(RESULTS, { recursive: true });
  await page.screenshot({ path: path.join(RESULTS, `${name}.png`) }).catch(() => undefined);
}

/**
 * Runs a test entry (a module exporting `run()`) inside code-server's real extension host
 * through the smoke-test driver (`cs` must be started with `smokeTestDriver: true`):
 * `devPath` is loaded as the extension under development, `testsPath` is its test entry.
 * Resolves with the exit code the workbench reports, or -1 when none came in time.
 */
export async function runInExtensionHost(browser: Browser, cs: CodeServer, devPath: string, testsPath: string, timeoutMs = 150_000): Promise<{ code: number; logs: string[] }> {
  const page = await browser.newPage();
  const logs: string[] = [];
  const exit = new Promise<number>((resolve) => {
    void page.exposeFunction('codeAutomationExit', (code: number) => resolve(code));
    void page.exposeFunction('codeAutomationLog', (_type: string, args: unknown[]) => { logs.push(args.map(String).join(' ')); });
  });
  const host = `127.0.0.1:${cs.port}`;
  const payload = JSON.stringify([
    ['extensionDevelopmentPath', `vscode-remote://${host}${devPath}`],
    ['extensionTestsPath', `vscode-remote://${host}${testsPath}`],
  ]);
  await page.goto(`${cs.url}/?folder=${encodeURIComponent(cs.workspace)}&payload=${encodeURIComponent(payload)}`, { timeout: 60_000 });
  let timer: NodeJS.Timeout | undefined;
  const code = await Promise.race([exit, new Promise<number>((r) => { timer = setTimeout(() => r(-1), timeoutMs); })]);
  clearTimeout(timer);
  return { code, logs };
}

/** Packs a test-only extension folder into a VSIX (vsce, no dependencies) in `outDir`. */
export function packTestExtension(dir: string, outDir: string): Promise<string> {
  const out = path.join(outDir, `${path.basename(dir)}.vsix`);
  return run(path.join(ROOT, 'node_modules', '.bin', 'vsce'), ['package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '-o', out], process.env, 120_000, dir)
    .then(() => out);
}
