import * as assert from 'node:assert/strict';
import { CancelledError, DeadlineReached } from '../../../src/core/model';
import { probeTcp } from '../../../src/probes/tcp';
import { probeBanner } from '../../../src/probes/banner';
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
