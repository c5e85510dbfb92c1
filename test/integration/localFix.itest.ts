// (integration) The report's local repair inside the real extension host: a saved instance
// whose key has mode 0644 is diagnosed LOCAL_KEY_REFUSED before any server is blamed; the
// panel offers "Fix the permissions" with the exact command shown; nothing changes without
// the confirmation; confirmed, the key becomes 0600; the undo restores 0644.
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import type { CvmDoctorApi } from '../../src/vscode/extension';

describe('(integration) local permission repair', () => {
  let api: CvmDoctorApi;
  let dir: string;
  before(async function () {
    if (process.platform === 'win32') this.skip(); // the Windows repair is icacls (unit-tested plan)
    const ext = vscode.extensions.all.find((e) => e.packageJSON?.name === 'cvm-doctor');
    assert.ok(ext, 'extension present');
    api = (await ext.activate()) as CvmDoctorApi;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cvmd-itest-local-'));
  });
  after(() => { if (dir) fs.rmSync(dir, { recursive: true, force: true }); });

  it('chmod button: preview, no change without confirmation, 0600 after it, undo back to 0644', async function () {
    this.timeout(60_000);
    const key = path.join(dir, 'id_ed25519');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key], { stdio: 'ignore' });
    fs.chmodSync(key, 0o644);
    const net = await import('net');
    const srv = net.createServer();
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const port = (srv.address() as import('net').AddressInfo).port;
    await new Promise<void>((r) => srv.close(() => r()));
    await vscode.workspace.getConfiguration('cvmDoctor').update('alternativePorts', [], vscode.ConfigurationTarget.Global);
    const inst = await api.store.add({ name: 'it-local-key', host: '127.0.0.1', port, protocol: 'ssh', user: 'u', identityFile: key });
    try {
      const report = await api.controller.run(inst);
      assert.strictEqual(report?.verdict.code, 'LOCAL_KEY_REFUSED', report?.verdict.summary);
      assert.ok(report!.verdict.remediation.some((s) => s.command === `chmod 600 ${key}`));

      const view = { key: inst.id, host: inst.host, port: inst.port, protocol: inst.protocol };
      const state = api.controller.stateFor(view, { report, checks: report!.checks, running: false });
      assert.strictEqual(state.localActions?.fix, `chmod 600 ${key} # 0644 → 0600`, 'the command is shown before it runs');
      assert.strictEqual(state.localActions?.undo, false);

      const asked: string[] = [];
      assert.strictEqual(await api.localFix.apply(inst.id, report!, async (m, d) => { asked.push(`${m}\n${d}`); return false; }), false);
      assert.strictEqual(fs.statSync(key).mode & 0o777, 0o644, 'declined: nothing changed');
      assert.match(asked[0] ?? '', /chmod 600/);

      assert.strictEqual(await api.localFix.apply(inst.id, report!, async () => true), true);
      assert.strictEqual(fs.statSync(key).mode & 0o777, 0o600, 'confirmed: the key is 0600');
      assert.strictEqual(api.controller.stateFor(view, { checks: [], running: false }).localActions?.undo, true, 'the panel offers the undo');

      const again = await api.controller.run(inst);
      assert.notStrictEqual(again?.verdict.code, 'LOCAL_KEY_REFUSED', 'fixed: the Local layer no longer refuses the key');

      assert.strictEqual(await api.localFix.undo(inst.id, async () => true), true);
      assert.strictEqual(fs.statSync(key).mode & 0o777, 0o644, 'undo restored the old mode');
      assert.strictEqual(api.localFix.undoFor(inst.id), undefined);
    } finally {
      await api.store.remove(inst.id);
    }
  });
});
