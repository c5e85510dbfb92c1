// (e2e) Runs test/integration inside code-server's real extension host through the smoke-test
// driver: the payload URL names our development folder and test entry; the exit code comes
// back through window.codeAutomationExit.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Browser } from 'playwright-core';
import { launchBrowser, ROOT, startCodeServer, type CodeServer } from './harness';

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
    const page = await browser.newPage();
    const logs: string[] = [];
    const exit = new Promise<number>((resolve) => {
      void page.exposeFunction('codeAutomationExit', (code: number) => resolve(code));
      void page.exposeFunction('codeAutomationLog', (_type: string, args: unknown[]) => { logs.push(args.map(String).join(' ')); });
    });
    const host = `127.0.0.1:${cs.port}`;
    const payload = JSON.stringify([
      ['extensionDevelopmentPath', `vscode-remote://${host}${ROOT}`],
      ['extensionTestsPath', `vscode-remote://${host}${path.join(ROOT, 'out/test/integration/index.js')}`],
    ]);
    await page.goto(`${cs.url}/?folder=${encodeURIComponent(cs.workspace)}&payload=${encodeURIComponent(payload)}`, { timeout: 60_000 });
    const code = await Promise.race([exit, new Promise<number>((r) => setTimeout(() => r(-1), 150_000))]);
    if (code !== 0) console.log(logs.slice(-40).join('\n'));
    assert.strictEqual(code, 0, `extension host tests exited ${code}`);
    const r = JSON.parse(fs.readFileSync(result, 'utf8')) as { failures: number; passes: number };
    console.log(`      extension host: ${r.passes} passed, ${r.failures} failed`);
    assert.deepStrictEqual(r, { failures: 0, passes: 8 });
  });
});
