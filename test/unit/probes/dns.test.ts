import * as assert from 'node:assert/strict';
import { CancelledError, DeadlineReached } from '../../../src/core/model';
import { probeDns } from '../../../src/probes/dns';
import { createProbes } from '../../../src/probes/index';
import { opts, sshServer } from './servers';

describe('probes/dns (unit)', () => {
  it('returns an IPv4 literal without a lookup', async () => {
    const r = await probeDns('127.0.0.1', opts(1000));
    assert.deepEqual(r.addresses, [{ address: '127.0.0.1', family: 4 }]);
    assert.equal(r.literal, true);
    assert.equal(r.ok, true);
  });

  it('returns an IPv6 literal without a lookup', async () => {
    const r = await probeDns('::1', opts(1000));
    assert.deepEqual(r.addresses, [{ address: '::1', family: 6 }]);
    assert.equal(r.literal, true);
  });

  it('resolves localhost from the hosts file (no network traffic)', async () => {
    const r = await probeDns('localhost', opts(3000));
    assert.equal(r.ok, true, JSON.stringify(r));
    assert.equal(r.literal, false);
    assert.ok(r.addresses.some((a) => a.address === '127.0.0.1' || a.address === '::1'));
  });

  it('refuses an empty or over-long name', async () => {
    assert.equal((await probeDns('', opts(1000))).errorCode, 'EBADNAME');
    assert.equal((await probeDns('a'.repeat(300), opts(1000))).ok, false);
  });

  it('rejects on cancel and resolves as timeout on a deadline', async () => {
    const ac = new AbortController();
    ac.abort(new CancelledError());
    await assert.rejects(probeDns('localhost', opts(1000, ac.signal)), CancelledError);
    const ac2 = new AbortController();
    ac2.abort(new DeadlineReached(10, 'test'));
    const r = await probeDns('localhost', opts(1000, ac2.signal));
    assert.equal(r.ok, false);
    assert.equal(r.errorCode, 'ETIMEOUT');
  });
});

describe('probes/index (unit)', () => {
  it('runs the whole SSH chain through createProbes and logs through the factory log', async () => {
    const srv = await sshServer();
    const lines: string[] = [];
    const p = createProbes({ log: (l) => lines.push(l) });
    try {
      const dns = await p.dns('127.0.0.1', opts(1000));
      const { result, connection } = await p.tcp(dns.addresses[0].address, srv.port, opts(1000));
      assert.equal(result.outcome, 'connected');
      assert.ok(connection);
      const banner = await p.banner(connection, opts(1000));
      assert.equal(banner.outcome, 'ssh');
      const ssh = await p.ssh(connection, { host: '127.0.0.1', address: '127.0.0.1', port: srv.port, user: 'u', banner, knownHostsPath: '/nonexistent/kh' }, opts(2000));
      assert.equal(ssh.handshake, 'ok');
      assert.ok(lines.some((l) => l.startsWith('tcp: 127.0.0.1:')));
    } finally { await srv.close(); }
  });
});
