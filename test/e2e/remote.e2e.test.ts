// (e2e) From "cannot log in" to a Remote-SSH window without leaving the report, in real VS Code
// (code-server + Debian chromium), against REAL OpenSSH hosts in lab namespaces:
// - an unknown host key with a password saved: HOST_KEY_UNKNOWN → "Trust this key" → the modal
//   shows exactly the known_hosts line → the re-run tests the login (OK), with the VS Code
//   readiness section (the download host is this test's own HTTP server);
// - "Connect with Remote-SSH" hands host and user to opensshremotes.openEmptyWindow, recorded
//   by a test-only extension installed beside ours (code-server cannot run Remote-SSH);
// - a changed key the in-guest check confirms (local TC3 endpoint + fake TAT) → "Replace the
//   saved key" → the stale line is gone and the real key is saved.
// Needs the lab (root): without it the suite skips, never passes.
import * as assert from 'assert';
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import type { Browser, Frame, Page } from 'playwright-core';
import { sha256Fingerprint } from '../../src/probes/knownHosts';
import { createLab, labUnavailableReason, type Lab, type LabHost } from '../support/lab';
import { defaultTencentFixture, guestOutput, REGION, startTencentEndpoint, type TencentEndpoint } from '../support/tencentEndpoint';
import { launchBrowser, openWorkbench, packTestExtension, ROOT, screenshot, startCodeServer, type CodeServer } from './harness';
import { answer, answerDialog, choose, palette, text, until, VSIX, waitVerdict } from './ui';

const DOWNLOAD_PORT = 18080;
const INSTANCE_ID = 'ins-e2erem01';

describe('(e2e) host-key trust, Remote-SSH handoff and VS Code readiness', function () {
  this.timeout(240_000);
  let lab: Lab;
  let fresh: LabHost;
  let changed: LabHost;
  let ep: TencentEndpoint;
  let cs: CodeServer;
  let browser: Browser;
  let page: Page;
  let tmp: string;
  let knownHosts: string;
  let record: string;
  let staleLine: string;
  const download = http.createServer((_req, res) => { res.writeHead(200, { 'content-length': '0' }); res.end(); });

  before(async function () {
    this.timeout(200_000);
    const reason = labUnavailableReason();
    if (reason) {
      console.log(`    SKIPPED remote e2e: ${reason}`);
      this.skip();
    }
    assert.ok(fs.existsSync(VSIX), `VSIX missing: ${VSIX} (npm run package)`);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cvmd-e2e-remote-'));
    lab = await createLab();
    [fresh, changed] = await Promise.all([
      lab.addHost({ label: 'e2e-fresh', sshd: {}, guest: {} }),
      lab.addHost({ label: 'e2e-changed', sshd: {}, guest: {} }),
    ]);
    await new Promise<void>((resolve, reject) => { download.once('error', reject); download.listen(DOWNLOAD_PORT, fresh.rootIpv4, resolve); });
    // known_hosts: nothing for the fresh host, an old (foreign) key for the changed one.
    staleLine = `${changed.ipv4} ${await lab.foreignHostKey()}`;
    knownHosts = path.join(tmp, 'known_hosts');
    fs.writeFileSync(knownHosts, `${staleLine}\n`);
    record = path.join(tmp, 'remote-ssh-calls.jsonl');
    const realFp = sha256Fingerprint(Buffer.from(changed.hostKeys[0].split(' ')[1], 'base64'));
    const fx = defaultTencentFixture();
    fx.instances = [{
      region: REGION, InstanceId: INSTANCE_ID, InstanceName: 'e2e-changed', InstanceState: 'RUNNING', RestrictState: 'NORMAL',
      PublicIpAddresses: [changed.ipv4], PrivateIpAddresses: ['127.0.1.31'], OsName: 'Debian 12 64bit',
      SecurityGroupIds: ['sg-e2eopen'], VirtualPrivateCloud: { VpcId: 'vpc-e2e', SubnetId: 'subnet-e2e' }, DefaultLoginUser: 'root', DefaultLoginPort: 22,
    }];
    fx.securityGroups['sg-e2eopen'] = { version: 1, ingress: [{ Protocol: 'TCP', Port: '22', CidrBlock: '0.0.0.0/0', Action: 'ACCEPT' }], egress: [] };
    fx.subnets['subnet-e2e'] = { vpcId: 'vpc-e2e', networkAclId: 'acl-e2e' };
    fx.networkAcls['acl-e2e'] = { ingress: [{ Protocol: 'ALL', Port: 'ALL', CidrBlock: '0.0.0.0/0', Action: 'ACCEPT' }], egress: [{ Protocol: 'ALL', Port: 'ALL', CidrBlock: '0.0.0.0/0', Action: 'ACCEPT' }] };
    // The in-guest check reports the host's REAL key: the change is the instance's own.
    fx.guests[INSTANCE_ID] = { agent: 'online', output: guestOutput({ hostKeys: [`256 ${realFp} root@e2e (ED25519)`] }) };
    ep = await startTencentEndpoint(fx);
    const double = await packTestExtension(path.join(ROOT, 'test', 'e2e', 'remoteSshDouble'), tmp);
    cs = await startCodeServer({
      vsix: VSIX,
      extraVsix: [double],
      env: { CVM_REMOTE_SSH_RECORD: record },
      settings: {
        'cvmDoctor.knownHostsPath': knownHosts,
        'cvmDoctor.pollIntervalSeconds': 3600,
        'cvmDoctor.probeTimeoutMs': 2000,
        'cvmDoctor.vscodeServerDownloadUrl': `http://${fresh.rootIpv4}:${DOWNLOAD_PORT}/latest/server-linux-x64/stable`,
        'cvmDoctor.tencent.endpoint': ep.url,
        'cvmDoctor.tencent.callerIp': changed.rootIpv4,
      },
    });
    browser = await launchBrowser();
    page = await openWorkbench(browser, `${cs.url}/?folder=${encodeURIComponent(cs.workspace)}`);
    await page.locator('.activitybar [aria-label^="CVM Doctor"]').first().click({ timeout: 40_000 });
  });

  after(async function () {
    this.timeout(30_000);
    if (page) await screenshot(page, 'e2e-remote-final');
    await browser?.close().catch(() => undefined);
    if (this.currentTest?.state === 'failed' && cs) fs.writeFileSync(path.join(ROOT, 'test-results', 'code-server-remote.log'), cs.log());
    await cs?.stop();
    await ep?.close();
    download.close();
    await lab?.destroy();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && page) await screenshot(page, `e2e-remote-failed-${this.currentTest.title.replace(/\W+/g, '-')}`);
  });

  async function addInstance(host: string, name: string, cloud = ''): Promise<void> {
    await palette(page, 'CVM Doctor: Add Instance');
    await answer(page, '(1/9)', host);
    await answer(page, '(2/9)', 'SSH');
    await answer(page, '(3/9)', '22');
    await answer(page, '(4/9)', lab.user);
    await choose(page, '(5/9)', 'No identity file');
    await answer(page, '(6/9)', name);
    await answer(page, '(7/9)', '');
    await answer(page, '(8/9)', cloud);
    await choose(page, '(9/9)', 'Direct'); // the Jump through step
    await page.locator('.monaco-list-row', { hasText: name }).first().waitFor();
  }

  let frame: Frame;

  it('an unknown host key with a saved password: HOST_KEY_UNKNOWN, with the key and "Trust this key"', async () => {
    await addInstance(fresh.ipv4, 'e2e-fresh');
    await palette(page, 'CVM Doctor: Credentials…');
    await page.locator('.quick-input-widget input.input').fill('e2e-fresh');
    await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: 'e2e-fresh' }).first().waitFor();
    await page.keyboard.press('Enter');
    await choose(page, 'Credentials for e2e-fresh', 'Set password');
    await answer(page, 'Set password', lab.password);
    await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
    await palette(page, 'CVM Doctor: Diagnose CVM');
    await choose(page, 'Diagnose CVM', 'e2e-fresh');
    let code: string;
    ({ frame, code } = await waitVerdict(page, `${fresh.ipv4}:22`, 60_000));
    assert.strictEqual(code, 'HOST_KEY_UNKNOWN');
    const fp = sha256Fingerprint(Buffer.from(fresh.hostKeys[0].split(' ')[1], 'base64'));
    assert.match(await text(frame, '#verdict-summary'), new RegExp(`ssh-ed25519 key ${fp.replace(/[+/]/g, '\\$&')}`));
    assert.ok(await frame.$('#action-trustHostKey'), 'Trust is offered');
    assert.strictEqual(await frame.$('#action-connectRemoteSsh'), null, 'no Connect before the login is tested');
    await screenshot(page, 'e2e-remote-hostkey-unknown');
  });

  it('Trust: the modal shows exactly the line; known_hosts gets it (backup kept); the re-run tests the login → OK', async () => {
    await frame.click('#action-trustHostKey');
    const line = `${fresh.ipv4} ${fresh.hostKeys[0]}`;
    const body = await answerDialog(page, 'Trust this host key', 'Trust and re-run');
    assert.ok(body.includes(line), `the modal shows the line:\n${body}`);
    assert.ok(body.includes(`${knownHosts}.old`), 'and the backup');
    const { frame: f, code } = await until(page, 'the re-run after Trust', async () => {
      const v = await waitVerdict(page, `${fresh.ipv4}:22`, 60_000);
      return v.code !== 'HOST_KEY_UNKNOWN' ? v : undefined;
    }, 90_000);
    frame = f;
    assert.strictEqual(code, 'OK');
    assert.ok(fs.readFileSync(knownHosts, 'utf8').endsWith(`${line}\n`), 'known_hosts has the line');
    assert.strictEqual(fs.readFileSync(`${knownHosts}.old`, 'utf8'), `${staleLine}\n`, 'the backup is the file before');
    assert.ok(await frame.$('#timeline li[data-check="login"][data-status="pass"]'), 'the login was tested and works');
    const ready = await frame.$$eval('#readiness li', (lis) => lis.map((li) => `${(li as HTMLElement).dataset.check}:${(li as HTMLElement).dataset.status}`));
    assert.deepStrictEqual(ready, ['vscode.platform:pass', 'vscode.glibc:pass', 'vscode.libstdcxx:pass', 'vscode.kernel:pass', 'vscode.tar:pass', 'vscode.disk:pass', 'vscode.fetcher:pass', 'vscode.download:pass', 'vscode.forwarding:pass']);
    assert.strictEqual(await text(frame, '#readiness-heading'), 'VS Code readiness');
    await screenshot(page, 'e2e-remote-trusted-ok');
  });

  it('Connect with Remote-SSH hands host and user to opensshremotes.openEmptyWindow', async () => {
    await frame.click('#action-connectRemoteSsh');
    const calls = await until(page, 'the recorded call', () => (fs.existsSync(record) ? fs.readFileSync(record, 'utf8').trim().split('\n').filter(Boolean) : undefined));
    assert.deepStrictEqual(calls.map((l) => JSON.parse(l)), [{ host: fresh.ipv4, userName: lab.user }]);
    await screenshot(page, 'e2e-remote-connect');
  });

  it('a changed key that the in-guest check confirms: "Replace the saved key" removes the stale line and saves the real key', async () => {
    await palette(page, 'CVM Doctor: Set Tencent Cloud Credentials');
    await answer(page, '(1/2)', ep.secretId);
    await answer(page, '(2/2)', ep.secretKey);
    await page.locator('.notification-toast', { hasText: 'credentials saved in VS Code secret storage' }).first().waitFor();
    await addInstance(changed.ipv4, 'e2e-changed', `${INSTANCE_ID} ${REGION}`);
    await palette(page, 'CVM Doctor: Diagnose CVM');
    await choose(page, 'Diagnose CVM', 'e2e-changed');
    await answerDialog(page, 'Tencent Automation Tools', 'Always for this instance');
    let code: string;
    ({ frame, code } = await waitVerdict(page, `${changed.ipv4}:22`, 90_000));
    assert.strictEqual(code, 'HOST_KEY_MISMATCH');
    assert.match(await text(frame, '#findings'), /HOST_KEY_CONFIRMED_CHANGED/);
    assert.ok(await frame.$('#action-replaceHostKey'));
    assert.strictEqual(await frame.$('#action-trustHostKey'), null, 'a changed key is never simply "trusted"');
    await screenshot(page, 'e2e-remote-hostkey-changed');
    await frame.click('#action-replaceHostKey');
    const body = await answerDialog(page, 'Replace the saved host key', 'Replace and re-run');
    assert.ok(body.includes('Checked inside the instance'), body);
    assert.ok(body.includes(staleLine), `the removed line is shown:\n${body}`);
    const { code: after } = await until(page, 'the re-run after Replace', async () => {
      const v = await waitVerdict(page, `${changed.ipv4}:22`, 60_000);
      return v.code !== 'HOST_KEY_MISMATCH' ? v : undefined;
    }, 90_000);
    assert.strictEqual(after, 'OK');
    const kh = fs.readFileSync(knownHosts, 'utf8');
    assert.ok(!kh.includes(staleLine), 'the stale line is gone');
    assert.ok(kh.includes(`${changed.ipv4} ${changed.hostKeys[0]}`), 'the real key is saved');
    assert.ok(kh.includes(`${fresh.ipv4} ${fresh.hostKeys[0]}`), 'the other host\'s line stays');
    await screenshot(page, 'e2e-remote-replaced');
  });
});
