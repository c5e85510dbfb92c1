// (e2e) Runs test/integration inside code-server's real extension host through the smoke-test
// driver: the payload URL names our development folder and test entry; the exit code comes
// back through window.codeAutomationExit.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Browser } from 'playwright-core';
import { launchBrowser, ROOT, runInExtensionHost, startCodeServer, type CodeServer } from './harness';

describe('(e2e) integration suites inside the extension host', function () {
  this.timeout(180_000);
  let cs: CodeServer | undefined;
  let browser: Browser | undefined;
  after(async () => {
    await browser?.close().catch(() => undefined);
    await cs?.stop();
  });

  it('all (integration) tests pass', async () => {
    const result = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cvmd-it-')), 'result.json');
    cs = await startCodeServer({ smokeTestDriver: true, env: { CVM_INTEGRATION_RESULT: result } });
    browser = await launchBrowser();
    const { code, logs } = await runInExtensionHost(browser, cs, ROOT, path.join(ROOT, 'out/test/integration/index.js'));
    if (code !== 0) console.log(logs.slice(-40).join('\n'));
    assert.strictEqual(code, 0, `extension host tests exited ${code}`);
    const r = JSON.parse(fs.readFileSync(result, 'utf8')) as { failures: number; passes: number; pending: number; total: number };
    console.log(`      extension host: ${r.passes} passed, ${r.failures} failed, ${r.pending} skipped of ${r.total}`);
    // The suites' own counts join the run's tally; this test stands for "every one of them passed".
    if (process.env.CVM_TEST_TALLY) fs.appendFileSync(process.env.CVM_TEST_TALLY, JSON.stringify({ suite: 'extension host', passed: r.passes, failed: r.failures, skipped: r.pending }) + '\n');
    assert.ok(r.total > 0, 'the extension host found no (integration) test');
    assert.deepStrictEqual([r.failures, r.pending, r.passes], [0, 0, r.total]);
  });
});
