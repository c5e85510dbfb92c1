// (integration) Tencent Cloud inside the real extension host, against the local TC3-verifying
// endpoint on 127.0.0.1 (the setting cvmDoctor.tencent.endpoint points at it): credentials
// live in SecretStorage only, Import from Tencent Cloud saves instances and re-syncs without
// losing the user's edits, errors never escape as exceptions, and a diagnosis of a cloud
// instance includes the cloud's view (with in-guest checks once the user said "always").
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { ImportResult } from '../../src/vscode/cloud/import';
import type { CvmDoctorApi } from '../../src/vscode/extension';
import { REGION, startTencentEndpoint, type TencentEndpoint } from '../support/tencentEndpoint';
import { closedPort } from '../support/ports';

const CONSENT_KEY = 'cvmDoctor.tencent.guestConsent';


describe('(integration) Tencent Cloud in the extension host', () => {
  let api: CvmDoctorApi;
  let ep: TencentEndpoint;
  const cfg = () => vscode.workspace.getConfiguration('cvmDoctor');
  const importCmd = (args: object) => vscode.commands.executeCommand<ImportResult | undefined>('cvmDoctor.importTencent', args);

  before(async () => {
    const ext = vscode.extensions.all.find((e) => e.packageJSON?.name === 'cvm-doctor');
    assert.ok(ext, 'extension present');
    api = (await ext.activate()) as CvmDoctorApi;
    ep = await startTencentEndpoint();
    await cfg().update('tencent.endpoint', ep.url, vscode.ConfigurationTarget.Global);
    await cfg().update('tencent.callerIp', '127.0.0.5', vscode.ConfigurationTarget.Global);
    await cfg().update('alternativePorts', [], vscode.ConfigurationTarget.Global);
    // These tests check what the import saves: no reachability checks of the imported
    // instances while they run (only the pinned one would be watched).
    await cfg().update('pollIntervalSeconds', 0, vscode.ConfigurationTarget.Global);
  });

  after(async () => {
    for (const i of api.store.list().filter((x) => x.cloudInstanceId)) await api.store.remove(i.id);
    await api.tencent.credentials.clear();
    await api.globalState.update(CONSENT_KEY, undefined);
    for (const k of ['tencent.endpoint', 'tencent.callerIp', 'pollIntervalSeconds', 'alternativePorts']) await cfg().update(k, undefined, vscode.ConfigurationTarget.Global);
    await ep?.close();
  });

  it('keeps the SecretId and SecretKey in SecretStorage, never in globalState or settings', async () => {
    const secretKey = `sk-${Date.now()}-notInStateOrSettings`;
    await api.tencent.credentials.set('AKIDintegrationcheck000001', secretKey);
    assert.deepStrictEqual(await api.tencent.credentials.get(), { secretId: 'AKIDintegrationcheck000001', secretKey });
    const state = JSON.stringify(api.globalState.keys().map((k) => [k, api.globalState.get(k)]));
    assert.ok(!state.includes(secretKey) && !state.includes('AKIDintegrationcheck000001'), 'not in globalState');
    const settings = JSON.stringify(cfg());
    assert.ok(!settings.includes(secretKey) && !settings.includes('AKIDintegrationcheck000001'), 'not in settings');
    // These credentials are unknown to the endpoint: the import fails with a message, not a throw.
    const before = api.store.list().length;
    assert.strictEqual(await importCmd({ regions: [REGION] }), undefined);
    assert.strictEqual(ep.requests.at(-1)?.errorCode, 'AuthFailure.SecretIdNotFound');
    assert.strictEqual(api.store.list().length, before);
  });

  it('a bad endpoint setting stops before any request (the warning names the setting)', async () => {
    await api.tencent.credentials.set(ep.secretId, ep.secretKey);
    // Plain http to a host that is not loopback; the name is never resolved (the audit would see it).
    await cfg().update('tencent.endpoint', 'http://tencent-endpoint.invalid:9', vscode.ConfigurationTarget.Global);
    const n = ep.requests.length;
    assert.strictEqual(await importCmd({ regions: [REGION] }), undefined);
    assert.strictEqual(ep.requests.length, n, 'no request sent anywhere');
    await cfg().update('tencent.endpoint', ep.url, vscode.ConfigurationTarget.Global);
  });

  it('imports instances from the endpoint, and a re-sync keeps the user\'s edits', async () => {
    await api.tencent.credentials.set(ep.secretId, ep.secretKey);
    const r = await importCmd({ regions: [REGION], instanceIds: ['ins-ok', 'ins-noip'] });
    assert.deepStrictEqual(r?.added.map((i) => [i.name, i.host, i.port, i.user, i.group, i.region, i.cloudInstanceId, i.cloudState]).sort(), [
      ['noip', '127.0.1.10', 22, 'ubuntu', `Tencent Cloud/${REGION}`, REGION, 'ins-noip', 'RUNNING'],
      ['ok', '127.0.0.10', 22, 'ubuntu', `Tencent Cloud/${REGION}`, REGION, 'ins-ok', 'RUNNING'],
    ]);
    const ok = api.store.list().find((i) => i.cloudInstanceId === 'ins-ok')!;
    await api.store.update({ ...ok, name: 'my-ok', user: 'deploy', port: 2022 });
    const fx = ep.state.instances.find((i) => i.InstanceId === 'ins-ok')!;
    fx.PublicIpAddresses = ['127.0.0.23'];
    fx.InstanceState = 'STOPPED';
    const again = await importCmd({ regions: [REGION], instanceIds: ['ins-ok', 'ins-noip'] });
    assert.deepStrictEqual([again?.added.length, again?.updated.length, again?.unchanged], [0, 1, 1]);
    const got = api.store.get(ok.id)!;
    assert.deepStrictEqual([got.name, got.user, got.port, got.host, got.cloudState], ['my-ok', 'deploy', 2022, '127.0.0.23', 'STOPPED']);
    assert.strictEqual(api.store.list().filter((i) => i.cloudInstanceId === 'ins-ok').length, 1, 'no duplicate');
  });

  it('diagnoses an imported instance with the cloud\'s view and in-guest checks ("always" for it)', async function () {
    this.timeout(30_000);
    const port = await closedPort();
    const fx = ep.state.instances.find((i) => i.InstanceId === 'ins-sshdown')!;
    fx.PublicIpAddresses = ['127.0.0.1'];
    fx.DefaultLoginPort = port;
    ep.state.guests['ins-sshdown'].pollsBeforeDone = 0;
    ep.state.securityGroups['sg-open'].ingress.unshift({ Protocol: 'TCP', Port: String(port), CidrBlock: '0.0.0.0/0', Action: 'ACCEPT', PolicyDescription: 'the test port' });
    const r = await importCmd({ regions: [REGION], instanceIds: ['ins-sshdown'] });
    const inst = r!.added[0];
    assert.deepStrictEqual([inst.host, inst.port], ['127.0.0.1', port]);
    await api.globalState.update(CONSENT_KEY, { [inst.id]: 'always' });
    const report = await api.controller.run(inst);
    assert.strictEqual(report?.verdict.code, 'SSHD_NOT_RUNNING');
    const ids = report.checks.map((c) => `${c.id}:${c.status}`);
    for (const want of ['tcp:fail', 'cloud.instance:pass', 'cloud.securityGroups:pass', 'cloud.guest:fail']) assert.ok(ids.includes(want), `${want} in ${ids.join()}`);
    assert.ok(ep.requests.some((q) => q.action === 'RunCommand' && q.params.InstanceIds?.[0] === 'ins-sshdown'), 'TAT ran with consent');
    assert.deepStrictEqual(report.target.cloud, { instanceId: 'ins-sshdown', region: REGION });
    assert.ok(!JSON.stringify(report).includes(ep.secretKey), 'the key is not in the report');
    // The consent is remembered per instance and goes away with it.
    assert.deepStrictEqual(api.globalState.get(CONSENT_KEY), { [inst.id]: 'always' });
    await api.store.remove(inst.id);
    for (let i = 0; i < 50 && JSON.stringify(api.globalState.get(CONSENT_KEY)) !== '{}'; i++) await new Promise((r) => setTimeout(r, 20));
    assert.deepStrictEqual(api.globalState.get(CONSENT_KEY), {});
  });
});
