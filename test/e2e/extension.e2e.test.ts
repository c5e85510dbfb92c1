// (e2e) The packaged VSIX in real VS Code (code-server + Debian chromium), used as a person
// would: add an instance through the palette's input boxes, diagnose a REAL OpenSSH sshd,
// read the verdict and remediation from the report webview, check the tree item and the
// pinned status-bar item, switch the report language to Korean, and diagnose a closed port.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { Browser, Page } from 'playwright-core';
import { msg, type MessageKey } from '../../src/core/messages';
import { launchBrowser, openWorkbench, ROOT, screenshot, startCodeServer, type CodeServer } from './harness';
import { startSshTarget, type SshTarget } from './sshd';
import { answer, choose, hoverText, palette, setUserSetting, text, until, VSIX, waitVerdict } from './ui';

describe('(e2e) CVM Doctor in real VS Code', function () {
  this.timeout(240_000);
  let ssh: SshTarget;
  let cs: CodeServer;
  let browser: Browser;
  let page: Page;
  const name = 'e2e-web';

  before(async function () {
    this.timeout(180_000);
    assert.ok(fs.existsSync(VSIX), `VSIX missing: ${VSIX} (npm run package)`);
    ssh = await startSshTarget();
    cs = await startCodeServer({
      vsix: VSIX,
      settings: {
        'cvmDoctor.knownHostsPath': ssh.knownHostsPath,
        'cvmDoctor.pollIntervalSeconds': 3,
        'cvmDoctor.probeTimeoutMs': 2000,
        // Loopback fallback: other suites may listen on loopback's usual alternative ports.
        ...(ssh.kind === 'loopback' ? { 'cvmDoctor.alternativePorts': [] } : {}),
      },
    });
    browser = await launchBrowser();
    page = await openWorkbench(browser, `${cs.url}/?folder=${encodeURIComponent(cs.workspace)}`);
  });

  after(async function () {
    this.timeout(30_000);
    if (page) await screenshot(page, 'e2e-final');
    await browser?.close().catch(() => undefined);
    if (this.currentTest?.state === 'failed' && cs) fs.writeFileSync(path.join(ROOT, 'test-results', 'code-server.log'), cs.log());
    await cs?.stop();
    await ssh?.stop();
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && page) await screenshot(page, `e2e-failed-${this.currentTest.title.replace(/\W+/g, '-')}`);
  });

  it('shows the CVM Doctor view with its welcome buttons', async () => {
    await page.locator('.activitybar [aria-label^="CVM Doctor"]').first().click({ timeout: 40_000 });
    const welcome = page.locator('.welcome-view-content', { hasText: 'No saved instances yet' });
    await welcome.waitFor();
    assert.ok(await welcome.locator('a, .monaco-button', { hasText: 'Add Instance' }).count() >= 1);
  });

  it('adds an instance through the guided input boxes', async () => {
    await palette(page, 'CVM Doctor: Add Instance');
    await answer(page, '(1/9)', ssh.host);
    await answer(page, '(2/9)', 'SSH');
    await answer(page, '(3/9)', String(ssh.port));
    await answer(page, '(4/9)', 'root');
    await choose(page, '(5/9)', 'No identity file');
    await answer(page, '(6/9)', name);
    await answer(page, '(7/9)', '');
    await answer(page, '(8/9)', '');
    // The "Jump through" step (issue 10): a direct connection.
    await choose(page, '(9/9)', 'Direct');
    const row = page.locator('.monaco-list-row', { hasText: name });
    await row.waitFor();
    // The row's words are the state (they fit the sidebar); the target is in its hover.
    const { text: shown } = await hoverText(page, row, name);
    assert.ok(shown.includes(`SSH root@${ssh.host}:${ssh.port}`), shown);
    await page.mouse.move(5, 5);
  });

  it('watches reachability: the tree icon turns green with the real sshd', async () => {
    const row = page.locator('.monaco-list-row', { hasText: name });
    await row.locator('.codicon-pass-filled').waitFor({ timeout: 20_000 });
    assert.match((await row.getAttribute('aria-label')) ?? '', /Reachable \(/);
    await screenshot(page, 'e2e-tree');
  });

  it('diagnoses the real sshd from the palette: OK with timeline and findings', async () => {
    await palette(page, 'CVM Doctor: Diagnose CVM');
    await choose(page, 'Diagnose CVM', name);
    const { frame, code } = await waitVerdict(page, `${ssh.host}:${ssh.port}`);
    assert.strictEqual(code, 'OK');
    const checks = await frame.$$eval('#timeline li', (lis) => lis.map((li) => `${(li as HTMLElement).dataset.check}:${(li as HTMLElement).dataset.status}`));
    for (const id of ['dns', 'tcp', 'banner', 'kex']) assert.ok(checks.some((c) => c.startsWith(`${id}:`)), `timeline has ${id}: ${checks}`);
    assert.ok(checks.includes('tcp:pass') && checks.includes('banner:pass'), checks.join());
    assert.match(await text(frame, '#timeline'), /OpenSSH/);
    assert.match(await text(frame, '#findings'), /HOST_KEY_UNKNOWN/);
    // The page names each check exactly as the exported HTML/Markdown and the CLI do.
    const names = await frame.$$eval('#timeline li', (lis) => lis.map((li) => [(li as HTMLElement).dataset.check ?? '', li.querySelector('.check-name')?.textContent ?? '']));
    assert.ok(names.length > 0);
    for (const [id, shown] of names) assert.strictEqual(shown, msg('en', `check.${id}` as MessageKey), `check ${id}`);
    await screenshot(page, 'e2e-report-ok');
  });

  it('pins the instance: the status bar shows it with its latency, and the tooltip has the verdict', async () => {
    await palette(page, 'CVM Doctor: Pin to Status Bar');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().waitFor();
    await page.keyboard.press('Enter');
    const item = page.locator('.statusbar-item', { hasText: name });
    await item.waitFor();
    await item.locator('.codicon-pass-filled').waitFor({ timeout: 20_000 });
    assert.match(await item.innerText(), new RegExp(`${name} \\d+ ms`));
    await page.locator('.activitybar [aria-label^="CVM Doctor"]').first().hover(); // move away first
    await item.hover();
    const hover = page.locator('.monaco-hover, .workbench-hover', { hasText: 'Last verdict: OK' });
    await hover.first().waitFor({ timeout: 10_000 });
    await screenshot(page, 'e2e-statusbar');
    // The tree shows the verdict code too.
    assert.match(await page.locator('.monaco-list-row[role="treeitem"]', { hasText: name }).innerText(), /OK/);
  });

  it('switches cvmDoctor.language to ko and re-runs: the report is Korean', async () => {
    await setUserSetting(page, cs, 'cvmDoctor.language', 'ko');
    let { frame } = await waitVerdict(page, `${ssh.host}:${ssh.port}`);
    // The open report is told again in Korean at once (korean.e2e.test.ts checks that); a
    // Re-run makes a new Korean one.
    await frame.click('#rerun');
    frame = await until(page, 'a Korean report after Re-run', async () => {
      const { frame: f } = await waitVerdict(page, `${ssh.host}:${ssh.port}`);
      // The page re-renders while the new run streams in: a missing title is "not yet".
      const title = await text(f, '#verdict-title').catch(() => '');
      return /[\uac00-\ud7a3]/.test(title) ? f : undefined;
    }, 60_000);
    assert.strictEqual(await text(frame, '#verdict-code'), 'OK');
    assert.match(await text(frame, '#rerun'), /다시 실행/);
    assert.match(await text(frame, 'body'), /검사/);
    await screenshot(page, 'e2e-report-ko');
  });

  it('diagnoses a closed port on the same host: PORT_CLOSED with remediation', async () => {
    await setUserSetting(page, cs, 'cvmDoctor.language', 'en');
    await palette(page, 'CVM Doctor: Diagnose CVM');
    await choose(page, 'Diagnose CVM', 'Enter a host');
    await answer(page, 'Diagnose CVM (1/3)', ssh.host);
    await choose(page, 'Diagnose CVM (2/3)', 'SSH');
    await answer(page, 'Diagnose CVM (3/3)', String(ssh.closedPort));
    const { frame, code } = await waitVerdict(page, `${ssh.host}:${ssh.closedPort}`);
    assert.strictEqual(code, 'PORT_CLOSED');
    const steps = await frame.$$eval('#remediation li', (lis) => lis.map((l) => (l as HTMLElement).innerText));
    assert.ok(steps.length >= 1, 'remediation steps listed');
    assert.ok(await frame.$('#timeline li[data-check="tcp"][data-status="fail"]'), 'tcp check failed');
    await screenshot(page, 'e2e-report-closed');
  });
});
