import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CancelledError } from '../../../src/core/model';
import { parsePingOutput, pingArgv, pingEnv, probeIcmp } from '../../../src/probes/icmp';
import { ipv6Available, opts } from './servers';

function withEnv<T>(value: string | undefined, fn: () => Promise<T>): Promise<T> {
  const old = process.env.CVM_DOCTOR_ICMP;
  if (value === undefined) delete process.env.CVM_DOCTOR_ICMP; else process.env.CVM_DOCTOR_ICMP = value;
  return fn().finally(() => { if (old === undefined) delete process.env.CVM_DOCTOR_ICMP; else process.env.CVM_DOCTOR_ICMP = old; });
}

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

describe('probes/icmp (unit)', () => {
  it('gets a reply from 127.0.0.1 through the system ping', async function () {
    if (process.platform === 'win32') this.skip();
    const r = await withEnv('system', () => probeIcmp('127.0.0.1', opts(2000)));
    assert.equal(r.method, 'system-ping');
    assert.equal(r.outcome, 'reply', JSON.stringify(r));
    assert.ok(typeof r.rttMs === 'number' && r.rttMs >= 0 && r.rttMs < 100);
  });

  it('gets a reply from 127.0.0.1 through raw sockets when root', async function () {
    if (!isRoot) { console.log('      (skipped: raw sockets need root)'); this.skip(); }
    const r = await withEnv('raw', () => probeIcmp('127.0.0.1', opts(2000)));
    assert.equal(r.method, 'raw-socket', JSON.stringify(r));
    assert.equal(r.outcome, 'reply');
    assert.ok(typeof r.rttMs === 'number' && r.rttMs > 0 && r.rttMs < 100);
  });

  it('pings ::1 (raw when root, else system)', async function () {
    if (!(await ipv6Available())) { console.log('      (skipped: ::1 not available)'); this.skip(); }
    const r = await withEnv(undefined, () => probeIcmp('::1', opts(2000)));
    assert.equal(r.outcome, 'reply', JSON.stringify(r));
    assert.equal(r.method, isRoot ? 'raw-socket' : 'system-ping');
  });

  it('is unavailable when switched off, and refuses a non-IP target', async () => {
    const r = await withEnv('off', () => probeIcmp('127.0.0.1', opts(2000)));
    assert.equal(r.outcome, 'unavailable');
    assert.equal(r.method, 'none');
    assert.deepEqual(r.problem, { kind: 'disabled' });
    const bad = await probeIcmp('-c 9 127.0.0.1', opts(2000));
    assert.equal(bad.outcome, 'error');
    assert.equal(bad.method, 'none');
    assert.deepEqual(bad.problem, { kind: 'not-an-ip' });
  });

  it('rejects with CancelledError when cancelled (system and raw)', async () => {
    for (const mode of ['system', 'raw']) {
      const ac = new AbortController();
      ac.abort(new CancelledError());
      await assert.rejects(withEnv(mode, () => probeIcmp('127.0.0.1', opts(2000, ac.signal))), CancelledError);
    }
  });

  it('builds argv per platform, never a shell string', () => {
    assert.deepEqual(pingArgv('10.0.0.1', 4, 1500, 'linux'), { file: 'ping', args: ['-n', '-c', '1', '-W', '1.500', '10.0.0.1'] });
    assert.deepEqual(pingArgv('::1', 6, 1000, 'linux').args.slice(-2), ['-6', '::1']);
    assert.deepEqual(pingArgv('10.0.0.1', 4, 1500, 'darwin').args, ['-n', '-c', '1', '-W', '1500', '10.0.0.1']);
    assert.deepEqual(pingArgv('10.0.0.1', 4, 1500, 'win32').args, ['-n', '1', '-w', '1500', '10.0.0.1']);
  });

  // Outputs captured from iputils 20221126 and Windows 10.
  const cases: Array<[string, string, number | null, NodeJS.Platform, string, number?]> = [
    ['reply', 'PING 127.0.0.1 (127.0.0.1) 56(84) bytes of data.\n64 bytes from 127.0.0.1: icmp_seq=1 ttl=64 time=0.045 ms\n', 0, 'linux', 'reply', 0.045],
    ['no answer', 'PING 10.9.9.9 (10.9.9.9) 56(84) bytes of data.\n\n--- 10.9.9.9 ping statistics ---\n1 packets transmitted, 0 received, 100% packet loss, time 0ms\n', 1, 'linux', 'timeout'],
    ['host unreachable', 'PING 10.0.0.9 (10.0.0.9) 56(84) bytes of data.\nFrom 10.0.0.1 icmp_seq=1 Destination Host Unreachable\n', 1, 'linux', 'unreachable'],
    ['net unreachable', 'From 10.0.0.1 icmp_seq=1 Destination Net Unreachable\n', 1, 'linux', 'unreachable'],
    ['port unreachable', 'From 10.0.0.1 icmp_seq=1 Destination Port Unreachable\n', 1, 'linux', 'unreachable'],
    ['filtered', 'From 10.0.0.1 icmp_seq=1 Packet filtered\n', 1, 'linux', 'prohibited'],
    ['host prohibited', 'From 10.0.0.1 icmp_seq=1 Destination Host Prohibited\n', 1, 'linux', 'prohibited'],
    ['windows reply', 'Reply from 10.0.0.1: bytes=32 time<1ms TTL=128\n', 0, 'win32', 'reply', 1],
    ['windows localised timeout', 'Zeitüberschreitung der Anforderung.\n', 1, 'win32', 'timeout'],
    ['bad usage', 'ping: invalid argument\n', 2, 'linux', 'error'],
  ];
  for (const [name, out, code, platform, outcome, rtt] of cases) {
    it(`parses ping output: ${name}`, () => {
      const p = parsePingOutput(out, code, platform);
      assert.equal(p.outcome, outcome);
      if (rtt !== undefined) assert.equal(p.rttMs, rtt);
      // An error line is kept as the ping printed it, for the report to quote.
      if (outcome === 'unreachable' || outcome === 'prohibited') assert.ok(p.pingOutput && out.includes(p.pingOutput), JSON.stringify(p));
      if (outcome === 'reply') assert.equal(p.pingOutput, undefined);
    });
  }

  // Who sent the ICMP error: the target itself (its firewall) or a router (issue 7, defect 5).
  const senders: Array<[string, string, NodeJS.Platform, string | undefined]> = [
    ['iputils prohibited', 'PING 10.213.0.2 (10.213.0.2) 56(84) bytes of data.\nFrom 10.213.0.2 icmp_seq=1 Packet filtered\n', 'linux', '10.213.0.2'],
    ['iputils host unreachable from a router', 'From 10.0.0.1 icmp_seq=1 Destination Host Unreachable\n', 'linux', '10.0.0.1'],
    ['iputils IPv6 prohibited', 'From fd00:cd:1::2 icmp_seq=1 Destination unreachable: Administratively prohibited\n', 'linux', 'fd00:cd:1::2'],
    ['BSD prohibited', '92 bytes from 10.0.0.1: Communication prohibited by filter\n', 'darwin', '10.0.0.1'],
    ['local: no route', 'ping: connect: Network is unreachable\n', 'linux', undefined],
  ];
  for (const [name, out, platform, from] of senders) {
    it(`names the sender of an ICMP error: ${name}`, () => {
      assert.equal(parsePingOutput(out, 1, platform).from, from);
    });
  }

  // Why the system ping gave nothing to quote, by kind: it is missing, or it failed silently.
  it('records why the system ping could not run, or ended silently, by kind', async function () {
    if (process.platform === 'win32') this.skip();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cvmd-ping-'));
    const saved = process.env.PATH;
    try {
      process.env.PATH = dir;
      const missing = await withEnv('system', () => probeIcmp('127.0.0.1', opts(2000)));
      assert.equal(missing.outcome, 'unavailable', JSON.stringify(missing));
      assert.deepEqual(missing.problem, { kind: 'ping-not-run', code: 'ENOENT' });
      assert.equal(missing.detail, 'system ping: ENOENT');
      fs.writeFileSync(path.join(dir, 'ping'), '#!/bin/sh\nexit 2\n', { mode: 0o755 });
      process.env.PATH = `${dir}:/usr/bin:/bin`;
      const silent = await withEnv('system', () => probeIcmp('127.0.0.1', opts(2000)));
      assert.equal(silent.outcome, 'error', JSON.stringify(silent));
      assert.deepEqual(silent.problem, { kind: 'ping-exit', code: '2' });
      fs.writeFileSync(path.join(dir, 'ping'), '#!/bin/sh\necho "ping: sendmsg: Operation not permitted" >&2\nexit 2\n', { mode: 0o755 });
      const said = await withEnv('system', () => probeIcmp('127.0.0.1', opts(2000)));
      assert.equal(said.outcome, 'error', JSON.stringify(said));
      assert.equal(said.pingOutput, 'ping: sendmsg: Operation not permitted');
      assert.equal(said.problem, undefined);
    } finally {
      process.env.PATH = saved;
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('gives the system ping only PATH and LANG=C: no secret of the caller\'s environment', () => {
    const env = { PATH: '/usr/bin', TENCENTCLOUD_SECRET_KEY: 's3cret', CVM_PASSWORD: 'pw', HOME: '/root', LC_ALL: 'de_DE.UTF-8' };
    assert.deepEqual(pingEnv(env, 'linux'), { PATH: '/usr/bin', LANG: 'C' });
    assert.deepEqual(pingEnv({ ...env, SystemRoot: 'C:\\Windows' }, 'win32'), { PATH: '/usr/bin', LANG: 'C', SystemRoot: 'C:\\Windows' });
  });

  it('the ping child really gets that environment (a stand-in ping on PATH records it)', async function () {
    if (process.platform === 'win32') this.skip();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cvmd-ping-'));
    const out = path.join(dir, 'env.out');
    fs.writeFileSync(path.join(dir, 'ping'), `#!/bin/sh\nenv > '${out}'\necho 'From 127.0.0.1 icmp_seq=1 Packet filtered'\nexit 1\n`, { mode: 0o755 });
    const saved = { PATH: process.env.PATH, KEY: process.env.TENCENTCLOUD_SECRET_KEY, PW: process.env.CVMD_TEST_PASSWORD };
    process.env.PATH = `${dir}:${saved.PATH ?? '/usr/bin:/bin'}`;
    process.env.TENCENTCLOUD_SECRET_KEY = 'not-for-ping';
    process.env.CVMD_TEST_PASSWORD = 'not-for-ping-either';
    try {
      const r = await withEnv('system', () => probeIcmp('127.0.0.1', opts(2000)));
      assert.equal(r.outcome, 'prohibited', JSON.stringify(r));
      assert.equal(r.from, '127.0.0.1');
      assert.equal(r.pingOutput, 'From 127.0.0.1 icmp_seq=1 Packet filtered');
      const seen = fs.readFileSync(out, 'utf8').split('\n').filter(Boolean).map((l) => l.split('=')[0]).filter((k) => k !== 'PWD' && k !== 'SHLVL' && k !== '_');
      assert.deepEqual(seen.sort(), ['LANG', 'PATH']);
    } finally {
      process.env.PATH = saved.PATH;
      if (saved.KEY === undefined) delete process.env.TENCENTCLOUD_SECRET_KEY; else process.env.TENCENTCLOUD_SECRET_KEY = saved.KEY;
      if (saved.PW === undefined) delete process.env.CVMD_TEST_PASSWORD; else process.env.CVMD_TEST_PASSWORD = saved.PW;
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
