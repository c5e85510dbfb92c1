// (integration) Inside the real extension host: commands registered, the tree shows stored
// instances, storage round-trips, secrets live in SecretStorage only.
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { CvmDoctorApi } from '../../src/vscode/extension';
import type { TreeNode } from '../../src/vscode/instances/tree';

describe('(integration) CVM Doctor extension host', () => {
  let api: CvmDoctorApi;
  before(async () => {
    const ext = vscode.extensions.all.find((e) => e.packageJSON?.name === 'cvm-doctor');
    assert.ok(ext, 'extension present');
    api = (await ext.activate()) as CvmDoctorApi;
  });

  it('registers every contributed command', async () => {
    const ext = vscode.extensions.all.find((e) => e.packageJSON?.name === 'cvm-doctor')!;
    const contributed: string[] = ext.packageJSON.contributes.commands.map((c: { command: string }) => c.command);
    const all = new Set(await vscode.commands.getCommands(true));
    assert.deepStrictEqual(contributed.filter((c) => !all.has(c)), []);
  });

  it('stores instances in globalState and the tree lists them', async () => {
    const a = await api.store.add({ name: 'it-a', host: '127.0.0.1', port: 1, protocol: 'ssh', user: 'u', group: 'g1' });
    const b = await api.store.add({ name: 'it-b', host: '127.0.0.2', port: 3389, protocol: 'rdp' });
    assert.deepStrictEqual(api.store.get(a.id), a);
    await api.store.update({ ...b, name: 'it-b2' });
    assert.strictEqual(api.store.get(b.id)?.name, 'it-b2');
    await vscode.commands.executeCommand('cvmDoctor.instances.focus');
    // Read the tree as VS Code renders it: the group row, its instance, the ungrouped one.
    const label = (n: TreeNode) => String(api.tree.getTreeItem(n).label);
    const roots = api.tree.getChildren();
    const g1 = roots.find((n) => n.kind === 'group' && n.name === 'g1');
    assert.ok(g1, `group g1 in ${roots.map(label).join(', ')}`);
    assert.ok(api.tree.getChildren(g1).map(label).includes('it-a'));
    const bRow = roots.find((n) => n.kind === 'instance' && n.instance.id === b.id);
    assert.ok(bRow, 'it-b2 at the top level (no group)');
    const item = api.tree.getTreeItem(bRow);
    assert.deepStrictEqual([item.label, item.contextValue, item.command?.command], ['it-b2', 'instance', 'cvmDoctor.openInstance']);
    // Not diagnosed: the row's words are the live reachability; the target is in the hover.
    assert.match(String(item.description), /^(Not checked yet|Checking…|Port closed|No answer|Unreachable)$/);
    assert.ok((item.tooltip as vscode.MarkdownString).value.includes('RDP 127\\.0\\.0\\.2\\:3389'), (item.tooltip as vscode.MarkdownString).value);
    // A reachability change re-renders only that row: the event names its node.
    const fired: unknown[] = [];
    const sub = api.tree.onDidChangeTreeData((n) => fired.push(n));
    try {
      api.tree.refreshInstance(b.id);
      assert.deepStrictEqual(fired, [bRow]);
    } finally {
      sub.dispose();
    }
    await api.store.remove(a.id);
    await api.store.remove(b.id);
    assert.strictEqual(api.store.get(a.id), undefined);
    assert.ok(!api.tree.getChildren().some((n) => n.kind === 'instance' && n.instance.id === b.id), 'removed from the tree');
  });

  it('keeps secrets in SecretStorage, never in globalState or settings', async () => {
    const i = await api.store.add({ name: 'it-secret', host: '127.0.0.1', port: 22, protocol: 'ssh' });
    const secret = `pw-${Date.now()}-s3cr3t`;
    await api.store.setSecret(i.id, 'password', secret);
    assert.strictEqual(await api.store.getSecret(i.id, 'password'), secret);
    const cfg = JSON.stringify(vscode.workspace.getConfiguration('cvmDoctor'));
    assert.ok(!cfg.includes(secret), 'not in settings');
    assert.ok(!JSON.stringify(api.store.list()).includes(secret), 'not in the instance list');
    await api.store.remove(i.id);
    assert.strictEqual(await api.store.getSecret(i.id, 'password'), undefined, 'removed with the instance');
  });

  it('diagnoses a closed loopback port end to end: PORT_CLOSED', async function () {
    this.timeout(30_000);
    const net = await import('net');
    const srv = net.createServer();
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const port = (srv.address() as import('net').AddressInfo).port;
    await new Promise<void>((r) => srv.close(() => r()));
    await vscode.workspace.getConfiguration('cvmDoctor').update('alternativePorts', [], vscode.ConfigurationTarget.Global);
    const report = await api.controller.run({ host: '127.0.0.1', port, protocol: 'ssh' });
    assert.strictEqual(report?.verdict.code, 'PORT_CLOSED');
  });
});
