// (e2e) "Diagnose All" in real VS Code (code-server + Debian chromium): hosts imported from an
// ssh config (a home of the test's own), the title-bar button pressed as a person would, the
// summary table read from its webview, the tree's verdicts read from the rows, and a row
// clicked to open that instance's report.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Browser, Frame, Page } from 'playwright-core';
import { freePort, launchBrowser, openWorkbench, ROOT, screenshot, startCodeServer, type CodeServer } from './harness';
import { startSshTarget, type SshTarget } from './sshd';
import { palette, until, VSIX, waitVerdict } from './ui';

describe('(e2e) Diagnose All in real VS Code', function () {
  this.timeout(240_000);
  let ssh: SshTarget;
  let cs: CodeServer;
  let browser: Browser;
  let page: Page;
  let home: string;
  let loopbackClosed: number;

  before(async function () {
    this.timeout(180_000);
    assert.ok(fs.existsSync(VSIX), `VSIX missing: ${VSIX} (npm run package)`);
    ssh = await startSshTarget();
    loopbackClosed = await freePort();
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'cvmd-e2e-home-'));
    fs.mkdirSync(path.join(home, '.ssh'), { mode: 0o700 });
    fs.writeFileSync(path.join(home, '.ssh', 'config'), [
      'Host sweep-ok', `  HostName ${ssh.host}`, `  Port ${ssh.port}`, '  User root', '',
      'Host sweep-closed', `  HostName ${ssh.host}`, `  Port ${ssh.closedPort}`, '  User root', '',
      'Host sweep-local', '  HostName 127.0.0.1', `  Port ${loopbackClosed}`, '  User root', '',
    ].join('\n'));
    cs = await startCodeServer({
      vsix: VSIX,
      env: { HOME: home },
      settings: {
        'cvmDoctor.knownHostsPath': ssh.knownHostsPath,
        'cvmDoctor.probeTimeoutMs': 2000,
        'cvmDoctor.alternativePorts': [],
      },
    });
    browser = await launchBrowser();
    page = await openWorkbench(browser, `${cs.url}/?folder=${encodeURIComponent(cs.workspace)}`);
  });

  after(async function () {
    this.timeout(30_000);
    if (page) await screenshot(page, 'e2e-sweep-final');
    await browser?.close().catch(() => undefined);
    if (this.currentTest?.state === 'failed' && cs) fs.writeFileSync(path.join(ROOT, 'test-results', 'code-server-sweep.log'), cs.log());
    await cs?.stop();
    await ssh?.stop();
    if (home) fs.rmSync(home, { recursive: true, force: true });
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && page) await screenshot(page, `e2e-sweep-failed-${this.currentTest.title.replace(/\W+/g, '-')}`);
  });

  /** The summary webview's frame, once its heading is there. */
  const summaryFrame = () => until(page, 'the Diagnose All summary', async () => {
    for (const f of page.frames()) {
      const h = await f.$eval('h1', (e) => e.textContent ?? '').catch(() => '');
      if (h.startsWith('CVM Doctor: diagnose all')) return f;
    }
    return undefined;
  }, 30_000);

  it('imports three hosts, presses "Diagnose All": the summary groups them by verdict and the tree shows each verdict', async () => {
    await page.locator('.activitybar [aria-label^="CVM Doctor"]').first().click({ timeout: 40_000 });
    await palette(page, 'CVM Doctor: Import from ~/.ssh/config');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'sweep-local' }).first().waitFor();
    await page.keyboard.press('Enter'); // all three are picked by default
    for (const n of ['sweep-ok', 'sweep-closed', 'sweep-local']) await page.locator('.monaco-list-row[role="treeitem"]', { hasText: n }).waitFor();

    await page.locator('.pane-header .actions-container [aria-label="Diagnose All"], .title-actions [aria-label="Diagnose All"]').first().click();
    const frame: Frame = await summaryFrame();
    await until(page, 'every instance diagnosed', async () => /3 of 3 instances diagnosed\./.test(await frame.$eval('.progress', (e) => e.textContent ?? '').catch(() => '')), 60_000);
    const groups = await frame.$$eval('tr.group th', (ths) => ths.map((t) => (t.textContent ?? '').trim()));
    assert.deepStrictEqual(groups, ['PORT_CLOSED 2', 'OK 1'], 'most serious first');
    const rows = await frame.$$eval('button.open', (bs) => bs.map((b) => b.textContent));
    assert.deepStrictEqual(rows, ['sweep-closed', 'sweep-local', 'sweep-ok']);
    await screenshot(page, 'e2e-sweep-summary');

    for (const [n, code] of [['sweep-ok', 'OK'], ['sweep-closed', 'PORT_CLOSED'], ['sweep-local', 'PORT_CLOSED']]) {
      // The row shows the verdict in a few words (they fit the sidebar); its label and hover carry the code.
      await until(page, `${n}'s verdict in the tree`, async () => ((await page.locator('.monaco-list-row[role="treeitem"]', { hasText: n }).getAttribute('aria-label')) ?? '').includes(code));
    }
    await screenshot(page, 'e2e-sweep-tree');
  });

  it('a row opens that instance\'s report, with the sweep\'s verdict', async () => {
    const frame = await summaryFrame();
    await frame.click('button.open[data-id]:text("sweep-closed")');
    const { code } = await waitVerdict(page, `${ssh.host}:${ssh.closedPort}`);
    assert.strictEqual(code, 'PORT_CLOSED');
    await screenshot(page, 'e2e-sweep-report');
  });
});
