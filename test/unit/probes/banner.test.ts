import * as assert from 'node:assert/strict';
import type * as net from 'node:net';
import { CancelledError, DeadlineReached, type BannerResult } from '../../../src/core/model';
import { parseIdent, probeBanner } from '../../../src/probes/banner';
import { TcpConnection } from '../../../src/probes/connection';
import { probeTcp } from '../../../src/probes/tcp';
import { opts, rawServer, sshServer } from './servers';

async function bannerOf(onConn: (s: net.Socket) => void, timeoutMs = 1000, signal?: AbortSignal): Promise<{ b: BannerResult; rest: Buffer }> {
  const srv = await rawServer(onConn);
  try {
    const { connection } = await probeTcp('127.0.0.1', srv.port, opts(2000));
    assert.ok(connection instanceof TcpConnection);
    try {
      const b = await probeBanner(connection, opts(timeoutMs, signal));
      // What the next stage will read: the peeked bytes must still be there.
      const rest = await readAvailable(connection, 100);
      return { b, rest };
    } finally { connection.close(); }
  } finally { await srv.close(); }
}

function readAvailable(c: TcpConnection, ms: number): Promise<Buffer> {
  const parts: Buffer[] = [c.tail];
  return new Promise((res) => {
    const on = (d: Buffer): void => { parts.push(d); };
    c.socket.on('data', on);
    c.socket.resume();
    setTimeout(() => { c.socket.removeListener('data', on); c.socket.pause(); res(Buffer.concat(parts)); }, ms);
  });
}

describe('probes/banner (unit)', () => {
  it('reads an ssh2 server identification and leaves it readable', async () => {
    const srv = await sshServer({ ident: 'CvmTest_1.2 extra words' });
    try {
      const { connection } = await probeTcp('127.0.0.1', srv.port, opts(2000));
      assert.ok(connection instanceof TcpConnection);
      const b = await probeBanner(connection, opts(2000));
      assert.equal(b.outcome, 'ssh');
      assert.equal(b.line, 'SSH-2.0-CvmTest_1.2 extra words');
      assert.equal(b.protoVersion, '2.0');
      assert.equal(b.softwareVersion, 'CvmTest_1.2');
      const rest = await readAvailable(connection, 100);
      assert.ok(rest.toString('latin1').startsWith('SSH-2.0-CvmTest_1.2'), 'banner bytes given back');
      connection.close();
    } finally { await srv.close(); }
  });

  it('accepts preamble lines before the SSH- line (RFC 4253 4.2)', async () => {
    const { b, rest } = await bannerOf((s) => {
      s.write('Welcome to the jump host\r\n');
      setTimeout(() => s.write('Authorised use only\r\nSSH-2.0-OpenSSH_9.2p1 Debian-2\r\n'), 50);
    });
    assert.equal(b.outcome, 'ssh');
    assert.deepEqual(b.preamble, ['Welcome to the jump host', 'Authorised use only']);
    assert.equal(b.softwareVersion, 'OpenSSH_9.2p1');
    assert.ok(rest.toString().startsWith('Welcome to the jump host\r\n'));
  });

  it('says other for an HTTP answer', async () => {
    const { b } = await bannerOf((s) => s.write('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n'));
    assert.equal(b.outcome, 'other');
    assert.equal(b.line, 'HTTP/1.1 400 Bad Request');
  });

  it('says other for an SMTP greeting', async () => {
    const { b } = await bannerOf((s) => s.write('220 mail.example ESMTP\r\n'));
    assert.equal(b.outcome, 'other');
    assert.equal(b.line, '220 mail.example ESMTP');
  });

  it('says other for an unknown text line after a short grace', async () => {
    const { b } = await bannerOf((s) => s.write('hello there\n'), 2000);
    assert.equal(b.outcome, 'other');
    assert.equal(b.line, 'hello there');
    assert.ok(b.durationMs < 1500, `decided before the timeout (${b.durationMs} ms)`);
  });

  it('renders a binary answer printable', async () => {
    const { b, rest } = await bannerOf((s) => s.write(Buffer.from([0x03, 0x00, 0x00, 0x13, 0x0e, 0xd0, 0x41])));
    assert.equal(b.outcome, 'other');
    assert.equal(b.line, '\\x03\\x00\\x00\\x13\\x0e\\xd0A');
    assert.equal(rest.length, 7);
  });

  it('says timeout for a silent server (HTTP servers wait for the client)', async () => {
    const t0 = Date.now();
    const { b } = await bannerOf(() => undefined, 300);
    assert.equal(b.outcome, 'timeout');
    assert.ok(Date.now() - t0 < 1500);
    assert.ok(b.durationMs >= 290);
  });

  it('says closed when the server closes at once', async () => {
    const { b } = await bannerOf((s) => s.end());
    assert.equal(b.outcome, 'closed');
  });

  it('says closed, keeping the line, when sshd refuses with a message (MaxStartups)', async () => {
    const { b } = await bannerOf((s) => s.end('Exceeded MaxStartups\r\n'));
    assert.equal(b.outcome, 'closed');
    assert.equal(b.line, 'Exceeded MaxStartups');
  });

  it('says closed when the server resets the connection', async () => {
    const { b } = await bannerOf((s) => { setTimeout(() => s.resetAndDestroy(), 50); });
    assert.equal(b.outcome, 'closed');
  });

  it('stays bounded against megabytes without a newline', async () => {
    const { b } = await bannerOf((s) => {
      const chunk = Buffer.alloc(64 * 1024, 0x41);
      let n = 0;
      const pump = (): void => { while (n < 64 && s.write(chunk)) n++; if (n < 64) s.once('drain', pump); };
      s.write('SSH-2.0-');
      pump();
    }, 3000);
    assert.equal(b.outcome, 'other');
    assert.equal(b.errorCode, 'ELINETOOLONG');
    assert.ok((b.line ?? '').length <= 255);
    assert.ok(b.durationMs < 1000);
  });

  it('caps a 300-character SSH line at 255 and rejects it', async () => {
    const { b } = await bannerOf((s) => s.write(`SSH-2.0-${'x'.repeat(300)}\r\n`));
    assert.equal(b.outcome, 'other');
    assert.equal(b.line?.length, 255);
  });

  it('resolves as timeout on a DeadlineReached abort, rejects on cancel', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(new DeadlineReached(100, 'test')), 100);
    const { b } = await bannerOf(() => undefined, 5000, ac.signal);
    assert.equal(b.outcome, 'timeout');
    assert.ok(b.durationMs < 1000);

    const ac2 = new AbortController();
    setTimeout(() => ac2.abort(new CancelledError()), 100);
    await assert.rejects(bannerOf(() => undefined, 5000, ac2.signal), CancelledError);
  });

  it('parses identification strings', () => {
    assert.deepEqual(parseIdent('SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3'), { protoVersion: '2.0', softwareVersion: 'OpenSSH_9.2p1' });
    assert.deepEqual(parseIdent('SSH-1.99-Cisco-1.25'), { protoVersion: '1.99', softwareVersion: 'Cisco-1.25' });
    assert.equal(parseIdent('HTTP/1.1 200 OK'), undefined);
  });
});
