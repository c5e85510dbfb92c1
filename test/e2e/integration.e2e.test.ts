// (e2e) Inside code-server's real extension host, through the smoke-test driver (the payload
// URL names a development folder and a test entry; the exit code comes back through
// window.codeAutomationExit): the (integration) suites, and — with the packaged VSIX installed
// as a user has it (ExtensionMode.Production) — a probe extension that calls
// getExtension('cvm-doctor.cvm-doctor').activate(), which must get no API: otherwise any
// extension could reach the store's secrets and the Tencent credentials.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Browser } from 'playwright-core';
import { launchBrowser, ROOT, runInExtensionHost, startCodeServer, type CodeServer } from './harness';
import { VSIX } from './ui';

describe('(e2e) inside the extension host', function () {
  this.timeout(180_000);
  const servers: CodeServer[] = [];
  let browser: Browser | undefined;
  const started = async (p: Promise<CodeServer>) => { const cs = await p; servers.push(cs); return cs; };
  before(async () => { browser = await launchBrowser(); });
  after(async () => {
    await browser?.close().catch(() => undefined);
    for (const cs of servers) await cs.stop();
  });

  it('all (integration) tests pass', async () => {
    const result = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cvmd-it-')), 'result.json');
    const cs = await started(startCodeServer({ smokeTestDriver: true, env: { CVM_INTEGRATION_RESULT: result } }));
    const { code, logs } = await runInExtensionHost(browser!, cs, ROOT, path.join(ROOT, 'out/test/integration/index.js'));
    if (code !== 0) console.log(logs.slice(-40).join('\n'));
    assert.strictEqual(code, 0, `extension host tests exited ${code}`);
    const r = JSON.parse(fs.readFileSync(result, 'utf8')) as { failures: number; passes: number; pending: number; total: number };
    console.log(`      extension host: ${r.passes} passed, ${r.failures} failed, ${r.pending} skipped of ${r.total}`);
    // The suites' own counts join the run's tally; this test stands for "every one of them passed".
    if (process.env.CVM_TEST_TALLY) fs.appendFileSync(process.env.CVM_TEST_TALLY, JSON.stringify({ suite: 'extension host', passed: r.passes, failed: r.failures, skipped: r.pending }) + '\n');
    assert.ok(r.total > 0, 'the extension host found no (integration) test');
    assert.deepStrictEqual([r.failures, r.pending, r.passes], [0, 0, r.total]);
  });

  it('another extension activating CVM Doctor gets undefined, while CVM Doctor itself runs', async () => {
    assert.ok(fs.existsSync(VSIX), `VSIX missing: ${VSIX} (npm run package)`);
    const result = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cvmd-exports-')), 'result.json');
    const cs = await started(startCodeServer({ vsix: VSIX, smokeTestDriver: true, env: { CVM_EXPORT_PROBE_RESULT: result } }));
    const { code, logs } = await runInExtensionHost(browser!, cs, path.join(ROOT, 'test/e2e/exportProbe'), path.join(ROOT, 'out/test/e2e/exportProbeRun.js'));
    if (code !== 0) console.log(logs.slice(-40).join('\n'));
    assert.strictEqual(code, 0, `the probe exited ${code}`);
    const r = JSON.parse(fs.readFileSync(result, 'utf8')) as Record<string, unknown>;
    assert.deepStrictEqual(r, { found: true, active: true, exportsType: 'undefined', keys: [], diagnoseRegistered: true });
  });
});
