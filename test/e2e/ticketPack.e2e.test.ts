// (e2e) Path evidence and the ticket pack from the report, in real VS Code (code-server +
// chromium) against REAL OpenSSH in a lab namespace: a wrong password saved in the secret
// storage gives AUTH_FAILED → "Collect path evidence" re-runs with the trace (its check shows
// the tool, the protocol and the destination answering) → "Save ticket pack…" suggests
// cvm-doctor-<name>-<date>-ticket.md, writes it and its JSON twin, offers Open and Reveal; both
// files are read back: the evidence is there, the password is not.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Browser, Frame, Page } from 'playwright-core';
import { createLab, LAB_USER, labUnavailableReason, type Lab, type LabHost } from '../support/lab';
import { launchBrowser, openWorkbench, ROOT, screenshot, startCodeServer, type CodeServer } from './harness';
import { answer, choose, palette, text, until, VSIX, waitVerdict } from './ui';

const NAME = 'ticket-lab';
const WRONG = 'Wr0ng-pass-for-the-ticket-7';

describe('(e2e) path evidence and the ticket pack', function () {
  this.timeout(240_000);
  let lab: Lab;
  let host: LabHost;
  let cs: CodeServer;
  let browser: Browser;
  let page: Page;
  let home: string;

  before(async function () {
    this.timeout(180_000);
    const why = labUnavailableReason();
    if (why) {
      console.log(`    (skipped: the lab cannot run here: ${why})`);
      this.skip();
    }
    assert.ok(fs.existsSync(VSIX), `VSIX missing: ${VSIX} (npm run package)`);
    lab = await createLab();
    host = await lab.addHost({ label: 'e2e-ticket', sshd: { passwordAuthentication: true } });
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'cvmd-e2e-home-'));
    cs = await startCodeServer({
      vsix: VSIX,
      env: { HOME: home },
      settings: {
        'cvmDoctor.knownHostsPath': lab.writeKnownHosts([host.knownHostsLine], 'e2e_ticket_known_hosts'),
        'cvmDoctor.pollIntervalSeconds': 3600,
        'cvmDoctor.probeTimeoutMs': 3000,
        'cvmDoctor.alternativePorts': [],
        'cvmDoctor.language': 'en',
      },
    });
    browser = await launchBrowser();
    page = await openWorkbench(browser, `${cs.url}/?folder=${encodeURIComponent(cs.workspace)}`);
    await page.locator('.activitybar [aria-label^="CVM Doctor"]').first().click({ timeout: 40_000 });
  });

  after(async function () {
    this.timeout(30_000);
    if (page) await screenshot(page, 'e2e-ticket-final');
    await browser?.close().catch(() => undefined);
    if (this.currentTest?.state === 'failed' && cs) fs.writeFileSync(path.join(ROOT, 'test-results', 'code-server-ticket.log'), cs.log());
    await cs?.stop();
    await lab?.destroy();
    if (home) fs.rmSync(home, { recursive: true, force: true });
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && page) await screenshot(page, `e2e-ticket-failed-${this.currentTest.title.replace(/\W+/g, '-')}`);
  });

  const hostPort = () => `${host.ipv4}:22`;
  let frame: Frame;

  it('a wrong password saved for the instance: AUTH_FAILED, with "Collect path evidence" and "Save ticket pack…" offered', async () => {
    await palette(page, 'CVM Doctor: Diagnose CVM');
    await choose(page, 'Diagnose CVM', 'Enter a host');
    await answer(page, 'Diagnose CVM (1/3)', host.ipv4);
    await choose(page, 'Diagnose CVM (2/3)', 'SSH');
    await answer(page, 'Diagnose CVM (3/3)', '22');
    ({ frame } = await waitVerdict(page, hostPort()));
    await frame.click('#action-setCredentials');
    await answer(page, 'Save as instance', NAME);
    await answer(page, 'Set credentials… (1/3)', LAB_USER);
    await choose(page, 'Set credentials… (2/3)', 'Password');
    await answer(page, 'Set credentials… (3/3)', WRONG);
    frame = await until(page, 'AUTH_FAILED with the wrong password', async () => {
      const r = await waitVerdict(page, hostPort());
      return r.code === 'AUTH_FAILED' ? r.frame : undefined;
    }, 60_000);
    assert.strictEqual(await text(frame, '#action-collectTrace'), 'Collect path evidence');
    assert.strictEqual(await text(frame, '#action-saveTicketPack'), 'Save ticket pack…');
    assert.strictEqual(await frame.$('#timeline li[data-check="path.out"]'), null, 'no trace before it is asked for');
  });

  it('"Collect path evidence" re-runs with the trace: the path check names the tool and the protocol', async () => {
    await frame.click('#action-collectTrace');
    frame = await until(page, 'a report with path evidence', async () => {
      const r = await waitVerdict(page, hostPort(), 90_000);
      return await r.frame.$('#timeline li[data-check="path.out"]') ? r.frame : undefined;
    }, 90_000);
    const row = await text(frame, '#timeline li[data-check="path.out"]');
    assert.match(row, new RegExp(`Trace from here \\((mtr --tcp|traceroute -T|tcptraceroute), TCP to port 22\\): the destination ${host.ipv4.replace(/\./g, '\\.')} answered at hop 1`), row);
    assert.strictEqual(await frame.$('#action-collectTrace'), null, 'collected: not offered again');
    await screenshot(page, 'e2e-ticket-path');
  });

  it('"Save ticket pack…" writes the Markdown and its JSON twin with the evidence and without the password', async () => {
    await frame.click('#action-saveTicketPack');
    await page.locator('.quick-input-widget .quick-input-title', { hasText: 'Save ticket pack' }).waitFor();
    const input = page.locator('.quick-input-widget input.input');
    let shown = '';
    const suggested = await until(page, `the suggested file name (shows "${shown}")`, async () => {
      shown = await input.inputValue();
      return shown.endsWith('.md') ? shown : undefined;
    }, 10_000);
    assert.match(path.basename(suggested), new RegExp(`^cvm-doctor-${NAME}-\\d{4}-\\d\\d-\\d\\d-ticket\\.md$`), suggested);
    await page.keyboard.press('Enter');
    const toast = page.locator('.notification-toast', { hasText: 'Ticket pack saved to' });
    await toast.waitFor({ timeout: 15_000 });
    for (const b of ['Open', 'Reveal']) assert.ok(await toast.locator('.monaco-button', { hasText: b }).count() >= 1, `toast offers ${b}`);
    await screenshot(page, 'e2e-ticket-toast');
    const jsonFile = suggested.replace(/\.md$/, '.json');
    await until(page, 'both files', () => fs.existsSync(suggested) && fs.existsSync(jsonFile));
    const md = fs.readFileSync(suggested, 'utf8');
    const json = fs.readFileSync(jsonFile, 'utf8');
    for (const [name, body] of [['markdown', md], ['json', json]] as const) {
      assert.ok(!body.includes(WRONG), `${name} holds the password`);
      assert.doesNotMatch(body, /wss?:\/\/|InstanceVncUrl|PRIVATE KEY-----\n[A-Za-z0-9]/, name);
    }
    assert.match(md, /^# CVM Doctor — support ticket pack/);
    assert.match(md, /Diagnosis started: `\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d`/);
    assert.match(md, /`AUTH_FAILED`/);
    assert.match(md, new RegExp(`1 {2}${host.ipv4.replace(/\./g, '\\.')}`));
    assert.match(md, /From the instance back to this machine\n\nNot collected/);
    const data = JSON.parse(json);
    assert.strictEqual(data.kind, 'cvm-doctor-ticket-pack');
    assert.strictEqual(data.verdict.code, 'AUTH_FAILED');
    assert.strictEqual(data.pathEvidence.out.reached, true);
    assert.strictEqual(data.pathEvidence.out.hops.at(-1).address, host.ipv4);
    assert.match(data.startedAt, /[+-]\d\d:\d\d$/);
    assert.ok(data.report.checks.some((c: { id: string }) => c.id === 'login'));
    await toast.locator('.monaco-button', { hasText: 'Open' }).first().click();
    await page.locator('.tab', { hasText: path.basename(suggested) }).first().waitFor({ timeout: 15_000 });
  });
});
