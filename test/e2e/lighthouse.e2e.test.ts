// (e2e) Tencent Lighthouse in real VS Code (code-server + Debian chromium), used as a person
// would: the endpoint and caller-IP settings point at the local TC3-verifying endpoint, the
// credentials go into the command's input boxes, Import from Tencent Cloud lists the Lighthouse
// instance (a REAL lab host with sshd whose firewall — the endpoint's rules for the instance —
// is enforced on it with nftables), the tree marks it as Lighthouse, the diagnosis reads
// INSTANCE_FIREWALL_BLOCKS and the deciding DROP rule, "Open VNC console" hands Tencent's VNC
// page with the endpoint's console URL to the browser (recorded there, never opened), "Open
// port for my IP" adds one /32 rule that the endpoint appends below the DROP, the modal shows
// the complete reordered list, the rewrite goes out, the re-run is OK, and the undo removes
// exactly the rule.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { Browser, Frame, Page } from 'playwright-core';
import type { FirewallRuleInfo } from '../../src/cloud/firewallEval';
import { VNC_PAGE } from '../../src/cloud/vnc';
import { createLab, labUnavailableReason, type Lab, type LabHost } from '../support/lab';
import { enforceFirewall, labLighthouseInstance } from '../support/labLighthouse';
import { defaultFirewallRules, defaultTencentFixture, guestOutput, REGION, startTencentEndpoint, type TencentEndpoint } from '../support/tencentEndpoint';
import { launchBrowser, openWorkbench, ROOT, screenshot, startCodeServer, type CodeServer } from './harness';
import { answer, answerDialog, choose, hoverText, palette, setUserSetting, text, until, VSIX, waitVerdict } from './ui';

const INSTANCE_ID = 'lhins-e2elight';
const NAME = 'e2e-lighthouse';

describe('(e2e) Tencent Lighthouse: import, firewall verdict, VNC console, the fix below a DROP, undo', function () {
  this.timeout(240_000);
  let lab: Lab;
  let host: LabHost;
  let ep: TencentEndpoint;
  let cs: CodeServer;
  let browser: Browser;
  let page: Page;
  let original: string;
  const hostPort = () => `${host.ipv4}:22`;
  const rules = (): FirewallRuleInfo[] => ep.state.lighthouse.firewalls[INSTANCE_ID].rules;
  const fields = (r: FirewallRuleInfo) => [r.Protocol, r.Port, r.CidrBlock || '', r.Ipv6CidrBlock || '', r.Action, r.FirewallRuleDescription ?? ''];
  const ours = () => rules().filter((r) => (r.FirewallRuleDescription ?? '').startsWith('CVM Doctor'));
  /** The endpoint's firewall, enforced on the lab host (what the cloud would do). */
  const enforce = () => enforceFirewall(lab, host, rules());

  before(async function () {
    this.timeout(180_000);
    const reason = labUnavailableReason();
    if (reason) {
      console.log(`    SKIPPED Lighthouse e2e: ${reason}`);
      this.skip();
    }
    assert.ok(fs.existsSync(VSIX), `VSIX missing: ${VSIX} (npm run package)`);
    lab = await createLab();
    host = await lab.addHost({ label: 'e2e-lh', sshd: { ports: [22] } });
    const fx = defaultTencentFixture();
    // Only this instance in the region: nothing imported may point at an address outside the lab.
    fx.instances = [];
    fx.lighthouse.instances = [labLighthouseInstance(INSTANCE_ID, host, { InstanceName: NAME })];
    fx.lighthouse.firewalls[INSTANCE_ID] = { version: 9, rules: [
      { AppType: '自定义', Protocol: 'TCP', Port: '22', CidrBlock: '0.0.0.0/0', Action: 'DROP', FirewallRuleDescription: 'e2e: ssh closed' },
      ...defaultFirewallRules(),
    ] };
    fx.lighthouse.newRulePlacement = 'append';
    fx.guests[INSTANCE_ID] = { agent: 'online', output: guestOutput({ listen: [22], configPorts: [22] }) };
    ep = await startTencentEndpoint(fx);
    original = JSON.stringify(rules().map(fields));
    await enforce();
    cs = await startCodeServer({ vsix: VSIX, settings: { 'cvmDoctor.knownHostsPath': '', 'cvmDoctor.pollIntervalSeconds': 3600, 'cvmDoctor.probeTimeoutMs': 2000 } });
    browser = await launchBrowser();
    page = await openWorkbench(browser, `${cs.url}/?folder=${encodeURIComponent(cs.workspace)}`);
    // Nothing may leave the machine: should a page for the VNC URL ever open, it is not fetched.
    await page.context().route(/qcloud\.com/, (r) => r.abort());
  });

  after(async function () {
    this.timeout(30_000);
    if (page) await screenshot(page, 'e2e-lighthouse-final');
    await browser?.close().catch(() => undefined);
    if (this.currentTest?.state === 'failed' && cs) fs.writeFileSync(path.join(ROOT, 'test-results', 'code-server-lighthouse.log'), cs.log());
    await cs?.stop();
    await ep?.close();
    await lab?.destroy();
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && page) await screenshot(page, `e2e-lighthouse-failed-${this.currentTest.title.replace(/\W+/g, '-')}`);
  });

  it('settings and credentials as a user sets them', async () => {
    await setUserSetting(page, cs, 'cvmDoctor.tencent.endpoint', ep.url);
    await setUserSetting(page, cs, 'cvmDoctor.tencent.callerIp', host.rootIpv4);
    await palette(page, 'CVM Doctor: Set Tencent Cloud Credentials');
    await answer(page, '(1/2)', ep.secretId);
    await page.locator('.quick-input-widget .quick-input-title', { hasText: '(2/2)' }).waitFor();
    await answer(page, '(2/2)', ep.secretKey);
    await page.locator('.notification-toast', { hasText: 'credentials saved in VS Code secret storage' }).first().waitFor();
  });

  it('imports the Lighthouse instance from the view title: marked as Lighthouse in the tree', async () => {
    await page.locator('.activitybar [aria-label^="CVM Doctor"]').first().click({ timeout: 40_000 });
    await page.locator('.actions-container .action-label[aria-label^="Import from Tencent Cloud"]').first().click();
    await page.locator('.quick-input-widget .quick-input-title', { hasText: 'Import from Tencent Cloud' }).waitFor();
    await page.locator('.quick-input-widget input.input').fill(REGION);
    await page.locator('.quick-input-list .monaco-list-row', { hasText: REGION }).first().click();
    await page.locator('.quick-input-widget .quick-input-count', { hasText: '1' }).waitFor();
    await page.keyboard.press('Enter');
    const inst = page.locator('.quick-input-list .monaco-list-row', { hasText: INSTANCE_ID }).first();
    await inst.waitFor({ timeout: 30_000 });
    assert.match(await inst.innerText(), /Lighthouse/);
    await page.keyboard.press('Enter');
    const tree = page.locator('.monaco-list-row[role="treeitem"]', { hasText: NAME });
    await tree.waitFor({ timeout: 20_000 });
    // The row marks it as Lighthouse; the target is in its hover (the row shows the verdict).
    assert.match(await tree.innerText(), /Lighthouse/);
    const { text: hover } = await hoverText(page, tree, NAME);
    assert.match(hover, new RegExp(`root@${host.ipv4.replace(/\./g, '\\.')}:22`));
    assert.match(hover, /Lighthouse/);
    await page.mouse.move(5, 5);
    const calls = [...new Set(ep.requests.map((r) => `${r.service}.${r.action}:${r.errorCode ?? 'ok'}`))];
    assert.deepStrictEqual(calls, ['cvm.DescribeInstances:ok', 'lighthouse.DescribeInstances:ok']);
    await screenshot(page, 'e2e-lighthouse-imported');
  });

  let frame: Frame;

  /** The URLs the page handed to window.open (stubbed: recorded, never opened), once `n` came;
   *  code-server's "open the external website?" question is answered Open, as a user would. */
  async function recordedOpens(n: number): Promise<string[]> {
    const dialog = page.locator('.monaco-dialog-box', { hasText: /external website|img\.qcloud\.com/ });
    const opened = async () => page.evaluate(() => (window as unknown as { __opened: string[] }).__opened);
    await until(page, 'the dialog or the recorded open', async () => (await dialog.count()) > 0 || (await opened()).length >= n, 30_000);
    if (await dialog.count()) await dialog.locator('.monaco-button', { hasText: /^Open$/ }).first().click();
    return until(page, 'window.open to be called', async () => { const u = await opened(); return u.length >= n ? u : undefined; });
  }

  it('diagnoses it behind the firewall DROP: INSTANCE_FIREWALL_BLOCKS and the deciding rule', async () => {
    await palette(page, 'CVM Doctor: Diagnose CVM');
    await choose(page, 'Diagnose CVM', NAME);
    await answerDialog(page, 'Tencent Automation Tools', 'Always for this instance');
    let code: string;
    ({ frame, code } = await waitVerdict(page, hostPort(), 90_000));
    assert.strictEqual(code, 'INSTANCE_FIREWALL_BLOCKS');
    const rule = await text(frame, '#cloud-deciding-rule');
    assert.ok(rule.startsWith('firewall #0 DROP TCP:22 0.0.0.0/0') && rule.includes('e2e: ssh closed'), rule);
    const cloud = await frame.$$eval('#cloud-checks li', (lis) => lis.map((li) => `${(li as HTMLElement).dataset.check}:${(li as HTMLElement).dataset.status}`));
    // Cloud Monitor is read too (issue 12); the fixture has no points for it: unknown, skipped.
    assert.deepStrictEqual(cloud, ['cloud.instance:pass', 'cloud.firewall:fail', 'cloud.guest:pass', 'cloud.monitor:skip']);
    assert.ok(await frame.$('#timeline li[data-check="tcp"][data-status="fail"]'), 'the real probe timed out');
    assert.ok(ep.requests.some((r) => r.action === 'RunCommand' && r.params.InstanceIds?.[0] === INSTANCE_ID), 'in-guest checks over TAT');
    assert.ok(await frame.$('#open-port'), 'the fix is offered');
    assert.ok(await frame.$('#open-vnc'), 'the VNC console is offered');
    await screenshot(page, 'e2e-lighthouse-blocked');
  });

  it('"Open VNC console": asks for the URL only now and hands Tencent\'s VNC page with it to openExternal (recorded, not opened)', async () => {
    assert.strictEqual(ep.state.vncIssued.length, 0, 'not fetched before the click');
    await page.evaluate(() => {
      const w = window as unknown as { __opened: string[]; open: (u?: string | URL) => null };
      w.__opened = [];
      w.open = (u?: string | URL) => { w.__opened.push(String(u)); return null; };
    });
    await frame.click('#open-vnc');
    const urls = await recordedOpens(1);
    assert.strictEqual(ep.state.vncIssued.length, 1);
    assert.deepStrictEqual(ep.requests.filter((r) => r.action === 'DescribeInstanceVncUrl').map((r) => `${r.service}:${r.params.InstanceId}`), [`lighthouse:${INSTANCE_ID}`]);
    const issued = ep.state.vncIssued[0].url;
    const u = new URL(urls[0]);
    assert.strictEqual(`${u.origin}${u.pathname}`, VNC_PAGE);
    assert.strictEqual(u.searchParams.get('InstanceVncUrl'), issued, `${urls[0]} carries the endpoint's console URL`);
    const token = new URL(issued).searchParams.get('s') ?? '';
    assert.ok(token && !cs.log().includes(token), 'the console URL is in no log');
    await screenshot(page, 'e2e-lighthouse-vnc');
  });

  it('the tree\'s context menu opens it too, with a fresh URL', async () => {
    await page.locator('.monaco-list-row[role="treeitem"]', { hasText: NAME }).first().click({ button: 'right' });
    // Chosen as a person would with the keyboard: the menu item is focused by hovering, then
    // Enter (a click can land while the menu is still laying itself out, and be lost).
    const item = page.locator('.monaco-menu .action-item', { hasText: 'Open VNC Console' }).first();
    await item.hover();
    await page.locator('.monaco-menu .action-item.focused', { hasText: 'Open VNC Console' }).first().waitFor();
    await page.keyboard.press('Enter');
    const urls = await recordedOpens(2);
    assert.strictEqual(ep.state.vncIssued.length, 2, 'asked again: a console URL works once');
    assert.strictEqual(new URL(urls[1]).searchParams.get('InstanceVncUrl'), ep.state.vncIssued[1].url);
    assert.notStrictEqual(ep.state.vncIssued[1].url, ep.state.vncIssued[0].url);
  });

  it('"Open port for my IP": one /32 rule; it lands below the DROP; the complete list is shown and the rewrite goes out', async () => {
    await frame.click('#open-port');
    const body = await answerDialog(page, 'Add this rule to the firewall', 'Add Rule');
    assert.ok(body.includes(INSTANCE_ID) && body.includes(`${host.rootIpv4}/32`), body);
    const reorder = await answerDialog(page, 'The new rule landed at #6', 'Rewrite in This Order');
    assert.match(reorder, /below rule #0 \(DROP TCP:22 from 0\.0\.0\.0\/0\)/);
    assert.match(reorder, new RegExp(`#0 ACCEPT TCP:22 from ${host.rootIpv4.replace(/\./g, '\\.')}/32 "CVM Doctor [^"]+"\\s+← new`));
    assert.match(reorder, /#1 DROP TCP:22 from 0\.0\.0\.0\/0 "e2e: ssh closed"/);
    assert.match(reorder, /#6 ACCEPT ICMP:ALL from 0\.0\.0\.0\/0/);
    await until(page, 'the rewrite in the endpoint', () => ep.requests.some((r) => r.action === 'ModifyFirewallRules' && !r.errorCode));
    const create = ep.requests.filter((r) => r.action === 'CreateFirewallRules');
    assert.strictEqual(create.length, 1);
    assert.strictEqual(create[0].params.FirewallVersion, 9, 'sent with FirewallVersion');
    assert.strictEqual(ep.requests.find((r) => r.action === 'ModifyFirewallRules')?.params.FirewallVersion, 10, 'the rewrite at the version that list was read at');
    assert.strictEqual(ours().length, 1, 'exactly one rule');
    assert.strictEqual(rules()[0].CidrBlock, `${host.rootIpv4}/32`);
    await enforce();
    await until(page, 'the Undo button', async () => frame.$('#undo-open-port'));
    await screenshot(page, 'e2e-lighthouse-fixed');
  });

  it('Re-run: OK, decided by CVM Doctor\'s rule', async () => {
    await frame.click('#rerun');
    const code = await until(page, 'a re-run that is OK', async () => {
      const { frame: f, code: c } = await waitVerdict(page, hostPort(), 90_000);
      frame = f;
      return c === 'OK' ? c : undefined;
    }, 90_000);
    assert.strictEqual(code, 'OK');
    const rule = await text(frame, '#cloud-deciding-rule');
    assert.ok(rule.startsWith('firewall #0 ACCEPT TCP:22') && rule.includes('CVM Doctor'), rule);
    assert.strictEqual(await frame.$('#open-port'), null, 'no second fix offered');
    await screenshot(page, 'e2e-lighthouse-ok');
  });

  it('"Remove the rule CVM Doctor added": exactly that rule goes; the firewall as before', async () => {
    await frame.click('#undo-open-port');
    await until(page, 'the rule to be gone', () => ours().length === 0);
    assert.strictEqual(JSON.stringify(rules().map(fields)), original);
    assert.strictEqual(ep.requests.filter((r) => r.action === 'DeleteFirewallRules' && !r.errorCode).length, 1);
    await until(page, 'the Undo button to go', async () => (await frame.$('#undo-open-port')) === null);
    await screenshot(page, 'e2e-lighthouse-undone');
  });
});
