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
});
