// (e2e) Acting on the verdict from the report, in real VS Code (code-server + chromium), against
// REAL OpenSSH in lab network namespaces: a host typed ad hoc whose sshd moved to 2222 →
// SERVICE_ON_OTHER_PORT → "Use port 2222 for this instance" → re-run → OK; "Save as instance"
// → it is in the tree; "Set credentials…" with a password, then with a key file from the
// picker that opens in ~/.ssh → the login is tested; a host that never identifies itself
// shows its check in progress ("waiting up to 5 s …"), the report's Stop cancels it, and
// closing the report's tab cancels the next run — with no "Webview is disposed" in any log.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Browser, Frame, Page } from 'playwright-core';
import { checkRank } from '../../src/core/checkOrder';
import type { CheckId } from '../../src/core/model';
import { createLab, LAB_USER, labUnavailableReason, type Lab, type LabHost } from '../support/lab';
import { launchBrowser, openWorkbench, ROOT, screenshot, startCodeServer, type CodeServer } from './harness';
import { answer, choose, hoverText, palette, text, until, VSIX, waitVerdict } from './ui';

const NAME = 'moved-lab';

/** The report frame whose target line contains `hostPort` (running or not). */
async function reportFrame(page: Page, hostPort: string, ms = 30_000): Promise<Frame> {
  return until(page, `a report for ${hostPort}`, async () => {
    for (const f of page.frames()) {
      const t = await f.$eval('#target', (e) => e.textContent ?? '').catch(() => '');
      if (t.includes(hostPort)) return f;
    }
    return undefined;
  }, ms);
}

function logFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? logFiles(p) : e.name.endsWith('.log') ? [p] : [];
  });
}

describe('(e2e) acting on the verdict from the report', function () {
  this.timeout(240_000);
  let lab: Lab;
  let moved: LabHost;
  let silent: LabHost;
  let cs: CodeServer;
  let browser: Browser;
  let page: Page;
  let home: string;
  let knownHosts: string;
  let key: string;
  const ourLog = () => logFiles(path.join(cs.userDataDir, 'logs')).filter((f) => path.basename(f).includes('CVM Doctor')).map((f) => fs.readFileSync(f, 'utf8')).join('\n');
  const allLogs = () => logFiles(path.join(cs.userDataDir, 'logs')).map((f) => fs.readFileSync(f, 'utf8')).join('\n');

  before(async function () {
    this.timeout(180_000);
    const why = labUnavailableReason();
    if (why) {
      console.log(`    (skipped: the lab cannot run here: ${why})`);
      this.skip();
    }
    assert.ok(fs.existsSync(VSIX), `VSIX missing: ${VSIX} (npm run package)`);
    lab = await createLab();
    moved = await lab.addHost({ label: 'e2e-moved', sshd: { ports: [2222], passwordAuthentication: true } });
    silent = await lab.addHost({ label: 'e2e-silent', servers: [{ kind: 'silent', port: 22 }] });
    // The user's home for the extension host: ~/.ssh holds the key the picker should offer.
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'cvmd-e2e-home-'));
    fs.mkdirSync(path.join(home, '.ssh'), { mode: 0o700 });
    key = path.join(home, '.ssh', 'id_lab');
    fs.copyFileSync(lab.clientKeyPath, key);
    fs.chmodSync(key, 0o600);
    knownHosts = lab.writeKnownHosts(moved.knownHostsLines(2222), 'e2e_known_hosts');
    cs = await startCodeServer({
      vsix: VSIX,
      env: { HOME: home },
      settings: {
        'cvmDoctor.knownHostsPath': knownHosts,
        'cvmDoctor.pollIntervalSeconds': 3600,
        'cvmDoctor.probeTimeoutMs': 5000,
        'cvmDoctor.alternativePorts': [2222],
        'cvmDoctor.language': 'en',
      },
    });
    browser = await launchBrowser();
    page = await openWorkbench(browser, `${cs.url}/?folder=${encodeURIComponent(cs.workspace)}`);
    await page.locator('.activitybar [aria-label^="CVM Doctor"]').first().click({ timeout: 40_000 });
  });

  after(async function () {
    this.timeout(30_000);
    if (page) await screenshot(page, 'e2e-actions-final');
    await browser?.close().catch(() => undefined);
    if (this.currentTest?.state === 'failed' && cs) fs.writeFileSync(path.join(ROOT, 'test-results', 'code-server-actions.log'), cs.log());
    await cs?.stop();
    await lab?.destroy();
    if (home) fs.rmSync(home, { recursive: true, force: true });
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && page) await screenshot(page, `e2e-actions-failed-${this.currentTest.title.replace(/\W+/g, '-')}`);
  });

  it('SERVICE_ON_OTHER_PORT → "Use port 2222 for this instance" → re-run → OK', async () => {
    await palette(page, 'CVM Doctor: Diagnose CVM');
    await choose(page, 'Diagnose CVM', 'Enter a host');
    await answer(page, 'Diagnose CVM (1/3)', moved.ipv4);
    await choose(page, 'Diagnose CVM (2/3)', 'SSH');
    await answer(page, 'Diagnose CVM (3/3)', '22');
    let { frame, code } = await waitVerdict(page, `${moved.ipv4}:22`);
    assert.strictEqual(code, 'SERVICE_ON_OTHER_PORT');
    assert.strictEqual(await text(frame, '#action-usePort'), 'Use port 2222 for this instance');
    assert.ok(await frame.$('#action-saveInstance'), 'an ad-hoc report offers Save as instance');
    // The scan that found SSH on 2222 ran: it is not labelled "skip".
    assert.ok(await frame.$('#timeline li[data-check="altports"][data-status="warn"]'));
    // The connect command is sshCommandLine's: the known_hosts file the diagnosis used.
    const steps = await frame.$$eval('#remediation code', (cs) => cs.map((c) => c.textContent ?? ''));
    assert.ok(steps.includes(`ssh -p 2222 -o UserKnownHostsFile=${knownHosts} -l root ${moved.ipv4}`), steps.join('\n'));
    await screenshot(page, 'e2e-actions-moved');

    await frame.click('#action-usePort');
    ({ frame, code } = await waitVerdict(page, `${moved.ipv4}:2222`));
    assert.strictEqual(code, 'OK');
    const ids = await frame.$$eval('#timeline li', (lis) => lis.map((li) => (li as HTMLElement).dataset.check as string));
    assert.deepStrictEqual(ids, [...ids].sort((a, b) => checkRank(a as CheckId) - checkRank(b as CheckId)), `stable order: ${ids}`);
    assert.ok(await frame.$('#action-setCredentials'), 'no login tested: Set credentials… is offered');
    assert.match(await text(frame, '.meta'), /\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \(UTC[+-]\d\d:\d\d\)/, 'local time with its offset');
    await screenshot(page, 'e2e-actions-use-port-ok');
  });

  it('"Save as instance" keeps the ad-hoc host: it is in the tree and the report is its report', async () => {
    const frame = await reportFrame(page, `${moved.ipv4}:2222`);
    await frame.click('#action-saveInstance');
    await answer(page, 'Save as instance', NAME);
    const row = page.locator('.monaco-list-row[role="treeitem"]', { hasText: NAME });
    await row.waitFor({ timeout: 20_000 });
    // The row shows the verdict; its hover names the target, with the moved port.
    assert.match((await hoverText(page, row, NAME)).text, new RegExp(`${moved.ipv4.replace(/\./g, '\\.')}:2222`));
    await page.mouse.move(5, 5);
    const f = await until(page, 'the report retitled to the instance', async () => {
      const fr = await reportFrame(page, `${moved.ipv4}:2222`);
      return (await text(fr, '#target').catch(() => '')).includes(NAME) ? fr : undefined;
    });
    assert.strictEqual(await f.$('#action-saveInstance'), null, 'saved: no Save as instance any more');
    await screenshot(page, 'e2e-actions-saved');
  });

  it('"Set credentials…" with a password → re-run → the login is tested', async () => {
    const frame = await reportFrame(page, NAME);
    await frame.click('#action-setCredentials');
    await answer(page, 'Set credentials… (1/3)', LAB_USER);
    await choose(page, 'Set credentials… (2/3)', 'Password');
    await answer(page, 'Set credentials… (3/3)', lab.password);
    const f = await until(page, 'a report with the login tested', async () => {
      const { frame: fr, code } = await waitVerdict(page, `${moved.ipv4}:2222`);
      return code === 'OK' && await fr.$('#timeline li[data-check="login"][data-status="pass"]') ? fr : undefined;
    }, 60_000);
    assert.match(await text(f, '#timeline li[data-check="login"]'), new RegExp(`${LAB_USER}.*password`));
    assert.strictEqual(await f.$('#action-setCredentials'), null, 'the login worked: nothing to set');
    const steps = await f.$$eval('#remediation code', (cs) => cs.map((c) => c.textContent ?? ''));
    assert.ok(steps.includes(`ssh -p 2222 -o UserKnownHostsFile=${knownHosts} -l ${LAB_USER} ${moved.ipv4}`), steps.join('\n'));
    assert.ok(!ourLog().includes(lab.password), 'the password never reaches the log');
    await screenshot(page, 'e2e-actions-credentials-password');
  });

  it('"Set credentials…" with a key file: the picker opens in ~/.ssh, the key login is tested', async () => {
    // The password is removed first, so only the key can log in.
    const frame0 = await reportFrame(page, NAME);
    await palette(page, 'CVM Doctor: Credentials…');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: NAME }).first().waitFor();
    await page.keyboard.press('Enter');
    await choose(page, 'Credentials for', 'Forget saved password');
    // A fresh OK report without credentials offers the action again: re-run it.
    await frame0.click('#rerun');
    const frame = await until(page, 'Set credentials offered again', async () => {
      const { frame: fr } = await waitVerdict(page, `${moved.ipv4}:2222`);
      return await fr.$('#action-setCredentials') ? fr : undefined;
    }, 60_000);
    await frame.click('#action-setCredentials');
    await answer(page, 'Set credentials… (1/3)', LAB_USER);
    await choose(page, 'Set credentials… (2/3)', 'Key file');
    // The wizard's key picker (one picker): the key in ~/.ssh is offered, and "Choose a key
    // file…" opens the dialog.
    await page.locator('.quick-input-widget .quick-input-title', { hasText: 'Set credentials… (3/3)' }).waitFor();
    await page.locator('.quick-input-list .monaco-list-row', { hasText: path.basename(key) }).first().waitFor();
    await choose(page, 'Set credentials… (3/3)', 'Choose a key file');
    await page.locator('.quick-input-widget .quick-input-title', { hasText: 'Choose a key file' }).waitFor();
    const input = page.locator('.quick-input-widget input.input');
    const sshDir = path.join(home, '.ssh');
    let seen = '';
    await until(page, `the picker opening in ${sshDir} (shows "${seen}")`, async () => {
      seen = await input.inputValue();
      return seen.startsWith(`${sshDir}/`);
    }, 10_000);
    await input.fill(key);
    await page.keyboard.press('Enter');
    const f = await until(page, 'a report with the key login tested', async () => {
      const { frame: fr, code } = await waitVerdict(page, `${moved.ipv4}:2222`);
      return code === 'OK' && await fr.$('#timeline li[data-check="login"][data-status="pass"]') ? fr : undefined;
    }, 60_000);
    assert.match(await text(f, '#timeline li[data-check="login"]'), /publickey/);
    const steps = await f.$$eval('#remediation code', (cs) => cs.map((c) => c.textContent ?? ''));
    assert.ok(steps.includes(`ssh -p 2222 -i ${key} -o UserKnownHostsFile=${knownHosts} -l ${LAB_USER} ${moved.ipv4}`), steps.join('\n'));
    await screenshot(page, 'e2e-actions-credentials-key');
  });

  it('Save HTML suggests cvm-doctor-<name>-<date>.html in the workspace or home, then offers Open and Reveal; the file looks like the report', async () => {
    const frame = await reportFrame(page, NAME);
    await frame.click('text=Save HTML');
    await page.locator('.quick-input-widget .quick-input-title', { hasText: 'Save HTML' }).waitFor();
    const input = page.locator('.quick-input-widget input.input');
    // The dialog fills in its folder first, then the suggested name.
    let shown = '';
    const suggested = await until(page, `the suggested file name (shows "${shown}")`, async () => {
      shown = await input.inputValue();
      return shown.endsWith('.html') ? shown : undefined;
    }, 10_000);
    assert.match(path.basename(suggested), new RegExp(`^cvm-doctor-${NAME}-\\d{4}-\\d\\d-\\d\\d\\.html$`), suggested);
    assert.ok([cs.workspace, home].includes(path.dirname(suggested)), `in the workspace or home, not /: ${suggested}`);
    await page.keyboard.press('Enter');
    const toast = page.locator('.notification-toast', { hasText: 'Report saved to' });
    await toast.waitFor({ timeout: 15_000 });
    for (const b of ['Open', 'Reveal']) assert.ok(await toast.locator('.monaco-button', { hasText: b }).count() >= 1, `toast offers ${b}`);
    await screenshot(page, 'e2e-actions-save-html-toast');
    await until(page, 'the saved file', () => fs.existsSync(suggested));
    const html = fs.readFileSync(suggested, 'utf8');
    assert.match(html, /<ol class="timeline">/);
    assert.match(html, /<span class="badge badge-pass">pass<\/span><span class="check-name">Login<\/span>/);
    // The saved page, opened as a person would open the file.
    const view = await browser.newPage({ viewport: { width: 1000, height: 900 } });
    await view.goto(`file://${suggested}`);
    await view.screenshot({ path: path.join(ROOT, 'test-results', 'e2e-actions-saved-html.png') });
    await view.close();
    await toast.locator('.monaco-button', { hasText: 'Open' }).first().click();
    await page.locator('.tab', { hasText: path.basename(suggested) }).first().waitFor({ timeout: 15_000 });
  });

  it('a waiting check shows what it waits for; Stop cancels; closing the tab cancels — no "Webview is disposed"', async () => {
    await palette(page, 'CVM Doctor: Diagnose CVM');
    await choose(page, 'Diagnose CVM', 'Enter a host');
    await answer(page, 'Diagnose CVM (1/3)', silent.ipv4);
    await choose(page, 'Diagnose CVM (2/3)', 'SSH');
    await answer(page, 'Diagnose CVM (3/3)', '22');
    const hostPort = `${silent.ipv4}:22`;
    let frame = await reportFrame(page, hostPort);
    const row = '#timeline li[data-check="banner"][data-status="running"]';
    await frame.waitForSelector(row, { timeout: 15_000 });
    assert.match(await text(frame, row), /waiting up to 5 s for the server to identify itself/);
    await screenshot(page, 'e2e-actions-in-progress');
    await frame.click('#stop');
    await frame.waitForSelector('#error', { timeout: 10_000 });
    assert.match(await text(frame, '#error'), /Diagnosis cancelled/);
    await until(page, 'the log says the run was stopped from the report', () => /run \d+ [\d.]+:22: cancelled: stopped from the report/.test(ourLog()));
    await screenshot(page, 'e2e-actions-stopped');

    frame = await reportFrame(page, hostPort);
    await frame.click('#rerun');
    await frame.waitForSelector(row, { timeout: 15_000 });
    const runs = [...ourLog().matchAll(/run (\d+) [\d.]+:22: start/g)].map((m) => Number(m[1]));
    const last = Math.max(...runs);
    // Close the report's tab as a person would: its tab, then View: Close Editor.
    await page.locator('.tab', { hasText: `CVM Doctor: ${silent.ipv4}` }).first().click();
    await palette(page, 'View: Close Editor');
    await page.locator('.tab', { hasText: `CVM Doctor: ${silent.ipv4}` }).waitFor({ state: 'detached', timeout: 10_000 });
    await until(page, 'the log says the run ended because its report was closed',
      () => new RegExp(`run ${last} [\\d.]+:22: cancelled: the report was closed`).test(ourLog()));
    // Give a run that went on the time to finish: it would log its verdict (and post to the closed webview).
    await page.waitForTimeout(6000);
    assert.doesNotMatch(ourLog(), new RegExp(`run ${last} [\\d.]+:22: verdict`), 'the closed report\'s run went on');
    assert.doesNotMatch(allLogs(), /Webview is disposed/);
    await screenshot(page, 'e2e-actions-closed');
  });
});
