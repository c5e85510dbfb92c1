// (unit) The host box's paste parser: every form people paste, read into host, port, user,
// identity file and jump; bad parts rejected with core's InputError (and a problem an adapter
// can word in the user's language, never an English field name).
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { parseHostPaste, splitWords, type PastedHost } from '../../../src/core/hostPaste';
import { InputError } from '../../../src/core/validate';
import { inputErrorText, type Translate } from '../../../src/vscode/errorText';
import { englishRuns } from '../../support/englishText';

type Want = Omit<PastedHost, 'fromSsh'> & { fromSsh?: boolean };

const ACCEPTS: Array<[string, Want]> = [
  ['10.213.0.2', { host: '10.213.0.2' }],
  ['  web.example  ', { host: 'web.example' }],
  ['root@10.213.0.2', { host: '10.213.0.2', user: 'root' }],
  ['10.213.0.2:2222', { host: '10.213.0.2', port: 2222 }],
  ['root@10.213.0.2:2222', { host: '10.213.0.2', user: 'root', port: 2222 }],
  ['[fd00:cd::2]:2222', { host: 'fd00:cd::2', port: 2222 }],
  ['admin@[fd00:cd::2]:22', { host: 'fd00:cd::2', user: 'admin', port: 22 }],
  ['[fd00:cd::2]', { host: 'fd00:cd::2' }],
  ['fd00:cd::2', { host: 'fd00:cd::2' }],
  ['fe80::1%eth0', { host: 'fe80::1%eth0' }],
  ['ssh://root@10.213.0.2:2222', { host: '10.213.0.2', user: 'root', port: 2222, fromSsh: true }],
  ['ssh://[fd00:cd::2]:2200/', { host: 'fd00:cd::2', port: 2200, fromSsh: true }],
  ['ssh -p 2222 root@10.213.0.2', { host: '10.213.0.2', user: 'root', port: 2222, fromSsh: true }],
  ['ssh root@10.213.0.2 -p 2222', { host: '10.213.0.2', user: 'root', port: 2222, fromSsh: true }],
  ['ssh -p2222 -l ubuntu web.example', { host: 'web.example', user: 'ubuntu', port: 2222, fromSsh: true }],
  // OpenSSH keeps the first of -l / user@ / -o User= and of -p / :port / -o Port=.
  ['ssh -l ubuntu root@web.example', { host: 'web.example', user: 'ubuntu', fromSsh: true }],
  ['ssh root@web.example -l ubuntu -p 1 -p 2', { host: 'web.example', user: 'root', port: 1, fromSsh: true }],
  ['ssh -o Port=2200 -p 2222 h', { host: 'h', port: 2200, fromSsh: true }],
  ['ssh -i ~/.ssh/id_ed25519 -J jump@bastion:2200 root@10.213.0.2', { host: '10.213.0.2', user: 'root', identityFile: '~/.ssh/id_ed25519', jump: 'jump@bastion:2200', fromSsh: true }],
  ['ssh -i "/home/me/my key" root@h', { host: 'h', user: 'root', identityFile: '/home/me/my key', fromSsh: true }],
  ['ssh -i a -i b h', { host: 'h', identityFile: 'a', fromSsh: true }],
  ['ssh -vvv -4 -o StrictHostKeyChecking=no -o Port=2200 -oUser=deploy h', { host: 'h', user: 'deploy', port: 2200, fromSsh: true }],
  ['ssh -o "ProxyJump bastion" -o IdentityFile=~/.ssh/k h', { host: 'h', jump: 'bastion', identityFile: '~/.ssh/k', fromSsh: true }],
  ['ssh -vp 2222 h', { host: 'h', port: 2222, fromSsh: true }],
  ['ssh h uptime -p 9', { host: 'h', fromSsh: true }],
  ['ssh -- h', { host: 'h', fromSsh: true }],
  ['/usr/bin/ssh -p 2222 [fd00:cd::2]', { host: 'fd00:cd::2', port: 2222, fromSsh: true }],
  ['ssh root@10.213.0.2:2222', { host: '10.213.0.2', user: 'root', port: 2222, fromSsh: true }],
  ['ssh -o HostName=10.213.0.9 alias', { host: '10.213.0.9', fromSsh: true }],
];

const REJECTS: Array<[string, string, string | undefined]> = [
  ['', 'required', undefined],
  ['10.231.1.2 x', 'host', '10.231.1.2 x'],
  ['256.1.1.1', 'ipv4', '256.1.1.1'],
  ['host:99999', 'port', '99999'],
  ['host:ssh', 'port', 'ssh'],
  ['-oProxyCommand=x@h', 'user', '-oProxyCommand=x'],
  ['a;b@h', 'user', 'a;b'],
  ['ssh -p', 'missingValue', '-p'],
  ['ssh -p 2222', 'noHost', undefined],
  ['ssh -Z h', 'sshOption', '-Z'],
  ['ssh -l -bad h', 'user', '-bad'],
  ["ssh 'h", 'unclosedQuote', undefined],
  ['ssh $(reboot)', 'host', '$(reboot)'],
  ['ssh://h/path', 'host', 'ssh://h/path'],
];

describe('(unit) pasted host', () => {
  for (const [text, want] of ACCEPTS) {
    it(`reads ${JSON.stringify(text)}`, () => {
      assert.deepStrictEqual(parseHostPaste(text), { fromSsh: false, ...want });
    });
  }
  for (const [text, kind, value] of REJECTS) {
    it(`rejects ${JSON.stringify(text)} (${kind})`, () => {
      assert.throws(() => parseHostPaste(text), (e: unknown) => {
        assert.ok(e instanceof InputError, String(e));
        assert.deepStrictEqual(e.problem, value === undefined ? { kind } : { kind, value });
        return true;
      });
    });
  }

  it('splits words as sh does, without expanding anything', () => {
    assert.deepStrictEqual(splitWords(`ssh -i 'a b' "c \\"d\\"" e\\ f $HOME`), ['ssh', '-i', 'a b', 'c "d"', 'e f', '$HOME']);
    assert.deepStrictEqual(splitWords(`  x  ''  `), ['x', '']);
  });

  it('says each problem once, without a field name, in English and in Korean', () => {
    const ko = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../../../l10n/bundle.l10n.ko.json'), 'utf8')) as Record<string, string>;
    const fill = (m: string, args: Array<string | number>) => m.replace(/\{(\d+)\}/g, (_x, i: string) => String(args[Number(i)]));
    const en: Translate = (m, ...a) => fill(m, a);
    const kot: Translate = (m, ...a) => fill(ko[m] ?? m, a);
    const errors = REJECTS.map(([text]) => { try { parseHostPaste(text); } catch (e) { return e; } return undefined; });
    const english = errors.map((e) => inputErrorText(e, en)!);
    const korean = errors.map((e) => inputErrorText(e, kot)!);
    for (const s of [...english, ...korean]) {
      assert.ok(s, 'every problem has a sentence');
      assert.ok(!/\b(host|port|user|field)\s*:/.test(s), `no field name: ${s}`);
    }
    // The value shows up once (today's message said it twice).
    assert.strictEqual(english[1], '"10.231.1.2 x" is not a host name or an IP address.');
    assert.strictEqual(english[1].split('10.231.1.2 x').length, 2);
    assert.deepStrictEqual(englishRuns(korean), []);
  });
});
