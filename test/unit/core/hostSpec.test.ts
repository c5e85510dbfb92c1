import * as assert from 'assert';
import { parseHostsFile } from '../../../src/core/hostsFile';
import { parseHostSpec } from '../../../src/core/hostSpec';

describe('(unit) [user@]host[:port] and the hosts file', () => {
  const GOOD: Array<[string, ReturnType<typeof parseHostSpec>]> = [
    ['host', { host: 'host' }],
    ['10.0.0.5', { host: '10.0.0.5' }],
    ['root@10.0.0.5', { host: '10.0.0.5', user: 'root' }],
    ['10.0.0.5:2222', { host: '10.0.0.5', port: 2222 }],
    ['ubuntu@web-1.example.com:22', { host: 'web-1.example.com', user: 'ubuntu', port: 22 }],
    ['fd00::5', { host: 'fd00::5' }],
    ['[fd00::5]', { host: 'fd00::5' }],
    ['[fd00::5]:2222', { host: 'fd00::5', port: 2222 }],
    ['admin@[::1]:22', { host: '::1', user: 'admin', port: 22 }],
    ['  root@h  ', { host: 'h', user: 'root' }],
  ];
  for (const [text, want] of GOOD) {
    it(`reads ${JSON.stringify(text)}`, () => assert.deepStrictEqual(parseHostSpec(text, 'f'), want));
  }

  const BAD: Array<[string, RegExp]> = [
    ['', /empty/],
    ['a b', /space/],
    ['h:0', /out of range/],
    ['h:port', /not a port number/],
    ['[fd00::5', /without closing/],
    ['[fd00::5]2222', /after "\]"/],
    ['a:b:c', /brackets/],
    ['-oProxyCommand=x', /not a valid host/],
    ['ro ot@h', /space/],
    ['@h', /not a valid user name/],
  ];
  for (const [text, pattern] of BAD) {
    it(`refuses ${JSON.stringify(text)}, naming the field`, () => {
      assert.throws(() => parseHostSpec(text, 'line 3'), (e: Error) => e.name === 'InputError' && e.message.startsWith('line 3: ') && pattern.test(e.message));
    });
  }

  it('a hosts file: comments, blank lines, CRLF and a BOM; every bad line reported with its number', () => {
    const text = '\uFEFF# fleet\r\nroot@10.0.0.5\r\n\r\n  web:2222   # the web box\r\nbad host\nh:99999\n[::1]:22\n';
    const { entries, problems } = parseHostsFile(text);
    assert.deepStrictEqual(entries, [
      { line: 2, host: '10.0.0.5', user: 'root' },
      { line: 4, host: 'web', port: 2222 },
      { line: 7, host: '::1', port: 22 },
    ]);
    assert.deepStrictEqual(problems.map((p) => p.line), [5, 6]);
    assert.match(problems[0]!.message, /^line 5: /);
    assert.match(problems[1]!.message, /^line 6: 99999 is out of range/);
  });
});
