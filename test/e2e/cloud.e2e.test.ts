// (e2e) Tencent Cloud in real VS Code (code-server + Debian chromium), used as a person would:
// point the endpoint and caller-IP settings at the local TC3-verifying Tencent endpoint in
// settings.json, type the credentials into the command's input boxes, Import from Tencent
// Cloud from the view's title bar, diagnose the imported instance — a REAL host whose port 22
// is dropped (nftables in a lab namespace; without root, a loopback port with a full accept
// queue) — read SECURITY_GROUP_BLOCKS and the deciding rule in the report's Cloud section,
// click "Open port for my IP", confirm the exact rule, see it inserted first in the group,
// re-run, then "Remove the rule CVM Doctor added" and see the group exactly as before.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { Browser, Frame, Page } from 'playwright-core';
import { createLab, labUnavailableReason, type Lab } from '../support/lab';
import { defaultTencentFixture, guestOutput, REGION, startTencentEndpoint, type TencentEndpoint } from '../support/tencentEndpoint';
import { droppingPort } from '../unit/probes/servers';
import { launchBrowser, openWorkbench, ROOT, screenshot, startCodeServer, type CodeServer } from './harness';
import { answer, answerDialog, choose, hoverText, palette, setUserSetting, text, until, VSIX, waitVerdict } from './ui';

const INSTANCE_ID = 'ins-e2ecloud1';
const NAME = 'e2e-cloud';
const GUARD = 'sg-e2eguard';

interface DroppedTarget { kind: 'lab' | 'loopback'; host: string; port: number; callerIp: string; stop(): Promise<void> }

/** A real host whose SSH port drops SYNs: a lab namespace with an nftables drop rule, else a
 *  loopback listener whose accept queue is full. */
async function startDroppedTarget(): Promise<DroppedTarget> {
  if (!labUnavailableReason()) {
    const lab: Lab = await createLab();
    const h = await lab.addHost({ label: 'e2e-cloud', sshd: { ports: [22] }, nft: 'tcp dport 22 drop' });
    return { kind: 'lab', host: h.ipv4, port: 22, callerIp: h.rootIpv4, stop: () => lab.destroy() };
  }
  const d = await droppingPort();
  if (!d) throw new Error('neither the lab (root) nor python3 for a dropping loopback port is available');
  return { kind: 'loopback', host: '127.0.0.1', port: d.port, callerIp: '127.0.0.1', stop: async () => d.close() };
}

describe('(e2e) Tencent Cloud: import, cloud verdict, open port for my IP, undo', function () {
  this.timeout(240_000);
  let target: DroppedTarget;
  let ep: TencentEndpoint;
  let cs: CodeServer;
  let browser: Browser;
  let page: Page;
  let guardBefore = '';
  const hostPort = () => `${target.host}:${target.port}`;
  const ourRules = () => ep.state.securityGroups[GUARD].ingress.filter((r) => (r.PolicyDescription ?? '').startsWith('CVM Doctor'));

  before(async function () {
    this.timeout(180_000);
    assert.ok(fs.existsSync(VSIX), `VSIX missing: ${VSIX} (npm run package)`);
    target = await startDroppedTarget();
    const fx = defaultTencentFixture();
    // Only this instance in the region: nothing imported may point at an address outside the lab.
    fx.instances = [{
      region: REGION, InstanceId: INSTANCE_ID, InstanceName: NAME, InstanceState: 'RUNNING', RestrictState: 'NORMAL',
      PublicIpAddresses: [target.host], PrivateIpAddresses: ['127.0.1.30'], OsName: 'Debian 12 64bit',
      SecurityGroupIds: [GUARD, 'sg-e2eopen'], VirtualPrivateCloud: { VpcId: 'vpc-e2e', SubnetId: 'subnet-e2e' },
      DefaultLoginUser: 'root', DefaultLoginPort: target.port,
    }];
    fx.securityGroups[GUARD] = { version: 5, ingress: [
      { Protocol: 'TCP', Port: '80,443', CidrBlock: '0.0.0.0/0', Action: 'ACCEPT', PolicyDescription: 'web' },
      { Protocol: 'TCP', Port: String(target.port), CidrBlock: `${target.callerIp}/32`, Action: 'DROP', PolicyDescription: 'e2e: this caller is blocked' },
    ], egress: [] };
    fx.securityGroups['sg-e2eopen'] = { version: 1, ingress: [{ Protocol: 'TCP', Port: String(target.port), CidrBlock: '0.0.0.0/0', Action: 'ACCEPT' }], egress: [] };
    fx.subnets['subnet-e2e'] = { vpcId: 'vpc-e2e', networkAclId: 'acl-e2e' };
    fx.networkAcls['acl-e2e'] = {
      ingress: [{ Protocol: 'ALL', Port: 'ALL', CidrBlock: '0.0.0.0/0', Action: 'ACCEPT', Description: 'all' }],
      egress: [{ Protocol: 'ALL', Port: 'ALL', CidrBlock: '0.0.0.0/0', Action: 'ACCEPT' }],
    };
    fx.guests[INSTANCE_ID] = { agent: 'online', output: guestOutput({ listen: [target.port], configPorts: [target.port] }) };
    ep = await startTencentEndpoint(fx);
    guardBefore = JSON.stringify(fx.securityGroups[GUARD].ingress);
    cs = await startCodeServer({
      vsix: VSIX,
      settings: {
        'cvmDoctor.knownHostsPath': '',
        'cvmDoctor.pollIntervalSeconds': 3600,
        'cvmDoctor.probeTimeoutMs': 2000,
        ...(target.kind === 'loopback' ? { 'cvmDoctor.alternativePorts': [] } : {}),
      },
    });
    browser = await launchBrowser();
    page = await openWorkbench(browser, `${cs.url}/?folder=${encodeURIComponent(cs.workspace)}`);
  });

  after(async function () {
    this.timeout(30_000);
    if (page) await screenshot(page, 'e2e-cloud-final');
    await browser?.close().catch(() => undefined);
    if (this.currentTest?.state === 'failed' && cs) fs.writeFileSync(path.join(ROOT, 'test-results', 'code-server-cloud.log'), cs.log());
    await cs?.stop();
    await ep?.close();
    await target?.stop();
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && page) await screenshot(page, `e2e-cloud-failed-${this.currentTest.title.replace(/\W+/g, '-')}`);
  });

  it('points the endpoint and caller-IP settings at the local endpoint through settings.json', async () => {
    await setUserSetting(page, cs, 'cvmDoctor.tencent.endpoint', ep.url);
    await setUserSetting(page, cs, 'cvmDoctor.tencent.callerIp', target.callerIp);
  });

  it('sets the credentials through the command\'s two input boxes (the key never lands in settings)', async () => {
    await palette(page, 'CVM Doctor: Set Tencent Cloud Credentials');
    await answer(page, '(1/2)', ep.secretId);
    await page.locator('.quick-input-widget .quick-input-title', { hasText: '(2/2)' }).waitFor();
    assert.strictEqual(await page.locator('.quick-input-widget input.input').getAttribute('type'), 'password', 'the SecretKey box masks input');
    await answer(page, '(2/2)', ep.secretKey);
    await page.locator('.notification-toast', { hasText: 'credentials saved in VS Code secret storage' }).first().waitFor();
    assert.ok(!fs.readFileSync(cs.settingsFile, 'utf8').includes(ep.secretKey), 'not in settings.json');
    assert.strictEqual(ep.requests.length, 0, 'saving credentials sends nothing');
  });

  it('imports the instance from the view title: regions quick pick, instance pick, tree row in its group', async () => {
    await page.locator('.activitybar [aria-label^="CVM Doctor"]').first().click({ timeout: 40_000 });
    // The view's title bar action (the welcome view's button of the same name is not it).
    await page.locator('.actions-container .action-label[aria-label^="Import from Tencent Cloud"]').first().click();
    // Regions: a multi-select list; tick ap-guangzhou, then OK.
    await page.locator('.quick-input-widget .quick-input-title', { hasText: 'Import from Tencent Cloud' }).waitFor();
    await page.locator('.quick-input-widget input.input').fill(REGION);
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: REGION }).first();
    await row.waitFor();
    await row.click(); // a click on the row ticks it
    await page.locator('.quick-input-widget .quick-input-count', { hasText: '1' }).waitFor();
    await page.keyboard.press('Enter');
    // Instances: every one is ticked by default.
    const inst = page.locator('.quick-input-list .monaco-list-row', { hasText: INSTANCE_ID }).first();
    await inst.waitFor({ timeout: 30_000 });
    await page.locator('.quick-input-widget .quick-input-title', { hasText: 'Import from Tencent Cloud' }).waitFor();
    await page.keyboard.press('Enter');
    const tree = page.locator('.monaco-list-row[role="treeitem"]', { hasText: NAME });
    await tree.waitFor({ timeout: 20_000 });
    // The target is in the row's hover (the row's own words are its state).
    const { text: shown } = await hoverText(page, tree, NAME);
    assert.ok(shown.includes(`root@${target.host}:${target.port}`), shown);
    await page.mouse.move(5, 5);
    assert.ok(await page.locator('.monaco-list-row[role="treeitem"]', { hasText: `Tencent Cloud/${REGION}` }).count() >= 1, 'grouped by region');
    assert.deepStrictEqual([...new Set(ep.requests.map((r) => `${r.action}:${r.region}:${r.errorCode ?? 'ok'}`))], [`DescribeInstances:${REGION}:ok`]);
    await screenshot(page, 'e2e-cloud-imported');
  });

  let frame: Frame;

  it('diagnoses it: consent modal, SECURITY_GROUP_BLOCKS, the deciding rule in the Cloud section', async () => {
    await palette(page, 'CVM Doctor: Diagnose CVM');
    await choose(page, 'Diagnose CVM', NAME);
    await answerDialog(page, 'Tencent Automation Tools', 'Always for this instance');
    let code: string;
    ({ frame, code } = await waitVerdict(page, hostPort(), 90_000));
    assert.strictEqual(code, 'SECURITY_GROUP_BLOCKS');
    const rule = await text(frame, '#cloud-deciding-rule');
    assert.ok(rule.includes(GUARD) && rule.includes('DROP') && rule.includes(`${target.callerIp}/32`) && rule.includes('e2e: this caller is blocked'), rule);
    assert.strictEqual(await text(frame, '#cloud-instance-state'), 'RUNNING');
    const cloud = await frame.$$eval('#cloud-checks li', (lis) => lis.map((li) => `${(li as HTMLElement).dataset.check}:${(li as HTMLElement).dataset.status}`));
    // Cloud Monitor is read too (issue 12); the fixture has no points for it: unknown, skipped.
    assert.deepStrictEqual(cloud, ['cloud.instance:pass', 'cloud.securityGroups:fail', 'cloud.networkAcl:pass', 'cloud.guest:pass', 'cloud.monitor:skip']);
    assert.match(await text(frame, '#cloud-checks li[data-check="cloud.guest"]'), /sshd/);
    assert.ok(await frame.$('#timeline li[data-check="tcp"][data-status="fail"]'), 'the real probe timed out');
    assert.ok(ep.requests.some((r) => r.action === 'RunCommand'), 'in-guest checks ran after consent');
    assert.ok(await frame.$('#open-port'), 'the fix is offered');
    assert.strictEqual(await frame.$('#undo-open-port'), null, 'nothing to undo yet');
    await screenshot(page, 'e2e-cloud-sg-blocks');
  });

  it('"Open port for my IP": the modal shows the exact rule; one /32 rule goes in first', async () => {
    await frame.click('#open-port');
    const body = await answerDialog(page, 'Add this inbound rule', 'Add Rule');
    assert.ok(body.includes(GUARD) && body.includes(`${target.callerIp}/32`) && body.includes('PolicyIndex 0'), body);
    await until(page, 'the rule in the endpoint', () => ourRules().length > 0);
    const g = ep.state.securityGroups[GUARD].ingress;
    assert.strictEqual(ourRules().length, 1, 'exactly one rule');
    assert.deepStrictEqual({ ...g[0], PolicyDescription: undefined }, { Protocol: 'TCP', Port: String(target.port), CidrBlock: `${target.callerIp}/32`, Action: 'ACCEPT', PolicyDescription: undefined });
    assert.match(g[0].PolicyDescription ?? '', /^CVM Doctor \d{4}-\d{2}-\d{2}: tcp\/\d+ from /);
    assert.strictEqual(JSON.stringify(g.slice(1)), guardBefore, 'the rest of the group untouched');
    const create = ep.requests.filter((r) => r.action === 'CreateSecurityGroupPolicies');
    assert.strictEqual(create.length, 1);
    assert.strictEqual(create[0].params.SecurityGroupPolicySet.Version, '5', 'sent with the group\'s Version');
    await until(page, 'the note and the Undo button', async () => (await frame.$('#undo-open-port')) && (await frame.$('#note')));
    await screenshot(page, 'e2e-cloud-rule-added');
  });

  it('Re-run: the groups now accept this caller by CVM Doctor\'s rule', async () => {
    await frame.click('#rerun');
    const rule = await until(page, 'a re-run that sees the new rule', async () => {
      const { frame: f } = await waitVerdict(page, hostPort(), 90_000);
      frame = f;
      const r = await f.$eval('#cloud-deciding-rule', (e) => (e as HTMLElement).innerText).catch(() => '');
      return r.includes('ACCEPT') ? r : undefined;
    }, 90_000);
    assert.ok(rule.startsWith(`${GUARD} #0 ACCEPT`) && rule.includes('CVM Doctor'), rule);
    assert.notStrictEqual(await text(frame, '#verdict-code'), 'SECURITY_GROUP_BLOCKS');
    assert.strictEqual(await frame.$('#open-port'), null, 'no second fix offered');
    await screenshot(page, 'e2e-cloud-rerun');
  });

  it('"Remove the rule CVM Doctor added": the group is exactly as before', async () => {
    await frame.click('#undo-open-port');
    await until(page, 'the rule to be gone', () => ourRules().length === 0);
    assert.strictEqual(JSON.stringify(ep.state.securityGroups[GUARD].ingress), guardBefore);
    assert.strictEqual(ep.requests.filter((r) => r.action === 'DeleteSecurityGroupPolicies').length, 1);
    await until(page, 'the Undo button to go', async () => (await frame.$('#undo-open-port')) === null);
    await screenshot(page, 'e2e-cloud-undone');
  });
});
