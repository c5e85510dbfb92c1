// (e2e) The report's "Fix the permissions" button in real VS Code (code-server + chromium), as
// a person would use it: a host imported from ~/.ssh/config whose key has mode 0644 is
// diagnosed LOCAL_KEY_REFUSED; the report shows the exact command; the button opens a modal
// with it; confirmed, the key is 0600; "Restore the previous permissions" puts 0644 back.
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, openWorkbench, ROOT, screenshot, startCodeServer, type CodeServer } from './harness';
import { answerDialog, palette, text, until, VSIX, waitVerdict } from './ui';

describe('(e2e) local permission fix in real VS Code', function () {
  this.timeout(240_000);
  let cs: CodeServer;
  let browser: Browser;
  let page: Page;
  let home: string;
  let key: string;
  let port: number;

  before(async function () {
    this.timeout(180_000);
    assert.ok(fs.existsSync(VSIX), `VSIX missing: ${VSIX} (npm run package)`);
    // A closed loopback port: the server side is not what this test is about.
    const srv = net.createServer();
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    port = (srv.address() as net.AddressInfo).port;
    await new Promise<void>((r) => srv.close(() => r()));
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'cvmd-e2e-home-'));
    fs.mkdirSync(path.join(home, '.ssh'), { mode: 0o700 });
    key = path.join(home, '.ssh', 'e2e_ed25519');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key], { stdio: 'ignore' });
    fs.chmodSync(key, 0o644);
    fs.writeFileSync(path.join(home, '.ssh', 'config'), `Host e2e-key\n  HostName 127.0.0.1\n  Port ${port}\n  User u\n  IdentityFile ${key}\n`, { mode: 0o600 });
    cs = await startCodeServer({ vsix: VSIX, env: { HOME: home }, settings: { 'cvmDoctor.alternativePorts': [], 'cvmDoctor.probeTimeoutMs': 2000 } });
    browser = await launchBrowser();
    page = await openWorkbench(browser, `${cs.url}/?folder=${encodeURIComponent(cs.workspace)}`);
  });

  after(async function () {
    this.timeout(30_000);
    if (page) await screenshot(page, 'e2e-local-fix-final');
    await browser?.close().catch(() => undefined);
    if (this.currentTest?.state === 'failed' && cs) fs.writeFileSync(path.join(ROOT, 'test-results', 'code-server-local.log'), cs.log());
    await cs?.stop();
    if (home) fs.rmSync(home, { recursive: true, force: true });
  });

  it('imports the host, diagnoses LOCAL_KEY_REFUSED, fixes the mode after the modal, and undoes it', async () => {
    await page.locator('.activitybar [aria-label^="CVM Doctor"]').first().click({ timeout: 40_000 });
    await palette(page, 'CVM Doctor: Import from ~/.ssh/config');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'e2e-key' }).first().waitFor();
    await page.keyboard.press('Enter');
    await page.locator('.monaco-list-row', { hasText: 'e2e-key' }).first().waitFor();

    await palette(page, 'CVM Doctor: Diagnose CVM');
    await page.locator('.quick-input-widget .quick-input-title', { hasText: 'Diagnose CVM' }).waitFor();
    await page.locator('.quick-input-widget input.input').fill('e2e-key');
    await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: 'e2e-key' }).first().waitFor();
    await page.keyboard.press('Enter');
    const { frame, code } = await waitVerdict(page, `127.0.0.1:${port}`);
    assert.strictEqual(code, 'LOCAL_KEY_REFUSED');
    assert.match(await text(frame, '#local-fix-preview'), new RegExp(`^chmod 600 ${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} # 0644 → 0600$`));
    assert.strictEqual(await frame.$('#undo-fix-local'), null, 'nothing to undo yet');
    await screenshot(page, 'e2e-local-fix-offered');

    // Declined: nothing changes.
    await frame.click('#fix-local');
    const shown = await answerDialog(page, 'readable by you only', 'Cancel');
    assert.match(shown, /chmod 600/);
    assert.strictEqual(fs.statSync(key).mode & 0o777, 0o644);

    // Confirmed: 0600, and the panel offers the undo.
    await frame.click('#fix-local');
    await answerDialog(page, 'readable by you only', 'Fix the permissions');
    await until(page, 'the key to become 0600', () => (fs.statSync(key).mode & 0o777) === 0o600);
    await until(page, 'the undo button', async () => await frame.$('#undo-fix-local'));
    await page.keyboard.press('Escape');

    await frame.click('#undo-fix-local');
    await answerDialog(page, 'Restore the permissions', 'Restore the previous permissions');
    await until(page, 'the key to be 0644 again', () => (fs.statSync(key).mode & 0o777) === 0o644);
    await until(page, 'the undo button to go', async () => (await frame.$('#undo-fix-local')) === null);
  });
});
