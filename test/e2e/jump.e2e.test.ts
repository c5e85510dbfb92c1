// (e2e) Through a bastion in real VS Code (code-server + chromium): a ~/.ssh/config with a
// ProxyJump host is imported from the palette, its reachability is checked through the chain,
// and its diagnosis reaches the private host through the bastion; the report shows the chain.
//
// Network safety. code-server's extension host runs in the machine's own namespace, which has a
// default route to the outside. The bastion sits on a veth of that namespace (a connected /28,
// as every lab host). The private host is on a lab /28 that is NOT connected to the machine's
// namespace: jumpLab.ts installs an `unreachable` route for its /28 and /64 there for the
// test's duration, and `assertIsolation()` checks that the machine's namespace answers "No
// route to host" for it before anything runs. So if the extension ignored the jump, its SYN
// would fail at once on this machine (EHOSTUNREACH) instead of going to the gateway: nothing
// can leave the machine. (Running code-server itself in a namespace without a default route
// would work too, but the browser and the harness talk to it over the machine's loopback.)
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Browser, Page } from 'playwright-core';
import { labUnavailableReason, type LabHost } from '../support/lab';
import { createJumpTopology, type JumpTopology } from '../support/jumpLab';
import { launchBrowser, openWorkbench, ROOT, screenshot, startCodeServer, type CodeServer } from './harness';
import { choose, palette, text, VSIX, waitVerdict } from './ui';

describe('(e2e) jump chain: an imported ProxyJump host diagnosed through its bastion', function () {
  this.timeout(240_000);
  let j: JumpTopology | undefined;
  let bastion: LabHost, priv: LabHost;
  let cs: CodeServer;
  let browser: Browser;
  let page: Page;
  let home: string;

  before(async function () {
    this.timeout(180_000);
    const reason = labUnavailableReason();
    if (reason) {
      console.log(`    SKIPPED jump e2e: ${reason}`);
      this.skip();
    }
    assert.ok(fs.existsSync(VSIX), `VSIX missing: ${VSIX} (npm run package)`);
    j = await createJumpTopology({ clientNamespace: false });
    bastion = await j.addBastion({ label: 'e2e-bastion', sshd: {} });
    priv = await j.addBehind(bastion, { label: 'e2e-private', sshd: {} });
    await j.assertIsolation();
    const kh = j.lab.writeKnownHosts([bastion.knownHostsLine, priv.knownHostsLine]);
    // The extension host's own ~/.ssh/config: a home of the test's own.
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'cvmd-e2e-home-'));
    fs.mkdirSync(path.join(home, '.ssh'), { mode: 0o700 });
    fs.writeFileSync(path.join(home, '.ssh', 'config'), [
      'Host e2e-bastion',
      `  HostName ${bastion.ipv4}`,
      `  User ${j.lab.user}`,
      `  IdentityFile ${j.lab.clientKeyPath}`,
      'Host e2e-private',
      `  HostName ${priv.ipv4}`,
      `  User ${j.lab.user}`,
      `  IdentityFile ${j.lab.clientKeyPath}`,
      '  ProxyJump e2e-bastion',
    ].join('\n') + '\n', { mode: 0o600 });
    cs = await startCodeServer({
      vsix: VSIX,
      env: { HOME: home, SSH_AUTH_SOCK: '' },
      settings: { 'cvmDoctor.knownHostsPath': kh, 'cvmDoctor.pollIntervalSeconds': 3, 'cvmDoctor.probeTimeoutMs': 2000 },
    });
    browser = await launchBrowser();
    page = await openWorkbench(browser, `${cs.url}/?folder=${encodeURIComponent(cs.workspace)}`);
  });

  after(async function () {
    this.timeout(30_000);
    if (page) await screenshot(page, 'e2e-jump-final');
    await browser?.close().catch(() => undefined);
    if (this.currentTest?.state === 'failed' && cs) fs.writeFileSync(path.join(ROOT, 'test-results', 'code-server-jump.log'), cs.log());
    await cs?.stop();
    await j?.destroy();
    if (home) fs.rmSync(home, { recursive: true, force: true });
  });

  it('imports the ssh_config: the private host keeps its ProxyJump and is reachable through it', async () => {
    await page.locator('.activitybar [aria-label^="CVM Doctor"]').first().click({ timeout: 40_000 });
    await palette(page, 'CVM Doctor: Import from ~/.ssh/config');
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: 'e2e-private' });
    await row.waitFor();
    assert.match(await row.innerText(), new RegExp(`through ${j!.lab.user}@${bastion.ipv4.replace(/\./g, '\\.')}`));
    await page.keyboard.press('Enter');
    const tree = page.locator('.monaco-list-row[role="treeitem"]', { hasText: 'e2e-private' });
    await tree.waitFor();
    // The light check went through the bastion (the private address is unreachable from here).
    await tree.locator('.codicon-pass-filled').waitFor({ timeout: 30_000 });
    await screenshot(page, 'e2e-jump-tree');
  });

  it('diagnoses it: OK on hop 2, every hop in the timeline, the chain in the report', async () => {
    await palette(page, 'CVM Doctor: Diagnose CVM');
    await choose(page, 'Diagnose CVM', 'e2e-private');
    const { frame, code } = await waitVerdict(page, `${priv.ipv4}:22`);
    assert.strictEqual(code, 'OK', await text(frame, 'body'));
    const checks = await frame.$$eval('#timeline li', (lis) => lis.map((li) => `${(li as HTMLElement).dataset.check}:${(li as HTMLElement).dataset.status}`));
    for (const c of ['hop1.tcp:pass', 'hop1.login:pass', 'hop2.tcp:pass', 'hop2.banner:pass', 'hop2.login:pass']) assert.ok(checks.includes(c), `${c} in ${checks.join(' ')}`);
    assert.match(await text(frame, '#path'), new RegExp(`${j!.lab.user}@${bastion.ipv4.replace(/\./g, '\\.')} → ${j!.lab.user}@${priv.ipv4.replace(/\./g, '\\.')}:22`));
    assert.match(await text(frame, '#timeline'), /Hop 2 · TCP connect/);
    assert.match(await text(frame, '#timeline'), new RegExp(`Bastion ${bastion.ipv4.replace(/\./g, '\\.')} opened a channel`));
    await screenshot(page, 'e2e-jump-report');
  });
});
