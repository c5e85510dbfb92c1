import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseSweepCommand } from '../../../src/cli/sweepArgs';
import { hostsFileTargets, sshConfigTargets } from '../../../src/cli/sweepSources';
import { DEFAULT_SWEEP_CONCURRENCY } from '../../../src/core/sweep';

describe('(unit) cvm-doctor sweep arguments and sources', () => {
  let dir: string;
  before(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cvmd-sweep-')); });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string) => { const f = path.join(dir, name); fs.writeFileSync(f, text); return f; };
  const env = { LANG: 'C' };

  const BAD: Array<[string[], string, RegExp?]> = [
    [[], 'usage', /needs targets/],
    [['--hosts-file', '/nonexistent/list'], '--hosts-file', /cannot read/],
    [['--ssh-config', '/nonexistent/config'], '--ssh-config', /cannot read/],
    [['--tencent-region', 'ap_guangzhou'], '--tencent-region'],
    [['--tencent-region', 'ap-guangzhou', '--hosts-file', 'x'], 'usage', /cannot be combined/],
    [['--tencent-profile', 'p'], 'usage'],
    [['--concurrency', '0', '--tencent-region', 'ap-seoul'], '--concurrency', /out of range/],
    [['--concurrency', 'many', '--tencent-region', 'ap-seoul'], '--concurrency'],
    [['--timeout', '5', '--tencent-region', 'ap-seoul'], '--timeout'],
    [['--bogus'], 'usage', /Unknown option/],
    [['host1'], 'usage', /--hosts-file/],
  ];
  for (const [argv, field, pattern] of BAD) {
    it(`refuses ${JSON.stringify(argv)} naming ${field}`, () => {
      assert.throws(() => parseSweepCommand(argv, env), (e: Error & { field?: string }) =>
        e.name === 'InputError' && e.field === field && (!pattern || pattern.test(e.message)));
    });
  }

  it('--tencent-profile only with --tencent-region', () => {
    assert.throws(() => parseSweepCommand(['--hosts-file', file('one.txt', 'h\n'), '--tencent-profile', 'p'], env), /only used with --tencent-region/);
  });

  it('a hosts file: defaults fill what a line leaves out; every bad line named at once', () => {
    const f = file('fleet.txt', 'root@10.0.0.5\nweb:2222\n[fd00::5]:22\n');
    const cmd = parseSweepCommand(['--hosts-file', f, '--user', 'ops', '--timeout', '2000', '--alt-ports', 'none', '--no-icmp', '--lang', 'ko'], env);
    assert.strictEqual(cmd.concurrency, DEFAULT_SWEEP_CONCURRENCY);
    assert.strictEqual(cmd.lang, 'ko');
    const t = hostsFileTargets(cmd as never).items;
    assert.deepStrictEqual(t.map((i) => [i.label, i.target.host, i.target.port, i.target.user, i.target.timeoutMs, i.target.altPorts, i.target.icmp, i.source]), [
      ['root@10.0.0.5', '10.0.0.5', 22, 'root', 2000, [], false, `${f}:1`],
      ['web:2222', 'web', 2222, 'ops', 2000, [], false, `${f}:2`],
      ['[fd00::5]:22', 'fd00::5', 22, 'ops', 2000, [], false, `${f}:3`],
    ]);
    const bad = file('bad.txt', 'ok-host\nbad host\nh:0\n');
    assert.throws(() => parseSweepCommand(['--hosts-file', bad], env), (e: Error) => /2 bad lines — line 2: .*; line 3: /.test(e.message));
    assert.throws(() => parseSweepCommand(['--hosts-file', file('empty.txt', '# nothing\n\n')], env), /names no host/);
  });

  it('--ssh-config: a ProxyJump host is swept through its bastion; a ProxyJump loop is skipped naming it', () => {
    const f = file('config-jump', [
      'Host bastion', '  HostName 203.0.113.5', '  User ops', '',
      'Host private', '  HostName 10.0.1.5', '  ProxyJump bastion', '',
      'Host l1', '  ProxyJump l2', '', 'Host l2', '  ProxyJump l1', '',
    ].join('\n'));
    const { items, skipped } = sshConfigTargets(parseSweepCommand(['--ssh-config', f], env) as never);
    const priv = items.find((i) => i.label === 'private')!;
    assert.deepStrictEqual(priv.target.jump?.map((h) => [h.host, h.port, h.user]), [['203.0.113.5', 22, 'ops']]);
    assert.strictEqual(items.find((i) => i.label === 'bastion')!.target.jump, undefined);
    assert.deepStrictEqual(skipped.map((s) => s.label), ['l1', 'l2']);
    assert.match(skipped[0]!.reason, /ProxyJump loop: l1 → l2 → l1/);
  });

  it('--ssh-config without a file reads ~/.ssh/config; each concrete Host with its own HostName, Port, User and IdentityFile', () => {
    const f = file('config', [
      'Host *', '  User fallback', '',
      'Host web', '  HostName 10.0.0.7', '  Port 2222', '  IdentityFile ~/.ssh/web_ed25519', '',
      'Host db', '  HostName db.internal', '  User postgres', '',
      'Host broken', '  HostName "a b"', '',
    ].join('\n'));
    const cmd = parseSweepCommand(['--ssh-config', f, '--timeout', '1000'], env);
    const { items, skipped } = sshConfigTargets(cmd as never);
    assert.deepStrictEqual(items.map((i) => [i.label, i.target.host, i.target.port, i.target.user, i.credentials?.identityFile]), [
      ['web', '10.0.0.7', 2222, 'fallback', path.join(os.homedir(), '.ssh/web_ed25519')],
      // ssh_config: the first value obtained wins, so `Host *` at the top sets everyone's User.
      ['db', 'db.internal', 22, 'fallback', undefined],
    ]);
    assert.deepStrictEqual(skipped.map((s) => s.label), ['broken']);
    // Without a file: $HOME/.ssh/config (a home of the test's own).
    const saved = process.env.HOME;
    process.env.HOME = dir;
    try {
      assert.throws(() => parseSweepCommand(['--ssh-config', '--timeout', '1000'], env), new RegExp(`cannot read file "${dir}/\\.ssh/config"`));
      fs.mkdirSync(path.join(dir, '.ssh'));
      fs.copyFileSync(f, path.join(dir, '.ssh', 'config'));
      const home = parseSweepCommand(['--ssh-config', '--timeout', '1000'], env);
      assert.strictEqual((home.source as { file: string }).file, path.join(dir, '.ssh', 'config'));
      assert.strictEqual(home.defaults.timeoutMs, 1000);
    } finally {
      process.env.HOME = saved;
    }
  });

  it('--tencent-region is repeatable and takes comma lists', () => {
    const cmd = parseSweepCommand(['--tencent-region', 'ap-seoul,ap-guangzhou', '--tencent-region', 'ap-seoul'], env);
    assert.deepStrictEqual(cmd.source, { kind: 'tencent', regions: ['ap-seoul', 'ap-guangzhou'] });
  });
});
