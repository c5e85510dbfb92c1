import * as assert from 'node:assert/strict';
import { CancelledError, DeadlineReached } from '../../../src/core/model';
import { probeTcp } from '../../../src/probes/tcp';
import { probeBanner } from '../../../src/probes/banner';
import { icmpErrorKind } from '../../../src/core/icmp';
import { parseIcmpError, watchIcmpErrors } from '../../../src/probes/icmpErrors';
import { closedPort, droppingPort, ipv6Available, opts, rawServer } from './servers';

describe('probes/tcp (unit)', () => {
  it('connects to a listening port and hands over an open connection', async () => {
    const srv = await rawServer(() => undefined);
    try {
      const { result, connection } = await probeTcp('127.0.0.1', srv.port, opts(2000));
      assert.equal(result.outcome, 'connected');
      assert.equal(result.port, srv.port);
      assert.equal(result.deadlineMs, 2000);
      assert.ok(connection);
      assert.equal(connection.address, '127.0.0.1');
      connection.close();
      connection.close(); // idempotent
    } finally { await srv.close(); }
  });

  it('reports a closed port as refused with ECONNREFUSED', async () => {
    const port = await closedPort();
    const { result, connection } = await probeTcp('127.0.0.1', port, opts(2000));
    assert.equal(result.outcome, 'refused');
    assert.equal(result.errorCode, 'ECONNREFUSED');
    assert.equal(connection, undefined);
  });

  it('loses no byte the server sends before anyone reads', async () => {
    const srv = await rawServer((s) => s.write('SSH-2.0-Early_1.0\r\n'));
    try {
      const { connection } = await probeTcp('127.0.0.1', srv.port, opts(2000));
      assert.ok(connection);
      await new Promise((r) => setTimeout(r, 150));
      const b = await probeBanner(connection, opts(1000));
      assert.equal(b.line, 'SSH-2.0-Early_1.0');
      connection.close();
    } finally { await srv.close(); }
  });

  it('times out on a port whose SYNs are dropped', async function () {
    const drop = await droppingPort();
    if (!drop) { console.log('      (skipped: python3 not available to hold a full accept queue)'); this.skip(); }
    try {
      const t0 = Date.now();
      const { result, connection } = await probeTcp('127.0.0.1', drop.port, opts(400));
      connection?.close();
      assert.equal(result.outcome, 'timeout');
      assert.equal(result.deadlineMs, 400);
      assert.ok(Date.now() - t0 < 1500, 'bounded by the timeout');
    } finally { drop.close(); }
  });

  it('resolves as timeout with the deadline carried by a DeadlineReached abort', async function () {
    const drop = await droppingPort();
    if (!drop) { console.log('      (skipped: python3 not available)'); this.skip(); }
    try {
      const ac = new AbortController();
      setTimeout(() => ac.abort(new DeadlineReached(120, 'adapted to ICMP RTT 0.1 ms')), 120);
      const { result } = await probeTcp('127.0.0.1', drop.port, opts(5000, ac.signal));
      assert.equal(result.outcome, 'timeout');
      assert.equal(result.deadlineMs, 120);
      assert.equal(result.deadlineReason, 'adapted to ICMP RTT 0.1 ms');
      assert.ok(result.durationMs < 1000);
    } finally { drop.close(); }
  });

  it('rejects with CancelledError when the user cancels', async () => {
    const ac = new AbortController();
    ac.abort(new CancelledError());
    const port = await closedPort();
    await assert.rejects(probeTcp('127.0.0.1', port, opts(2000, ac.signal)), (e: Error) => e.name === 'CancelledError');
  });

  it('rejects with CancelledError for an abort without a reason', async () => {
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(probeTcp('127.0.0.1', 1, opts(2000, ac.signal)), CancelledError);
  });

  it('rejects an invalid port without connecting', async () => {
    const { result } = await probeTcp('127.0.0.1', 70000, opts(2000));
    assert.equal(result.outcome, 'error');
    assert.equal(result.errorCode, 'EINVALIDPORT');
  });

  it('connects over IPv6 ::1', async function () {
    if (!(await ipv6Available())) { console.log('      (skipped: ::1 not available)'); this.skip(); }
    const srv = await rawServer(() => undefined, '::1');
    try {
      const { result, connection } = await probeTcp('::1', srv.port, opts(2000));
      connection?.close();
      assert.equal(result.outcome, 'connected');
      assert.equal(result.address, '::1');
    } finally { await srv.close(); }
  });
});

describe('probes/icmpErrors (unit): reading ICMP errors about our SYNs', () => {
  /** An ICMPv4 destination unreachable as a raw socket hands it over: outer IP header included. */
  function v4Error(code: number, innerDst: number[], dport: number, innerProto = 6): Buffer {
    const outer = Buffer.alloc(20); outer[0] = 0x45; outer[9] = 1;
    const icmp = Buffer.from([3, code, 0, 0, 0, 0, 0, 0]);
    const inner = Buffer.alloc(20); inner[0] = 0x45; inner[9] = innerProto; Buffer.from(innerDst).copy(inner, 16);
    const tcpHdr = Buffer.alloc(8); tcpHdr.writeUInt16BE(40000, 0); tcpHdr.writeUInt16BE(dport, 2);
    return Buffer.concat([outer, icmp, inner, tcpHdr]);
  }
  /** ICMPv6 as a raw socket hands it over: from the ICMPv6 header on. */
  function v6Error(code: number, dport: number): Buffer {
    const icmp = Buffer.from([1, code, 0, 0, 0, 0, 0, 0]);
    const inner = Buffer.alloc(40); inner[0] = 0x60; inner[6] = 6;
    Buffer.from([0xfd, 0x00, 0x00, 0xcd, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02]).copy(inner, 24);
    const tcpHdr = Buffer.alloc(8); tcpHdr.writeUInt16BE(40000, 0); tcpHdr.writeUInt16BE(dport, 2);
    return Buffer.concat([icmp, inner, tcpHdr]);
  }

  it('finds the quoted destination and port, and the code', () => {
    assert.deepEqual(parseIcmpError(4, v4Error(10, [10, 213, 0, 2], 22)), { type: 3, code: 10, dst: '10.213.0.2', quoted: { proto: 'tcp', port: 22 } });
    assert.deepEqual(parseIcmpError(6, v6Error(1, 2222)), { type: 1, code: 1, dst: 'fd00:cd:1::2', quoted: { proto: 'tcp', port: 2222 } });
    // An ICMPv6 error about our echo request (net-ping cannot match those): its identifier.
    const echo = v6Error(1, 0);
    echo[8 + 6] = 58;
    Buffer.from([128, 0, 0, 0, 0x12, 0x34, 0, 1]).copy(echo, 48);
    assert.deepEqual(parseIcmpError(6, echo), { type: 1, code: 1, dst: 'fd00:cd:1::2', quoted: { proto: 'echo', id: 0x1234 } });
  });

  it('ignores what is not an unreachable about a TCP segment, and truncated packets', () => {
    assert.equal(parseIcmpError(4, v4Error(1, [10, 0, 0, 1], 22, 17)), undefined); // about UDP
    const echoReply = Buffer.concat([Buffer.from([0x45, ...Array(19).fill(0)]), Buffer.from([0, 0, 0, 0, 0, 1, 0, 1])]);
    assert.equal(parseIcmpError(4, echoReply), undefined);
    assert.equal(parseIcmpError(4, v4Error(1, [10, 0, 0, 1], 22).subarray(0, 40)), undefined);
    assert.equal(parseIcmpError(6, v6Error(1, 22).subarray(0, 30)), undefined);
    assert.equal(parseIcmpError(4, Buffer.alloc(0)), undefined);
  });

  it('says what a code means: prohibited is a firewall, unreachable a route', () => {
    assert.equal(icmpErrorKind(4, 3, 13), 'prohibited');
    assert.equal(icmpErrorKind(4, 3, 10), 'prohibited');
    assert.equal(icmpErrorKind(4, 3, 1), 'unreachable');
    assert.equal(icmpErrorKind(4, 3, 3), 'port-unreachable');
    assert.equal(icmpErrorKind(6, 1, 1), 'prohibited');
    assert.equal(icmpErrorKind(6, 1, 3), 'unreachable');
    assert.equal(icmpErrorKind(4, 11, 0), 'other');
  });

  it('a reset is not an ICMP error: with a raw socket watching, nothing is invented (the lab proves real captures)', async function () {
    if (typeof process.getuid !== 'function' || process.getuid() !== 0) { console.log('      (skipped: raw sockets need root)'); this.skip(); }
    const port = await closedPort();
    const w = watchIcmpErrors('127.0.0.1', port);
    assert.ok(w, 'raw socket available as root');
    try {
      const { result } = await probeTcp('127.0.0.1', port, opts(1000));
      assert.equal(result.outcome, 'refused');
      assert.equal(result.icmp, undefined);
      assert.equal(w.last(), undefined);
    } finally { w.stop(); w.stop(); }
  });
});
