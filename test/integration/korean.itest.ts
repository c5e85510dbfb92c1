// (integration) With cvmDoctor.language: ko inside the real extension host, the adapter's own
// strings are Korean even though VS Code's display language is English: an instance's
// tooltip (reachability, last verdict, hint), the stored verdict, the report; and back in
// English once the setting says en. No English sentence of ours, no particle pair.
import * as assert from 'assert';
import * as net from 'net';
import * as vscode from 'vscode';
import type { CvmDoctorApi } from '../../src/vscode/extension';
import { englishRuns, particleRuns } from '../support/englishText';

const hangul = /[가-힣]/;

describe('(integration) cvmDoctor.language: ko speaks Korean in every string of ours', () => {
  let api: CvmDoctorApi;
  const config = () => vscode.workspace.getConfiguration('cvmDoctor');

  before(async () => {
    const ext = vscode.extensions.all.find((e) => e.packageJSON?.name === 'cvm-doctor');
    assert.ok(ext, 'extension present');
    api = (await ext.activate()) as CvmDoctorApi;
  });

  after(async () => {
    await config().update('language', undefined, vscode.ConfigurationTarget.Global);
  });

  it('the tree tooltip, the stored verdict and the report are Korean; English again after the switch', async function () {
    this.timeout(30_000);
    assert.ok(!vscode.env.language.startsWith('ko'), `the display language is ${vscode.env.language}: the setting must do the work`);
    const srv = net.createServer();
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const port = (srv.address() as net.AddressInfo).port;
    await new Promise<void>((r) => srv.close(() => r()));
    await config().update('alternativePorts', [], vscode.ConfigurationTarget.Global);
    await config().update('language', 'ko', vscode.ConfigurationTarget.Global);
    const inst = await api.store.add({ name: 'it-ko', host: '127.0.0.1', port, protocol: 'ssh', user: 'root' });
    try {
      const report = await api.controller.run(inst);
      assert.strictEqual(report?.lang, 'ko');
      assert.strictEqual(report.verdict.code, 'PORT_CLOSED');
      const tooltip = () => {
        const node = api.tree.getChildren().find((n) => n.kind === 'instance' && n.instance.id === inst.id);
        assert.ok(node, 'the instance is in the tree');
        const tip = api.tree.getTreeItem(node).tooltip;
        // MarkdownString.appendText writes spaces as &nbsp; and escapes Markdown: read it as shown.
        return (typeof tip === 'string' ? tip : tip?.value ?? '').replace(/&nbsp;/g, ' ').replace(/\\(.)/g, '$1');
      };
      const ko = tooltip();
      assert.ok(ko.includes(report.verdict.title), ko);
      assert.ok(!/\b(AM|PM)\b/.test(ko), `times in Korean too: ${ko}`);
      assert.ok(hangul.test(ko.replace(report.verdict.title, '')), `the tooltip's own words are Korean: ${ko}`);
      assert.deepStrictEqual(englishRuns([ko, report.verdict.title, report.verdict.summary]), []);
      assert.deepStrictEqual(particleRuns([ko, report.verdict.title, report.verdict.summary]), []);

      await config().update('language', 'en', vscode.ConfigurationTarget.Global);
      const en = tooltip();
      assert.ok(/Reachability|Last verdict|Not checked/.test(en), `English after the switch: ${en}`);
      // The stored verdict is told in the new language too: no Korean left in the tooltip.
      assert.ok(!hangul.test(en), `English after the switch: ${en}`);
    } finally {
      await api.store.remove(inst.id);
    }
  });
});
