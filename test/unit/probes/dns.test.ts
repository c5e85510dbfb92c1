import * as assert from 'node:assert/strict';
import { CancelledError, DeadlineReached } from '../../../src/core/model';
import { canonicalIp, probeDns } from '../../../src/probes/dns';
import { startDnsServer } from '../../support/dnsServer';
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

  it('gives IP literals in canonical form (how the probes and the classifier compare addresses)', async () => {
    const r = await probeDns('FD00:00CD:0001:0000::0002', opts(1000));
    assert.deepEqual(r.addresses, [{ address: 'fd00:cd:1::2', family: 6 }]);
    assert.equal(canonicalIp('10.0.0.1'), '10.0.0.1');
    assert.equal(canonicalIp('not-an-ip'), 'not-an-ip');
  });

  describe('through DNS servers the caller names (a test\'s own resolver)', () => {
    it('asks only those servers: AAAA then A, each in the server\'s order', async () => {
      const dns = await startDnsServer({ 'dual.cvmd.test': ['192.0.2.7', '2001:db8::7', '192.0.2.8'] });
      try {
        const r = await probeDns('dual.cvmd.test', opts(2000), { servers: [dns.server] });
        assert.equal(r.ok, true, JSON.stringify(r));
        assert.deepEqual(r.addresses, [
          { address: '2001:db8::7', family: 6 }, { address: '192.0.2.7', family: 4 }, { address: '192.0.2.8', family: 4 },
        ]);
        assert.deepEqual([...dns.queries].sort(), ['dual.cvmd.test A', 'dual.cvmd.test AAAA']);
      } finally { await dns.close(); }
    });

    it('never consults the hosts file: "localhost" is unknown to the test\'s server', async () => {
      const dns = await startDnsServer({});
      try {
        const r = await probeDns('localhost', opts(2000), { servers: [dns.server] });
        assert.equal(r.ok, false);
        assert.equal(r.errorCode, 'ENOTFOUND');
        assert.ok(dns.queries.length > 0, 'the test server was asked');
      } finally { await dns.close(); }
    });

    it('one family missing is fine; a server that never answers is a timeout', async () => {
      const dns = await startDnsServer({ 'v4only.cvmd.test': ['192.0.2.9'] });
      try {
        const r = await probeDns('v4only.cvmd.test', opts(2000), { servers: [dns.server] });
        assert.deepEqual(r.addresses, [{ address: '192.0.2.9', family: 4 }]);
      } finally { await dns.close(); }
      // The port of a server that just closed: nothing answers there.
      const t0 = Date.now();
      const r = await probeDns('v4only.cvmd.test', opts(400), { servers: [dns.server] });
      assert.equal(r.ok, false);
      assert.ok(['ETIMEOUT', 'ECONNREFUSED'].includes(r.errorCode ?? ''), r.errorCode);
      assert.ok(Date.now() - t0 < 2000, 'bounded by the probe timeout');
    });
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
