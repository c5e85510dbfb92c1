import * as assert from 'node:assert/strict';
import type * as net from 'node:net';
import { diagnose } from '../../../src/core/diagnose';
import { CancelledError, type RdpResult, type Target } from '../../../src/core/model';
import { createProbes } from '../../../src/probes';
import { connectionRequest, parseConfirm, probeRdp } from '../../../src/probes/rdp';
import { probeTcp } from '../../../src/probes/tcp';
import { closedPort, opts, rawServer, sshServer } from './servers';

/** A Connection Confirm as a Windows server builds it, with an optional 8-byte negotiation part. */
function confirm(neg?: { type: number; value: number }): Buffer {
  const x224 = [0x00, 0xd0, 0x00, 0x00, 0x12, 0x34, 0x00];
  if (neg) {
    const n = Buffer.alloc(8);
    n[0] = neg.type; n[1] = 0; n.writeUInt16LE(8, 2); n.writeUInt32LE(neg.value, 4);
    x224.push(...n);
  }
  x224[0] = x224.length - 1;
  const tpkt = Buffer.from([3, 0, 0, 0]);
  tpkt.writeUInt16BE(4 + x224.length, 2);
  return Buffer.concat([tpkt, Buffer.from(x224)]);
}

/** Answers only after a complete 19-byte Connection Request arrived, as a real server does. */
function rdpServer(answer: Buffer | null, split = false): (s: net.Socket) => void {
  return (s) => {
    let got = Buffer.alloc(0);
    s.on('data', (d) => {
      got = Buffer.concat([got, d]);
      if (got.length < 19 || answer === null) return;
      if (split) { s.write(answer.subarray(0, 5)); setTimeout(() => s.write(answer.subarray(5)), 30); }
      else s.write(answer);
    });
  };
}

async function rdpAgainst(onConn: (s: net.Socket) => void, timeoutMs = 1000, signal?: AbortSignal): Promise<{ r: RdpResult; received: Buffer }> {
  const srv = await rawServer(onConn);
  try {
    const { connection } = await probeTcp('127.0.0.1', srv.port, opts(2000));
    assert.ok(connection);
    const r = await probeRdp(connection, opts(timeoutMs, signal));
    return { r, received: Buffer.concat(srv.received) };
  } finally { await srv.close(); }
}

describe('probes/rdp (unit)', () => {
  it('sends a Connection Request offering TLS only, so that only a server requiring NLA answers HYBRID_REQUIRED_BY_SERVER', () => {
    const cr = connectionRequest();
    // TPKT | X.224 CR (LI 14, CR, refs, class 0) | RDP_NEG_REQ (type 1, len 8, PROTOCOL_SSL)
    assert.equal(cr.toString('hex'), '03000013' + '0ee00000000000' + '01000800' + '01000000');
    assert.equal(cr.length, 19);
    assert.equal(cr.readUInt32LE(15), 0x01);
  });

  it('reads the selected protocol from RDP_NEG_RSP', async () => {
    const { r, received } = await rdpAgainst(rdpServer(confirm({ type: 2, value: 2 })));
    assert.equal(r.outcome, 'rdp');
    assert.equal(r.selectedProtocol, 'hybrid');
    assert.deepEqual(received, connectionRequest());
  });

  it('reassembles a Confirm split across segments', async () => {
    const { r } = await rdpAgainst(rdpServer(confirm({ type: 2, value: 1 }), true));
    assert.equal(r.selectedProtocol, 'tls');
  });

  it('names an RDP_NEG_FAILURE code', async () => {
    const { r } = await rdpAgainst(rdpServer(confirm({ type: 3, value: 5 })));
    assert.equal(r.outcome, 'rdp');
    assert.equal(r.failure, 'HYBRID_REQUIRED_BY_SERVER');
    const { r: r2 } = await rdpAgainst(rdpServer(confirm({ type: 3, value: 2 })));
    assert.equal(r2.failure, 'SSL_NOT_ALLOWED_BY_SERVER');
  });

  it('treats a plain Confirm (no negotiation, old servers) as standard RDP security', async () => {
    const { r } = await rdpAgainst(rdpServer(confirm()));
    assert.equal(r.outcome, 'rdp');
    assert.equal(r.selectedProtocol, 'rdp');
  });

  it('says not-rdp with the first bytes in hex for an SSH server', async () => {
    const srv = await sshServer();
    try {
      const { connection } = await probeTcp('127.0.0.1', srv.port, opts(2000));
      assert.ok(connection);
      const r = await probeRdp(connection, opts(1000));
      assert.equal(r.outcome, 'not-rdp');
      assert.ok(r.firstBytes?.startsWith(Buffer.from('SSH-2.0-').toString('hex')));
    } finally { await srv.close(); }
  });

  it('says not-rdp for an HTTP answer and for a TPKT that is not a Confirm', async () => {
    const { r } = await rdpAgainst((s) => s.once('data', () => s.write('HTTP/1.1 400 Bad Request\r\n\r\n')));
    assert.equal(r.outcome, 'not-rdp');
    const dr = confirm(); dr[5] = 0x80;
    const { r: r2 } = await rdpAgainst(rdpServer(dr));
    assert.equal(r2.outcome, 'not-rdp');
  });

  it('says timeout for a silent server and closed for one that closes', async () => {
    const { r } = await rdpAgainst(rdpServer(null), 300);
    assert.equal(r.outcome, 'timeout');
    const { r: r2 } = await rdpAgainst((s) => s.once('data', () => s.end()));
    assert.equal(r2.outcome, 'closed');
  });

  it('says error with the socket\'s code for a failure other than a reset', async () => {
    const srv = await rawServer(rdpServer(null));
    try {
      const { connection } = await probeTcp('127.0.0.1', srv.port, opts(2000));
      assert.ok(connection);
      // A failure while no stage was reading, as TcpConnection records it.
      (connection as unknown as { lastError: NodeJS.ErrnoException }).lastError = Object.assign(new Error('read EHOSTUNREACH'), { code: 'EHOSTUNREACH' });
      const r = await probeRdp(connection, opts(1000));
      assert.deepEqual([r.outcome, r.errorCode], ['error', 'EHOSTUNREACH']);
    } finally { await srv.close(); }
  });

  it('rejects with CancelledError on cancel', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(new CancelledError()), 100);
    await assert.rejects(rdpAgainst(rdpServer(null), 5000, ac.signal), CancelledError);
  });

  it('parses only complete TPKTs and bounds the length', () => {
    assert.equal(parseConfirm(Buffer.from([3, 0, 0])), 'need-more');
    assert.equal(parseConfirm(confirm({ type: 2, value: 8 }).subarray(0, 10)), 'need-more');
    assert.deepEqual(parseConfirm(confirm({ type: 2, value: 8 })), { outcome: 'rdp', selectedProtocol: 'hybrid-ex' });
    assert.deepEqual(parseConfirm(Buffer.from([3, 0, 0xff, 0xff])), { outcome: 'not-rdp', firstBytes: '0300ffff' });
  });
});

/** What the engine found on the other ports (the altports check), main port closed. */
async function altScan(protocol: 'ssh' | 'rdp', ports: number[], timeoutMs: number): Promise<Array<{ port: number; tcp: string; protocol?: string; banner?: string }>> {
  const target: Target = { host: '127.0.0.1', port: await closedPort(), protocol, altPorts: ports, timeoutMs, icmp: false };
  const report = await diagnose(target, { probes: createProbes() });
  const alt = report.checks.find((c) => c.id === 'altports');
  assert.ok(alt, JSON.stringify(report.checks));
  return alt.evidence.ports as Array<{ port: number; tcp: string; protocol?: string; banner?: string }>;
}

describe('alternative ports through the engine (unit, loopback)', () => {
  it('finds SSH on an alternative port', async () => {
    const srv = await sshServer({ ident: 'Moved_1.0' });
    try {
      const [r] = await altScan('ssh', [srv.port], 1000);
      assert.equal(r!.tcp, 'connected');
      assert.equal(r!.protocol, 'ssh');
      assert.equal(r!.banner, 'SSH-2.0-Moved_1.0');
    } finally { await srv.close(); }
  });

  it('finds RDP on an alternative port', async () => {
    const srv = await rawServer(rdpServer(confirm({ type: 2, value: 2 })));
    try {
      const [r] = await altScan('rdp', [srv.port], 1000);
      assert.equal(r!.protocol, 'rdp');
    } finally { await srv.close(); }
  });

  it('reports other, silent and closed ports', async () => {
    const http = await rawServer((s) => s.write('HTTP/1.1 400 Bad Request\r\n\r\n'));
    const silent = await rawServer(() => undefined);
    try {
      const closed = await closedPort();
      const byPort = new Map((await altScan('ssh', [http.port, silent.port, closed], 300)).map((r) => [r.port, r]));
      assert.equal(byPort.get(http.port)!.protocol, 'other');
      assert.equal(byPort.get(http.port)!.banner, 'HTTP/1.1 400 Bad Request');
      assert.equal(byPort.get(silent.port)!.protocol, 'silent');
      assert.equal(byPort.get(closed)!.tcp, 'refused');
      assert.equal(byPort.get(closed)!.protocol, undefined);
      const [c] = await altScan('rdp', [silent.port], 300);
      assert.equal(c!.protocol, 'silent');
    } finally { await http.close(); await silent.close(); }
  });
});
