// (integration) The tree inside the real extension host: an edit that changes how the
// instance connects drops its verdict (a rename does not), the row shows the verdict class
// and a few words, a newer contradicting check is shown as such, and the row's command opens
// the last report when there is one and diagnoses otherwise.
import * as assert from 'assert';
import * as net from 'net';
import * as vscode from 'vscode';
import type { CvmDoctorApi } from '../../src/vscode/extension';
import type { TreeNode } from '../../src/vscode/instances/tree';

describe('(integration) Instances tree rows', () => {
  let api: CvmDoctorApi;
  before(async () => {
    const ext = vscode.extensions.all.find((e) => e.packageJSON?.name === 'cvm-doctor');
    assert.ok(ext, 'extension present');
    api = (await ext.activate()) as CvmDoctorApi;
  });

  const rowOf = (id: string) => {
    const node = api.tree.getChildren().find((n): n is Extract<TreeNode, { kind: 'instance' }> => n.kind === 'instance' && n.instance.id === id);
    assert.ok(node, `row for ${id}`);
    return api.tree.getTreeItem(node);
  };

  async function closedPort(): Promise<number> {
    const srv = net.createServer();
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const port = (srv.address() as net.AddressInfo).port;
    await new Promise<void>((r) => srv.close(() => r()));
    return port;
  }

  it('a new port, host, protocol, user or key drops the verdict; a rename keeps it', async () => {
    const i = await api.store.add({ name: 'it-edit', host: '127.0.0.1', port: 2222, protocol: 'ssh' });
    try {
      const v = { code: 'SERVICE_ON_OTHER_PORT', title: 'SSH answers on port 22', at: new Date(Date.now() + 60_000).toISOString() };
      await api.store.setVerdict(i.id, v);
      let item = rowOf(i.id);
      assert.strictEqual(item.description, 'Answers on another port');
      assert.strictEqual((item.iconPath as vscode.ThemeIcon).id, 'server-process');
      assert.ok((item.tooltip as vscode.MarkdownString).value.includes('SERVICE\\_ON\\_OTHER\\_PORT'));
      await api.store.update({ ...api.store.get(i.id)!, name: 'it-edit-renamed' });
      assert.deepStrictEqual(api.store.verdicts()[i.id], v, 'a rename keeps the verdict');
      await api.store.update({ ...api.store.get(i.id)!, port: 22 });
      assert.strictEqual(api.store.verdicts()[i.id], undefined, 'a new port drops it');
      item = rowOf(i.id);
      assert.ok(!/another port/.test(String(item.description)), String(item.description));
      assert.ok(['vm', 'loading~spin', 'error', 'warning', 'pass-filled'].includes((item.iconPath as vscode.ThemeIcon).id), 'the reachability icon');
      for (const change of [{ host: '127.0.0.2' }, { protocol: 'rdp' as const }, { user: 'root' }, { identityFile: '/tmp/k' }]) {
        await api.store.setVerdict(i.id, v);
        await api.store.update({ ...api.store.get(i.id)!, ...change });
        assert.strictEqual(api.store.verdicts()[i.id], undefined, JSON.stringify(change));
      }
    } finally {
      await api.store.remove(i.id);
    }
  });

  it('verdicts that land together are all kept (Diagnose all)', async () => {
    const made = await Promise.all(Array.from({ length: 12 }, (_, n) => api.store.add({ name: `it-many-${n}`, host: '127.0.0.1', port: 1000 + n, protocol: 'ssh' })));
    try {
      const at = new Date(Date.now() + 60_000).toISOString();
      await Promise.all(made.map((i) => api.store.setVerdict(i.id, { code: 'PORT_CLOSED', title: 'closed', at })));
      assert.deepStrictEqual(made.filter((i) => api.store.verdicts()[i.id]?.code !== 'PORT_CLOSED').map((i) => i.name), []);
    } finally {
      for (const i of made) await api.store.remove(i.id);
    }
  });

  it('a newer reachability result that contradicts the verdict is shown instead of it', async function () {
    this.timeout(20_000);
    const port = await closedPort();
    const i = await api.store.add({ name: 'it-contradict', host: '127.0.0.1', port, protocol: 'ssh' });
    try {
      // An OK from before the port closed: the row must not stay green.
      await api.store.setVerdict(i.id, { code: 'OK', title: 'Reachable', at: new Date(Date.now() - 60_000).toISOString() });
      api.reach.checkNow(i.id);
      const end = Date.now() + 10_000;
      while (api.reach.get(i.id)?.state !== 'unreachable' && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
      const item = rowOf(i.id);
      assert.strictEqual(item.description, 'Port closed now (last verdict: OK)');
      assert.strictEqual((item.iconPath as vscode.ThemeIcon).id, 'error');
    } finally {
      await api.store.remove(i.id);
    }
  });

  it('the row command diagnoses an instance without a report, then reopens that report', async function () {
    this.timeout(40_000);
    await vscode.workspace.getConfiguration('cvmDoctor').update('alternativePorts', [], vscode.ConfigurationTarget.Global);
    const port = await closedPort();
    const i = await api.store.add({ name: 'it-open', host: '127.0.0.1', port, protocol: 'ssh' });
    try {
      const first = (await vscode.commands.executeCommand(rowOf(i.id).command!.command, i.id)) as { verdict: { code: string }; startedAt: string } | undefined;
      assert.strictEqual(first?.verdict.code, 'PORT_CLOSED', 'diagnosed');
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      const again = (await vscode.commands.executeCommand('cvmDoctor.openInstance', i.id)) as { startedAt: string } | undefined;
      assert.strictEqual(again?.startedAt, first.startedAt, 'the kept report, not a new run');
      // After an edit the old report is not offered again: a new run.
      await api.store.update({ ...api.store.get(i.id)!, port: await closedPort() });
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      const fresh = (await vscode.commands.executeCommand('cvmDoctor.openInstance', i.id)) as { startedAt: string } | undefined;
      assert.ok(fresh && fresh.startedAt !== first.startedAt, 'a new diagnosis after the edit');
    } finally {
      await api.store.remove(i.id);
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    }
  });
});
