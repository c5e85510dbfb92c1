// (unit) Import from Tencent Cloud as a three-way merge (re-sync keeps the user's edits), the
// region setting's check, and a whole import through the SDK against the local endpoint.
import * as assert from 'assert';
import { listInstances, type CloudInstanceSummary } from '../../../src/cloud';
import { planImport, GROUP_PREFIX } from '../../../src/cloud/importPlan';
import { COMMON_REGIONS, parseRegions } from '../../../src/cloud/regions';
import { sanitizeInstance, type Instance } from '../../../src/core/savedInstance';
import { REGION, startTencentEndpoint } from '../../support/tencentEndpoint';

const summary = (over: Partial<CloudInstanceSummary> = {}): CloudInstanceSummary => ({
  instanceId: 'ins-aaaa1111', name: 'web', region: 'ap-guangzhou', publicIps: ['203.0.113.10'], privateIps: ['10.0.1.10'],
  protocol: 'ssh', port: 22, user: 'ubuntu', securityGroupIds: ['sg-open'], state: 'RUNNING', ...over,
});

/** Applies a plan the way the extension does (ids assigned on add). */
function apply(list: Instance[], plan: ReturnType<typeof planImport>): Instance[] {
  const out = list.map((i) => plan.update.find((u) => u.id === i.id) ?? i);
  plan.add.forEach((a, n) => out.push({ ...a, id: `new${out.length}${n}` }));
  return out;
}

describe('(unit) Tencent Cloud import plan', () => {
  it('adds with public IP as host, guesses, region, instance ID, group and the import base', () => {
    const plan = planImport([], [summary()]);
    assert.deepStrictEqual(plan.add, [{
      name: 'web', host: '203.0.113.10', port: 22, protocol: 'ssh', user: 'ubuntu', group: `${GROUP_PREFIX}ap-guangzhou`,
      region: 'ap-guangzhou', cloudInstanceId: 'ins-aaaa1111', cloudState: 'RUNNING',
      imported: { name: 'web', host: '203.0.113.10', port: 22, protocol: 'ssh', user: 'ubuntu' },
    }]);
    assert.deepStrictEqual([plan.update, plan.privateOnly, plan.noAddress], [[], [], []]);
  });

  it('no public IP: the private address with a warning; no address at all: skipped', () => {
    const plan = planImport([], [summary({ publicIps: [] }), summary({ instanceId: 'ins-bbbb2222', name: 'dark', publicIps: [], privateIps: [] })]);
    assert.deepStrictEqual(plan.add.map((a) => a.host), ['10.0.1.10']);
    assert.deepStrictEqual(plan.privateOnly, ['web']);
    assert.deepStrictEqual(plan.noAddress, ['ins-bbbb2222']);
  });

  it('names stay unique against saved instances and within one import', () => {
    const saved: Instance = { id: 'x', name: 'web', host: 'h', port: 22, protocol: 'ssh' };
    const plan = planImport([saved], [summary(), summary({ instanceId: 'ins-cccc3333' })]);
    assert.deepStrictEqual(plan.add.map((a) => [a.name, a.imported?.name]), [['web (copy)', 'web (copy)'], ['web (copy 2)', 'web (copy 2)']]);
  });

  it('re-sync updates every saved instance of the same cloud ID (a duplicated variant too)', () => {
    let list = apply([], planImport([], [summary()]));
    // The user duplicated it to keep a second login (another user) for the same VM.
    list = [...list, { ...list[0], id: 'dup', name: `${list[0].name} (2)`, user: 'deploy' }];
    const plan = planImport(list, [summary({ publicIps: ['198.51.100.77'] })]);
    assert.strictEqual(plan.update.length, 2);
    list = apply(list, plan);
    assert.deepStrictEqual(list.map((i) => i.host), ['198.51.100.77', '198.51.100.77']);
    assert.deepStrictEqual(list.map((i) => i.user), [list[0].user, 'deploy'], 'the variant keeps its own user');
  });

  it('re-sync: cloud-derived fields follow the cloud, the user\'s edits to name/user/port survive', () => {
    let list = apply([], planImport([], [summary()]));
    const id = list[0].id;
    // The user renames it, changes the user and the port (sshd moved), and keeps the host.
    list = list.map((i) => ({ ...i, name: 'my web', user: 'deploy', port: 2222 }));
    // In the cloud: a new public IP (stop/start without EIP), stopped, renamed, another default user.
    const plan = planImport(list, [summary({ publicIps: ['198.51.100.77'], state: 'STOPPED', name: 'web-renamed', user: 'root' })]);
    assert.deepStrictEqual([plan.add.length, plan.update.length], [0, 1]);
    list = apply(list, plan);
    const got = list.find((i) => i.id === id)!;
    assert.deepStrictEqual(
      [got.name, got.user, got.port, got.host, got.cloudState, got.group],
      ['my web', 'deploy', 2222, '198.51.100.77', 'STOPPED', `${GROUP_PREFIX}ap-guangzhou`],
    );
    // A field the user did not edit keeps following the cloud on the next sync too.
    const again = apply(list, planImport(list, [summary({ publicIps: ['198.51.100.78'], state: 'RUNNING', name: 'web-renamed', user: 'root' })]));
    assert.deepStrictEqual([again[0].host, again[0].cloudState, again[0].name, again[0].user], ['198.51.100.78', 'RUNNING', 'my web', 'deploy']);
    // Nothing changed in the cloud: nothing to write.
    const same = planImport(again, [summary({ publicIps: ['198.51.100.78'], name: 'web-renamed', user: 'root' })]);
    assert.deepStrictEqual([same.update.length, same.unchanged], [0, 1]);
  });

  it('a host the user edited (e.g. to a DNS name) is theirs; an unedited name follows a cloud rename', () => {
    let list = apply([], planImport([], [summary()]));
    list = list.map((i) => ({ ...i, host: 'web.example.com' }));
    list = apply(list, planImport(list, [summary({ publicIps: ['198.51.100.9'], name: 'web2' })]));
    assert.deepStrictEqual([list[0].host, list[0].name], ['web.example.com', 'web2']);
  });

  it('an instance saved by hand with the same instance ID keeps every field; state and region follow', () => {
    const hand: Instance = { id: 'h1', name: 'prod', host: 'prod.example.com', port: 2200, protocol: 'ssh', user: 'ops', cloudInstanceId: 'ins-aaaa1111', region: 'ap-guangzhou' };
    const plan = planImport([hand], [summary({ state: 'STOPPED' })]);
    assert.deepStrictEqual(plan.add, []);
    const u = plan.update[0];
    assert.deepStrictEqual([u.name, u.host, u.port, u.user, u.cloudState, u.group], ['prod', 'prod.example.com', 2200, 'ops', 'STOPPED', undefined]);
  });

  it('stored instances keep cloudState and the import base through sanitizeInstance; junk is dropped', () => {
    const [a] = planImport([], [summary()]).add;
    const stored = JSON.parse(JSON.stringify({ ...a, id: 'abc' }));
    assert.deepStrictEqual(sanitizeInstance(stored), { ...a, id: 'abc' });
    assert.strictEqual(sanitizeInstance({ ...stored, imported: { name: 1 } })?.imported, undefined);
  });

  it('regions: the setting is trimmed, lower-cased and de-duplicated; non-IDs are reported', () => {
    assert.deepStrictEqual(parseRegions([' AP-Seoul ', 'ap-seoul', 'eu-frankfurt', 'seoul', 7, '']), { regions: ['ap-seoul', 'eu-frankfurt'], invalid: ['seoul', '7', ''] });
    assert.deepStrictEqual(parseRegions(undefined), { regions: [], invalid: [] });
    assert.ok(COMMON_REGIONS.includes('ap-guangzhou') && COMMON_REGIONS.includes('sa-saopaulo'));
    assert.deepStrictEqual(COMMON_REGIONS.filter((r) => parseRegions([r]).regions.length !== 1), []);
  });

  it('end to end through the SDK: list, plan, re-list after cloud changes, re-plan', async () => {
    const ep = await startTencentEndpoint();
    try {
      const cfg = { secretId: ep.secretId, secretKey: ep.secretKey, endpoint: ep.url, timeoutMs: 3000 };
      const first = await listInstances(cfg, [REGION]);
      let list = apply([], planImport([], first));
      assert.strictEqual(list.length, ep.state.instances.filter((i) => i.region === REGION).length);
      const noip = list.find((i) => i.cloudInstanceId === 'ins-noip')!;
      assert.strictEqual(noip.host, '127.0.1.10'); // the private address (the fixture's are loopback)
      const win = list.find((i) => i.cloudInstanceId === 'ins-win')!;
      assert.deepStrictEqual([win.protocol, win.port, win.user], ['rdp', 3389, 'Administrator']);
      list = list.map((i) => (i.cloudInstanceId === 'ins-ok' ? { ...i, name: 'mine', port: 2022 } : i));
      const ok = ep.state.instances.find((i) => i.InstanceId === 'ins-ok')!;
      ok.PublicIpAddresses = ['198.51.100.200'];
      ok.InstanceState = 'STOPPED';
      const plan = planImport(list, await listInstances(cfg, [REGION]));
      assert.deepStrictEqual([plan.add.length, plan.update.length], [0, 1]);
      const got = apply(list, plan).find((i) => i.cloudInstanceId === 'ins-ok')!;
      assert.deepStrictEqual([got.name, got.port, got.host, got.cloudState], ['mine', 2022, '198.51.100.200', 'STOPPED']);
    } finally {
      await ep.close();
    }
  });
});
