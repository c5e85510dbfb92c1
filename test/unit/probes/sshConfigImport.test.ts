// (unit) ~/.ssh/config import: Include with globs relative to ~/.ssh, wildcard Host blocks
// skipped but used as defaults, first value wins, Match exec never run.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { readSshConfigHosts } from '../../../src/probes/sshConfigImport';

describe('(unit) ssh_config import', () => {
  let home: string;
  beforeEach(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'cvmd-sshcfg-'));
    fs.mkdirSync(path.join(home, '.ssh', 'conf.d'), { recursive: true });
  });
  afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

  it('follows Include globs, skips wildcards, applies defaults, never runs Match exec', () => {
    const marker = path.join(home, 'match-exec-ran');
    fs.writeFileSync(path.join(home, '.ssh', 'config'), [
      'Include conf.d/*.conf',
      `Match exec "touch ${marker}"`,
      '  User hacked',
      'Host web',
      '  HostName 203.0.113.10',
      '  Port 2222',
      'Host db db-alias',
      '  HostName db.internal',
      '  IdentityFile ~/.ssh/id_db',
      'Host *.example !bad.example',
      '  Port 10022',
      'Host bad.example good.example',
      '  User pat',
      'Host *',
      '  User ops',
      '  Port 22',
      'Include missing/*.conf',
      '',
    ].join('\n'));
    fs.writeFileSync(path.join(home, '.ssh', 'conf.d', 'a.conf'), 'Host inc1\n  HostName 198.51.100.7\n  User inc\n');
    fs.writeFileSync(path.join(home, '.ssh', 'conf.d', 'b.conf'), 'Host inc2\n  Include nested.cfg\n');
    fs.writeFileSync(path.join(home, '.ssh', 'conf.d', 'skip.txt'), 'Host notincluded\n');
    fs.writeFileSync(path.join(home, '.ssh', 'nested.cfg'), 'HostName 198.51.100.8\n');
    const hosts = readSshConfigHosts(undefined, home);
    const by = Object.fromEntries(hosts.map((h) => [h.alias, h]));
    assert.deepStrictEqual(Object.keys(by).sort(), ['bad.example', 'db', 'db-alias', 'good.example', 'inc1', 'inc2', 'web']);
    assert.deepStrictEqual([by.web.hostName, by.web.port, by.web.user], ['203.0.113.10', 2222, 'ops']);
    assert.deepStrictEqual([by.db.hostName, by.db.identityFile, by['db-alias'].hostName], ['db.internal', path.join(home, '.ssh', 'id_db'), 'db.internal']);
    assert.deepStrictEqual([by.inc1.hostName, by.inc1.user], ['198.51.100.7', 'inc']);
    assert.strictEqual(by.inc2.hostName, '198.51.100.8');
    assert.strictEqual(by['good.example'].port, 10022);
    assert.strictEqual(by['bad.example'].port, 22, 'negated pattern excludes it');
    assert.strictEqual(by['good.example'].user, 'pat');
    assert.ok(!fs.existsSync(marker), 'Match exec must never run');
    assert.ok(hosts.every((h) => h.user !== 'hacked'), 'Match blocks are never applied');
  });

  it('survives include loops and a missing file', () => {
    fs.writeFileSync(path.join(home, '.ssh', 'config'), 'Include config\nHost a\n  HostName 192.0.2.1\n');
    assert.deepStrictEqual(readSshConfigHosts(undefined, home).map((h) => h.alias), ['a']);
    assert.deepStrictEqual(readSshConfigHosts(path.join(home, 'nope'), home), []);
  });

  it('ProxyJump: single, chains, none; each hop resolved from its own Host block; loops refused', () => {
    fs.writeFileSync(path.join(home, '.ssh', 'config'), [
      'Host bastion',
      '  HostName 203.0.113.5',
      '  Port 2222',
      '  User ops',
      '  IdentityFile ~/.ssh/id_bastion',
      'Host private',
      '  HostName 10.0.1.5',
      '  ProxyJump bastion',
      'Host deep',
      '  HostName 10.0.2.9',
      '  ProxyJump private,root@10.0.1.7:2200',
      'Host direct',
      '  HostName 198.51.100.9',
      '  ProxyJump none',
      'Host classic',
      '  HostName 10.0.3.3',
      '  ProxyCommand ssh -W %h:%p bastion',
      'Host netcat',
      '  HostName 10.0.4.4',
      '  ProxyCommand nc -X connect -x proxy.example:8080 %h %p',
      'Host loop1',
      '  ProxyJump loop2',
      'Host loop2',
      '  ProxyJump loop1',
      'Host *',
      '  User me',
    ].join('\n') + '\n');
    const by = Object.fromEntries(readSshConfigHosts(undefined, home).map((h) => [h.alias, h]));
    const bastion = { host: '203.0.113.5', port: 2222, user: 'ops', identityFile: path.join(home, '.ssh', 'id_bastion'), name: 'bastion' };
    assert.deepStrictEqual(by.private.jump, [bastion]);
    // The first hop's own ProxyJump comes first; a written user@ and :port win.
    assert.deepStrictEqual(by.deep.jump, [bastion, { host: '10.0.1.5', port: 22, user: 'me', name: 'private' }, { host: '10.0.1.7', port: 2200, user: 'root' }]);
    assert.strictEqual(by.direct.jump, undefined);
    assert.deepStrictEqual(by.classic.jump, [bastion]);
    assert.strictEqual(by.classic.proxyCommand, undefined);
    assert.strictEqual(by.netcat.jump, undefined);
    assert.strictEqual(by.netcat.proxyCommand, 'nc -X connect -x proxy.example:8080 %h %p');
    assert.strictEqual(by.loop1.jump, undefined);
    assert.match(by.loop1.jumpError ?? '', /ProxyJump loop: loop1 → loop2 → loop1/);
  });
});
