// (unit) The ssh argv builder: options as separate argv entries, hostile values refused.
import * as assert from 'assert';
import { shellQuote, sshArgs, sshCommandLine } from '../../../src/core/sshCommand';

describe('(unit) ssh command builder', () => {
  const cases: Array<[string, Parameters<typeof sshArgs>[0], string | undefined, string[]]> = [
    ['default port', { host: 'example.com', port: 22 }, undefined, ['example.com']],
    ['port and user', { host: '10.0.0.5', port: 2222, user: 'ubuntu' }, undefined, ['-p', '2222', '-l', 'ubuntu', '10.0.0.5']],
    ['identity with spaces stays one argv entry', { host: 'h', port: 22, identityFile: '/home/a b/.ssh/id key' }, undefined, ['-i', '/home/a b/.ssh/id key', 'h']],
    ['known hosts', { host: 'h', port: 22 }, '/tmp/kh', ['-o', 'UserKnownHostsFile=/tmp/kh', 'h']],
    ['ipv6', { host: '2001:db8::1', port: 22, user: 'root' }, undefined, ['-l', 'root', '2001:db8::1']],
  ];
  for (const [name, inst, kh, want] of cases) {
    it(name, () => assert.deepStrictEqual(sshArgs(inst, kh), want));
  }

  it('refuses hosts and users that ssh would read as options', () => {
    assert.throws(() => sshArgs({ host: '-oProxyCommand=touch /tmp/x', port: 22 }));
    assert.throws(() => sshArgs({ host: 'a b', port: 22 }));
    assert.throws(() => sshArgs({ host: 'h', port: 22, user: '-oProxyCommand=x' }));
    assert.throws(() => sshArgs({ host: 'h', port: 22, user: 'a@b' }));
  });

  it('quotes the copy-paste line for POSIX shells', () => {
    assert.strictEqual(shellQuote("it's"), `'it'\\''s'`);
    assert.strictEqual(shellQuote('$(rm -rf ~)'), `'$(rm -rf ~)'`);
    assert.strictEqual(sshCommandLine({ host: 'h', port: 2222, identityFile: '/x y/k', user: 'u' }), `ssh -p 2222 -i '/x y/k' -l u h`);
  });
});
