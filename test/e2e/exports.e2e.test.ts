// (e2e) A normal activation exports nothing: the packaged VSIX is installed in code-server as a
// user would have it (ExtensionMode.Production), and a second extension — loaded through the
// smoke-test driver — calls getExtension('cvm-doctor.cvm-doctor').activate(), which is how any
// extension could reach the store's secrets and the Tencent credentials if we returned them.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Browser } from 'playwright-core';
import { launchBrowser, ROOT, runInExtensionHost, startCodeServer, type CodeServer } from './harness';
import { VSIX } from './ui';

describe('(e2e) the installed extension exports no API', function () {
  this.timeout(180_000);
  let cs: CodeServer | undefined;
  let browser: Browser | undefined;
  after(async () => {
    await browser?.close().catch(() => undefined);
    await cs?.stop();
  });

  it('another extension activating CVM Doctor gets undefined, while CVM Doctor itself runs', async () => {
    assert.ok(fs.existsSync(VSIX), `VSIX missing: ${VSIX} (npm run package)`);
    const result = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cvmd-exports-')), 'result.json');
    cs = await startCodeServer({ vsix: VSIX, smokeTestDriver: true, env: { CVM_EXPORT_PROBE_RESULT: result } });
    browser = await launchBrowser();
    const { code, logs } = await runInExtensionHost(browser, cs, path.join(ROOT, 'test/e2e/exportProbe'), path.join(ROOT, 'out/test/e2e/exportProbeRun.js'));
    if (code !== 0) console.log(logs.slice(-40).join('\n'));
    assert.strictEqual(code, 0, `the probe exited ${code}`);
    const r = JSON.parse(fs.readFileSync(result, 'utf8')) as Record<string, unknown>;
    assert.deepStrictEqual(r, { found: true, active: true, exportsType: 'undefined', keys: [], diagnoseRegistered: true });
  });
});
