// Runs the (integration) suites in desktop VS Code where it can be downloaded
// (`node out/test/integration/runDesktop.js`). Not used on the offline CI machine, which runs
// the same suites inside code-server (scripts/test-vscode.sh).
import * as path from 'path';
import { runTests } from '@vscode/test-electron';

async function main(): Promise<void> {
  const root = path.resolve(__dirname, '../../..');
  await runTests({
    version: '1.90.0',
    extensionDevelopmentPath: root,
    extensionTestsPath: path.join(__dirname, 'index.js'),
    launchArgs: ['--disable-extensions', '--disable-workspace-trust'],
  });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
