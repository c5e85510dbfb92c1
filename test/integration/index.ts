// Runs inside the extension host (code-server's, or desktop VS Code's via runDesktop.ts):
// mocha over the (integration) suites, failing when any test fails.
import * as fs from 'fs';
import * as path from 'path';
import Mocha = require('mocha');

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', timeout: 20_000, color: false });
  for (const f of fs.readdirSync(__dirname)) if (f.endsWith('.itest.js')) mocha.addFile(path.join(__dirname, f));
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      const out = process.env.CVM_INTEGRATION_RESULT;
      if (out) fs.writeFileSync(out, JSON.stringify({ failures, passes: runner.stats?.passes ?? 0, pending: runner.stats?.pending ?? 0, total: runner.total }));
      if (failures > 0) reject(new Error(`${failures} integration test(s) failed`));
      else resolve();
    });
  });
}
