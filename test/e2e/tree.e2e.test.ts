// (e2e) The Instances tree and the add/edit wizard in real VS Code (code-server + chromium),
// against a lab host whose REAL sshd listens on 2222 only (22 is closed), with a dropped port
// and an SMTP-style server beside it: a pasted `ssh -p 2222 root@host` fills the wizard, Back goes
// back, a click on an instance diagnoses it (no report yet) and later reopens that report, an
// edit to port 22 clears the stale verdict and re-checks (the hover words it as the report
// does and links nothing), and Check All Now shows the view's progress bar. Screenshots go to
// test-results/tree-*.png.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Browser, Page } from 'playwright-core';
import { createLab, labUnavailableReason, type Lab, type LabHost } from '../support/lab';
import { launchBrowser, openWorkbench, ROOT, screenshot, startCodeServer, type CodeServer } from './harness';
import { answer, choose, hoverText, palette, text, until, VSIX, waitVerdict } from './ui';

describe('(e2e) the Instances tree and the wizard', function () {
  this.timeout(240_000);
  let lab: Lab | undefined;
  let host: LabHost;
  let cs: CodeServer;
  let browser: Browser;
  let page: Page;
  const name = 'tree-e2e';
  const row = () => page.locator('.monaco-list-row[role="treeitem"]', { hasText: name });
  const description = async () => (await row().locator('.label-description').innerText().catch(() => '')).trim();
  const inputValue = () => page.locator('.quick-input-widget input.input').inputValue();

  before(async function () {
    this.timeout(180_000);
    const why = labUnavailableReason();
    if (why) this.skip(); // needs root and network namespaces: the lab host is the target
    assert.ok(fs.existsSync(VSIX), `VSIX missing: ${VSIX} (npm run package)`);
    lab = await createLab();
    host = await lab.addHost({ label: 'tree', sshd: { ports: [2222] }, servers: [{ kind: 'greeting', port: 8025 }], nft: 'tcp dport 2299 drop' });
    const knownHosts = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cvmd-tree-')), 'known_hosts');
    fs.writeFileSync(knownHosts, '');
    cs = await startCodeServer({
      vsix: VSIX,
      settings: {
        'cvmDoctor.knownHostsPath': knownHosts,
        'cvmDoctor.pollIntervalSeconds': 600,
        'cvmDoctor.probeTimeoutMs': 3000,
        'cvmDoctor.alternativePorts': [2222],
      },
    });
    browser = await launchBrowser();
    page = await openWorkbench(browser, `${cs.url}/?folder=${encodeURIComponent(cs.workspace)}`);
    await page.locator('.activitybar [aria-label^="CVM Doctor"]').first().click({ timeout: 40_000 });
  });

  after(async function () {
    this.timeout(30_000);
    if (page) await screenshot(page, 'tree-final');
    await browser?.close().catch(() => undefined);
    if (this.currentTest?.state === 'failed' && cs) fs.writeFileSync(path.join(ROOT, 'test-results', 'code-server-tree.log'), cs.log());
    await cs?.stop();
    await lab?.destroy();
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && page) await screenshot(page, `tree-failed-${this.currentTest.title.replace(/\W+/g, '-')}`);
  });

  it('the welcome view has one button; the title bar keeps "Diagnose a Host…"', async () => {
    const welcome = page.locator('.welcome-view-content', { hasText: 'No saved instances yet' });
    await welcome.waitFor();
    assert.strictEqual(await welcome.locator('.monaco-button').count(), 1, 'one primary action');
    assert.match(await welcome.locator('.monaco-button').innerText(), /Add Instance/);
    assert.ok(await welcome.locator('a', { hasText: 'diagnose a host' }).count() >= 1, 'the rest are links');
    await screenshot(page, 'tree-welcome');
  });

  it('a pasted `ssh -p 2222 root@host` fills the wizard, and Back goes back a step', async () => {
    await palette(page, 'CVM Doctor: Add Instance');
    await answer(page, 'Add Instance (1/9)', `ssh -p 2222 root@${host.ipv4}`);
    // Protocol: SSH, from the ssh command.
    await page.locator('.quick-input-widget .quick-input-title', { hasText: '(2/9)' }).waitFor();
    assert.match(await page.locator('.quick-input-list .monaco-list-row.focused').innerText(), /SSH/);
    await page.keyboard.press('Enter');
    await page.locator('.quick-input-widget .quick-input-title', { hasText: '(3/9)' }).waitFor();
    assert.strictEqual(await inputValue(), '2222', 'the port came from -p');
    await page.keyboard.press('Enter');
    await page.locator('.quick-input-widget .quick-input-title', { hasText: '(4/9)' }).waitFor();
    assert.strictEqual(await inputValue(), 'root', 'the user came from user@host');
    await screenshot(page, 'tree-wizard-paste');
    // Back (VS Code's own button in the title bar): the port step again, its value kept.
    await page.locator('.quick-input-widget .codicon-quick-input-back').first().click();
    await page.locator('.quick-input-widget .quick-input-title', { hasText: '(3/9)' }).waitFor();
    assert.strictEqual(await inputValue(), '2222');
    await screenshot(page, 'tree-wizard-back');
    await page.keyboard.press('Enter');
    await answer(page, '(4/9)', 'root');
    await choose(page, '(5/9)', 'No identity file');
    await answer(page, '(6/9)', name);
    await answer(page, '(7/9)', '');
    await answer(page, '(8/9)', '');
    await choose(page, '(9/9)', 'Direct'); // the Jump through step: direct
    await row().waitFor();
  });

  it('before a diagnosis the row shows the live reachability; the hover names the target without a link', async () => {
    await row().locator('.codicon-pass-filled').waitFor({ timeout: 20_000 });
    assert.match(await description(), /^Reachable \(\d+(\.\d+)? ms\)$/);
    const { text: shown, hover } = await hoverText(page, row(), 'Not diagnosed yet');
    assert.ok(shown.includes(`SSH root@${host.ipv4}:2222`), shown);
    // The report's own words for the TCP and banner checks.
    assert.match(shown, new RegExp(`TCP port 2222 on ${host.ipv4.replace(/\./g, '\\.')} is open`));
    assert.match(shown, /Server identification: SSH-2\.0-OpenSSH/);
    assert.strictEqual(await hover.locator('a').count(), 0, 'root@host is not a mailto: link');
    await screenshot(page, 'tree-hover-reachable');
    await page.mouse.move(5, 5);
  });

  it('a click on an instance without a report diagnoses it; the row then shows the verdict', async () => {
    await row().click();
    const { frame, code } = await waitVerdict(page, `${host.ipv4}:2222`);
    assert.strictEqual(code, 'OK');
    await until(page, 'the verdict on the row', async () => /^OK$/.test(await description()));
    assert.ok(await row().locator('.codicon-pass-filled').count(), 'verdict-class icon');
    assert.match((await row().getAttribute('aria-label')) ?? '', /, OK$/);
    const meta = await text(frame, '.meta');
    await screenshot(page, 'tree-click-diagnoses');
    // Close the report; a click opens that same report again (no new run).
    await palette(page, 'View: Close All Editors');
    await page.locator('.tab', { hasText: name }).waitFor({ state: 'detached' });
    await row().click();
    const again = await waitVerdict(page, `${host.ipv4}:2222`);
    assert.strictEqual(await text(again.frame, '.meta'), meta, 'the same run, not a new one');
    await screenshot(page, 'tree-click-last-report');
  });

  it('editing the port clears the stale verdict and checks the instance again', async () => {
    await palette(page, 'CVM Doctor: Edit Instance');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().click();
    // Edit asks which field; only that field's steps run.
    await choose(page, `Edit ${name}`, 'Protocol and port');
    await page.locator('.quick-input-widget .quick-input-title', { hasText: '(1/2)' }).waitFor();
    await screenshot(page, 'tree-edit-field');
    await page.keyboard.press('Enter'); // SSH stays
    await answer(page, '(2/2)', '22');
    // The green OK of port 2222 must not sit next to the new port: cleared, then re-checked.
    await until(page, 'the re-check of port 22', async () => (await description()) === 'Port closed', 20_000);
    assert.ok(await row().locator('.codicon-error').count(), 'the reachability icon, not the old verdict');
    assert.ok(!/OK/.test((await row().getAttribute('aria-label')) ?? ''), 'no stale verdict in the label');
    const { text: shown } = await hoverText(page, row(), 'Not diagnosed yet');
    assert.match(shown, /TCP port 22 refused the connection/, 'the report\'s words, not a raw ECONNREFUSED');
    assert.ok(!shown.includes('ECONNREFUSED'), shown);
    await screenshot(page, 'tree-edited-stale-gone');
    await page.mouse.move(5, 5);
    // The report still open from before says it is about the old target.
    const old = await waitVerdict(page, `${host.ipv4}:2222`);
    assert.match(await text(old.frame, '#note'), new RegExp(`This report is for SSH root@${host.ipv4.replace(/\./g, '\\.')}:2222; the instance now connects to SSH root@${host.ipv4.replace(/\./g, '\\.')}:22`));
    // No last report for the new target: a click diagnoses it.
    await row().click();
    const { code } = await waitVerdict(page, `${host.ipv4}:22 (SSH)`); // not the old :2222 report
    assert.strictEqual(code, 'SERVICE_ON_OTHER_PORT');
    await until(page, 'the new verdict on the row', async () => (await description()) === 'Answers on another port');
    await screenshot(page, 'tree-after-edit-diagnosis');
  });

  it('a non-SSH answer is worded with what it sent; Check All Now shows the view\'s progress', async () => {
    for (const [n, port] of [['tree-smtp', 8025], ['tree-filtered', 2299]] as const) {
      await palette(page, 'CVM Doctor: Add Instance');
      await answer(page, '(1/9)', `${host.ipv4}:${port}`);
      await page.locator('.quick-input-widget .quick-input-title', { hasText: '(2/9)' }).waitFor();
      await page.keyboard.press('Enter');
      await answer(page, '(3/9)', String(port));
      await answer(page, '(4/9)', '');
      await choose(page, '(5/9)', 'No identity file');
      await answer(page, '(6/9)', n);
      await answer(page, '(7/9)', '');
      await answer(page, '(8/9)', '');
      await choose(page, '(9/9)', 'Direct'); // the Jump through step: direct
    }
    const smtp = page.locator('.monaco-list-row[role="treeitem"]', { hasText: 'tree-smtp' });
    await until(page, 'the other service\'s answer', async () => /Another service answers/.test(await smtp.innerText()), 20_000);
    // What it sent, as the report's banner check says it — not a bare "not SSH".
    assert.match((await hoverText(page, smtp, 'tree-smtp')).text, /Not an SSH server; it sent: 220 /);
    await screenshot(page, 'tree-hover-other-service');
    await page.mouse.move(5, 5);
    const filtered = page.locator('.monaco-list-row[role="treeitem"]', { hasText: 'tree-filtered' });
    await until(page, 'the filtered port timed out', async () => /No answer/.test(await filtered.innerText()), 20_000);
    // Check All Now: the view's progress bar runs while the dropped port waits out its 3 s.
    await page.locator('.part.sidebar .action-label[aria-label^="Check All Now"]').first().click();
    const progress = page.locator('.part.sidebar .monaco-progress-container.active');
    await progress.first().waitFor({ timeout: 5000 });
    await screenshot(page, 'tree-check-all-progress');
    await progress.first().waitFor({ state: 'hidden', timeout: 20_000 });
    // The title bar keeps "Diagnose a Host…" now that instances exist.
    assert.ok(await page.locator('.part.sidebar .action-label[aria-label^="Diagnose a Host"]').count() >= 1);
  });

  it('the Settings UI lists our settings in order, described, browsed without a "Cvm Doctor:" prefix', async () => {
    await palette(page, 'Preferences: Open Settings (UI)');
    await page.locator('.settings-editor').first().waitFor();
    await page.waitForTimeout(500); // the search box takes focus when the editor opens
    await page.keyboard.insertText('@ext:cvm-doctor.cvm-doctor');
    await page.locator('.settings-editor .settings-count-widget', { hasText: /^1\d Settings Found$/ }).waitFor();
    await page.waitForTimeout(500);
    const rows = await page.locator('.settings-editor .setting-item-title').allInnerTexts();
    await screenshot(page, 'tree-settings-ui');
    // Ordered by `order` (what fits in view: the list is virtual), each led by its description.
    assert.deepStrictEqual(rows.slice(0, 4).map((r) => r.replace(/^Cvm Doctor: /, '')), ['Language', 'Probe Timeout Ms', 'Icmp', 'Alternative Ports']);
    assert.strictEqual(await page.locator('.settings-editor .setting-item-description', { hasText: 'Ping (ICMP): send an ICMP echo' }).count(), 1);
    // Browsing instead of searching: Extensions › CVM Doctor in the table of contents.
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.press('Delete');
    await page.waitForTimeout(1000);
    await page.locator('.settings-toc-container').getByRole('treeitem', { name: /^Extensions/ }).first().click();
    await page.waitForTimeout(500);
    await page.locator('.settings-toc-container').getByRole('treeitem', { name: /^CVM Doctor/ }).first().click();
    await page.waitForTimeout(1000);
    const toc = await page.locator('.settings-editor .setting-item-title').allInnerTexts();
    await screenshot(page, 'tree-settings-ui-toc');
    // Browsed by its group, no key-derived "Cvm Doctor:" prefix (searching adds it back: the
    // Settings UI builds labels from keys, and extensions cannot give a setting a title).
    assert.deepStrictEqual(toc.slice(0, 4), ['Language', 'Probe Timeout Ms', 'Icmp', 'Alternative Ports']);
    await page.keyboard.press('Escape');
    await palette(page, 'View: Close All Editors');
  });
});
