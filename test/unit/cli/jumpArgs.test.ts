// (unit) `--jump` as `ssh -J`: the chain parsed by core's one parser, each hop's own Host block
// of ~/.ssh/config applied (a home of the test's own), bad input one InputError naming --jump.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseCommand, type DiagnoseCommand } from '../../../src/cli/args';
import { InputError } from '../../../src/core/validate';

describe('(unit) cvm-doctor diagnose --jump', () => {
  let home: string;
  let saved: string | undefined;
  beforeEach(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'cvmd-jumpargs-'));
    saved = process.env.HOME;
    process.env.HOME = home;
  });
  afterEach(() => {
    process.env.HOME = saved;
    fs.rmSync(home, { recursive: true, force: true });
  });
  const jumpOf = (argv: string[]) => (parseCommand(['diagnose', '10.0.1.5', ...argv], {}) as DiagnoseCommand).target.jump;

  it('typed hops: users, ports, IPv6 in brackets; a hop without a user is the local user, as ssh', () => {
    const me = os.userInfo().username;
    assert.deepStrictEqual(jumpOf(['--jump', 'ops@203.0.113.5:2222,[2001:db8::7]']), [
      { host: '203.0.113.5', port: 2222, user: 'ops' }, { host: '2001:db8::7', port: 22, user: me },
    ]);
    assert.strictEqual(jumpOf([]), undefined);
    assert.strictEqual(jumpOf(['-J', 'none']), undefined);
  });

  it("an alias hop takes its Host block from ~/.ssh/config, its own ProxyJump first", () => {
    fs.mkdirSync(path.join(home, '.ssh'));
    fs.writeFileSync(path.join(home, '.ssh', 'config'), [
      'Host outer', '  HostName 203.0.113.5', '  User ops', '  IdentityFile ~/.ssh/outer_key',
      'Host inner', '  HostName 10.0.0.4', '  Port 2200', '  ProxyJump outer',
    ].join('\n') + '\n');
    assert.deepStrictEqual(jumpOf(['-J', 'inner']), [
      { host: '203.0.113.5', port: 22, user: 'ops', identityFile: path.join(home, '.ssh', 'outer_key'), name: 'outer' },
      { host: '10.0.0.4', port: 2200, user: os.userInfo().username, name: 'inner' },
    ]);
  });

  it('bad chains are one InputError naming --jump', () => {
    for (const bad of ['a,,b', 'ops@', 'h:0', '[x]:22', '10.0.1.5']) {
      assert.throws(() => jumpOf(['--jump', bad]), (e: unknown) => e instanceof InputError && e.field === '--jump', bad);
    }
  });

  it('without --jump, an alias whose Host block has ProxyJump goes through its bastions, its host from the block', () => {
    fs.mkdirSync(path.join(home, '.ssh'));
    fs.writeFileSync(path.join(home, '.ssh', 'config'), [
      'Host bastion', '  HostName 203.0.113.5', '  User ops',
      'Host app', '  HostName 10.0.1.5', '  User deploy', '  IdentityFile ~/.ssh/app_key', '  ProxyJump bastion',
    ].join('\n') + '\n');
    const cmd = parseCommand(['diagnose', 'app'], {}) as DiagnoseCommand;
    assert.deepStrictEqual([cmd.target.host, cmd.target.port, cmd.target.user, cmd.target.name], ['10.0.1.5', 22, 'deploy', 'app']);
    assert.deepStrictEqual(cmd.target.jump, [{ host: '203.0.113.5', port: 22, user: 'ops', name: 'bastion' }]);
    assert.strictEqual(cmd.credentials?.identityFile, path.join(home, '.ssh', 'app_key'));
    // A host without ProxyJump is left to the Local layer (ssh -G), as before.
    assert.strictEqual((parseCommand(['diagnose', 'bastion'], {}) as DiagnoseCommand).target.jump, undefined);
  });
});
