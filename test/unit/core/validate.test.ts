import * as assert from 'assert';
import { InputError, isIPv6, parseAltPorts, parseHost, parsePort, parseTimeout, parseUser } from '../../../src/core/validate';

function rejects(fn: () => unknown, field: string) {
  assert.throws(fn, (e: unknown) => e instanceof InputError && e.field === field && e.message.startsWith(`${field}:`));
}

describe('(unit) input validation', () => {
  for (const ok of ['example.com', 'cvm-1.ap-seoul.example', '10.0.0.1', '::1', 'fd00:cd::2', '[2001:db8::1]', 'fe80::1%eth0', 'my_host.internal', 'host.']) {
    it(`accepts host ${ok}`, () => assert.ok(parseHost(ok)));
  }
  for (const bad of ['', '   ', 'a;rm -rf /', '$(reboot)', '`id`', 'a b', 'host|cat', '-oProxyCommand=x', '256.1.1.1', '1.2.3', 'a'.repeat(254), 'x..y', '::1::2']) {
    it(`rejects host ${JSON.stringify(bad)}`, () => rejects(() => parseHost(bad), 'host'));
  }
  it('strips brackets and the root dot', () => {
    assert.strictEqual(parseHost('[::1]'), '::1');
    assert.strictEqual(parseHost('host.'), 'host');
  });
  it('IPv6 literals', () => {
    for (const ok of ['::', '::1', '2001:db8::', '1:2:3:4:5:6:7:8', '::ffff:10.0.0.1']) assert.ok(isIPv6(ok), ok);
    for (const bad of ['1:2:3:4:5:6:7:8:9', ':1', '1:', 'g::1', '1.2.3.4', '::1::']) assert.ok(!isIPv6(bad), bad);
  });
  it('ports', () => {
    assert.strictEqual(parsePort('22'), 22);
    assert.strictEqual(parsePort(65535), 65535);
    for (const bad of ['0', '70000', 'ssh', '-1', '22.5', '', '1e3']) rejects(() => parsePort(bad, '--port'), '--port');
  });
  it('timeouts', () => {
    assert.strictEqual(parseTimeout('1500'), 1500);
    for (const bad of ['-5', '0', '99', '999999', 'soon']) rejects(() => parseTimeout(bad, '--timeout'), '--timeout');
  });
  it('alternative ports', () => {
    assert.deepStrictEqual(parseAltPorts('2222, 22222,2222'), [2222, 22222]);
    assert.deepStrictEqual(parseAltPorts('none'), []);
    assert.deepStrictEqual(parseAltPorts(undefined), [2222, 22222, 10022, 36000]);
    assert.deepStrictEqual(parseAltPorts(undefined, 'alt-ports', 'rdp'), [3390, 3391, 13389, 33890]);
    rejects(() => parseAltPorts('22,x'), 'alt-ports');
    rejects(() => parseAltPorts(Array.from({ length: 17 }, (_, i) => String(1000 + i)).join(',')), 'alt-ports');
  });
  it('user names', () => {
    assert.strictEqual(parseUser('ubuntu'), 'ubuntu');
    for (const bad of ['', 'a b', '-oProxyCommand', 'x;y']) rejects(() => parseUser(bad), 'user');
  });
});
