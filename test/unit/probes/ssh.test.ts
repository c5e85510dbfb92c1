import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { utils } from 'ssh2';
import { CancelledError, DeadlineReached, type Credentials, type SshResult } from '../../../src/core/model';
import { probeBanner } from '../../../src/probes/banner';
import { probeSsh } from '../../../src/probes/ssh';
import { probeTcp } from '../../../src/probes/tcp';
import { ipv6Available, opts, rawServer, sshServer, type SshServer } from './servers';

let dir: string;
before(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cvm-ssh-')); });
after(() => { fs.rmSync(dir, { recursive: true, force: true }); });

function knownHosts(name: string, text: string): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, text);
  return p;
}

function otherKeyLine(type: 'ed25519' | 'ecdsa' = 'ed25519'): string {
  const pair = type === 'ecdsa' ? utils.generateKeyPairSync('ecdsa', { bits: 256 }) : utils.generateKeyPairSync('ed25519');
  const k = utils.parseKey(pair.public);
  if (k instanceof Error || Array.isArray(k)) throw new Error('key');
  return `${k.type} ${k.getPublicSSH().toString('base64')}`;
}

async function runSsh(srv: { port: number; host: string }, o: {
  known?: string; credentials?: Credentials; user?: string; timeoutMs?: number; signal?: AbortSignal; hostName?: string;
}): Promise<SshResult> {
  const { connection } = await probeTcp(srv.host, srv.port, opts(2000));
  assert.ok(connection, 'tcp connected');
  const banner = await probeBanner(connection, opts(1000));
  return probeSsh(connection, {
    host: o.hostName ?? srv.host, address: srv.host, port: srv.port, user: o.user ?? 'alice',
    credentials: o.credentials, knownHostsPath: o.known ?? path.join(dir, 'does-not-exist'), banner,
  }, opts(o.timeoutMs ?? 3000, o.signal));
}

describe('probes/ssh (unit)', () => {
  let srv: SshServer;
  const userKey = utils.generateKeyPairSync('ed25519');
  before(async () => { srv = await sshServer({ password: 's3cret', authorizedKey: userKey.public }); });
  after(async () => { await srv.close(); });
  beforeEach(() => { srv.attempts.length = 0; });

  it('learns host key, algorithms and auth methods without credentials (missing known_hosts)', async () => {
    const r = await runSsh(srv, {});
    assert.equal(r.handshake, 'ok');
    assert.equal(r.hostKey?.status, 'unknown');
    assert.deepEqual(r.hostKey?.knownEntries, []);
    assert.equal(r.hostKey?.type, 'ssh-ed25519');
    assert.deepEqual(r.authMethods, ['publickey', 'password']);
    assert.equal(r.login.outcome, 'not-attempted');
    assert.equal(r.algorithms?.serverHostKey, 'ssh-ed25519');
    assert.ok(r.algorithms?.kex && r.algorithms.cipher);
    // Fingerprint agrees with OpenSSH's own ssh-keygen.
    const pub = knownHosts('pub', `${srv.hostKeyLine}\n`);
    const out = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', pub]).toString();
    assert.ok(out.includes(r.hostKey?.fingerprint ?? '?'), `${out} vs ${r.hostKey?.fingerprint}`);
  });

  it('logs in with a password when the host key matches a [host]:port entry', async () => {
    const kh = knownHosts('kh-plain', `# comment\n[127.0.0.1]:${srv.port} ${srv.hostKeyLine}\n`);
    const r = await runSsh(srv, { known: kh, credentials: { password: 's3cret' } });
    assert.equal(r.hostKey?.status, 'match');
    assert.deepEqual(r.hostKey?.knownEntries.map((e) => e.line), [2]);
    assert.equal(r.login.outcome, 'ok');
    assert.equal(r.login.method, 'password');
    assert.deepEqual(r.login.tried, ['password']);
  });

  it('matches a hashed known_hosts entry (hashed by ssh-keygen -H)', async () => {
    const kh = knownHosts('kh-hashed', `[127.0.0.1]:${srv.port} ${srv.hostKeyLine}\n`);
    execFileSync('ssh-keygen', ['-H', '-f', kh], { stdio: 'ignore' });
    assert.ok(fs.readFileSync(kh, 'utf8').startsWith('|1|'));
    const r = await runSsh(srv, { known: kh, credentials: { password: 's3cret' } });
    assert.equal(r.hostKey?.status, 'match');
    assert.equal(r.login.outcome, 'ok');
  });

  it('never sends a password to a host whose key is unknown', async () => {
    const r = await runSsh(srv, { credentials: { password: 's3cret' } });
    assert.equal(r.handshake, 'ok');
    assert.equal(r.login.outcome, 'not-attempted');
    assert.match(r.login.reason ?? '', /password not sent/);
    assert.ok(!srv.attempts.some((a) => a.method === 'password'), 'server saw no password');
  });

  it('reports a wrong password as rejected', async () => {
    const kh = knownHosts('kh-plain2', `127.0.0.1,[127.0.0.1]:${srv.port} ${srv.hostKeyLine}\n`);
    const r = await runSsh(srv, { known: kh, credentials: { password: 'wrong' } });
    assert.equal(r.login.outcome, 'rejected');
    assert.deepEqual(r.login.tried, ['password']);
    assert.deepEqual(srv.attempts.map((a) => a.method), ['none', 'password']);
  });

  it('logs in with a private key even on an unknown host (no secret leaves)', async () => {
    const r = await runSsh(srv, { credentials: { privateKey: userKey.private } });
    assert.equal(r.login.outcome, 'ok');
    assert.equal(r.login.method, 'publickey');
  });

  it('reads the key from identityFile and reports a rejected key', async () => {
    const other = utils.generateKeyPairSync('ed25519');
    const f = path.join(dir, 'id_other');
    fs.writeFileSync(f, other.private, { mode: 0o600 });
    const r = await runSsh(srv, { credentials: { identityFile: f } });
    assert.equal(r.login.outcome, 'rejected');
    assert.deepEqual(r.login.tried, ['publickey']);
  });

  it('reports an encrypted key without passphrase as a login error, handshake still ok', async () => {
    const enc = utils.generateKeyPairSync('ed25519', { passphrase: 'pp', cipher: 'aes256-ctr', rounds: 4 });
    const r = await runSsh(srv, { credentials: { privateKey: enc.private } });
    assert.equal(r.handshake, 'ok');
    assert.equal(r.login.outcome, 'error');
    assert.match(r.login.reason ?? '', /encrypted.*no passphrase/);
  });

  it('uses the passphrase of an encrypted key', async () => {
    const enc = utils.generateKeyPairSync('ed25519', { passphrase: 'pp', cipher: 'aes256-ctr', rounds: 4 });
    const srv2 = await sshServer({ authorizedKey: enc.public, methods: ['publickey'] });
    try {
      const r = await runSsh(srv2, { credentials: { privateKey: enc.private, passphrase: 'pp' } });
      assert.equal(r.login.outcome, 'ok');
    } finally { await srv2.close(); }
  });

  it('says method-unavailable when the server does not offer the user\'s method', async () => {
    const srv2 = await sshServer({ methods: ['publickey'] });
    try {
      const kh = knownHosts('kh-pk', `[127.0.0.1]:${srv2.port} ${srv2.hostKeyLine}\n`);
      const r = await runSsh(srv2, { known: kh, credentials: { password: 'x' } });
      assert.deepEqual(r.authMethods, ['publickey']);
      assert.equal(r.login.outcome, 'method-unavailable');
      assert.ok(!srv2.attempts.some((a) => a.method === 'password'));
    } finally { await srv2.close(); }
  });

  it('stops at a changed host key: hostkey-mismatch, nothing sent', async () => {
    const kh = knownHosts('kh-mismatch', `[127.0.0.1]:${srv.port} ${otherKeyLine()}\n`);
    const r = await runSsh(srv, { known: kh, credentials: { password: 's3cret' } });
    assert.equal(r.handshake, 'hostkey-mismatch');
    assert.equal(r.hostKey?.status, 'mismatch');
    assert.equal(r.hostKey?.knownEntries.length, 1);
    assert.notEqual(r.hostKey?.knownEntries[0].fingerprint, r.hostKey?.fingerprint);
    assert.deepEqual(srv.attempts, []);
  });

  it('treats a key known only for another type as unknown (OpenSSH rule)', async () => {
    const kh = knownHosts('kh-othertype', `[127.0.0.1]:${srv.port} ${otherKeyLine('ecdsa')}\n`);
    const r = await runSsh(srv, { known: kh });
    assert.equal(r.handshake, 'ok');
    assert.equal(r.hostKey?.status, 'unknown');
    assert.equal(r.hostKey?.knownEntries[0].type, 'ecdsa-sha2-nistp256');
  });

  it('stops at a revoked host key', async () => {
    const kh = knownHosts('kh-revoked', `@revoked * ${srv.hostKeyLine}\n[127.0.0.1]:${srv.port} ${srv.hostKeyLine}\n`);
    const r = await runSsh(srv, { known: kh });
    assert.equal(r.handshake, 'hostkey-mismatch');
    assert.equal(r.hostKey?.status, 'revoked');
  });

  it('looks up the typed host name as well as the address', async () => {
    const kh = knownHosts('kh-name', `[myvm.example]:${srv.port} ${srv.hostKeyLine}\n`);
    const r = await runSsh(srv, { known: kh, hostName: 'MyVM.example' });
    assert.equal(r.hostKey?.status, 'match');
  });

  it('says kex-failed and records what the server offered', async () => {
    const srv2 = await sshServer({ algorithms: { kex: ['diffie-hellman-group1-sha1'] } });
    try {
      const r = await runSsh(srv2, {});
      assert.equal(r.handshake, 'kex-failed');
      assert.equal(r.error?.level, 'handshake');
      assert.deepEqual(r.serverAlgorithms?.kex, ['diffie-hellman-group1-sha1']);
    } finally { await srv2.close(); }
  });

  it('says ok with method none when the server accepts none and credentials were given', async () => {
    const srv2 = await sshServer({ acceptNone: true });
    try {
      const r = await runSsh(srv2, { credentials: { password: 'x' } });
      assert.equal(r.login.outcome, 'ok');
      assert.equal(r.login.method, 'none');
      assert.deepEqual(r.authMethods, []);
      const r2 = await runSsh(srv2, {});
      assert.equal(r2.login.outcome, 'not-attempted');
    } finally { await srv2.close(); }
  });

  it('says timeout when the server sends a banner and then nothing', async () => {
    const raw = await rawServer((s) => s.write('SSH-2.0-Stuck_1.0\r\n'));
    try {
      const t0 = Date.now();
      const r = await runSsh(raw, { timeoutMs: 400 });
      assert.equal(r.handshake, 'timeout');
      assert.ok(Date.now() - t0 < 2000);
    } finally { await raw.close(); }
  });

  it('says closed when the server closes after its banner', async () => {
    const raw = await rawServer((s) => { s.write('SSH-2.0-Closer_1.0\r\n'); setTimeout(() => s.end(), 30); });
    try {
      const r = await runSsh(raw, { timeoutMs: 2000 });
      assert.equal(r.handshake, 'closed');
    } finally { await raw.close(); }
  });

  it('resolves as timeout on DeadlineReached and rejects with CancelledError on cancel', async () => {
    const raw = await rawServer((s) => s.write('SSH-2.0-Stuck_1.0\r\n'));
    try {
      const ac = new AbortController();
      setTimeout(() => ac.abort(new DeadlineReached(150, 'test')), 150);
      const r = await runSsh(raw, { timeoutMs: 5000, signal: ac.signal });
      assert.equal(r.handshake, 'timeout');
      assert.ok(r.durationMs < 1000);
      const ac2 = new AbortController();
      setTimeout(() => ac2.abort(new CancelledError()), 150);
      await assert.rejects(runSsh(raw, { timeoutMs: 5000, signal: ac2.signal }), CancelledError);
    } finally { await raw.close(); }
  });

  it('never writes the password into the trace', async () => {
    const kh = knownHosts('kh-trace', `[127.0.0.1]:${srv.port} ${srv.hostKeyLine}\n`);
    const lines: string[] = [];
    process.env.CVM_DOCTOR_TRACE = '1';
    try {
      const { connection } = await probeTcp('127.0.0.1', srv.port, opts(2000));
      assert.ok(connection);
      const banner = await probeBanner(connection, opts(1000));
      const r = await probeSsh(connection, {
        host: '127.0.0.1', address: '127.0.0.1', port: srv.port, user: 'alice',
        credentials: { password: 'TopSecretPw1' }, knownHostsPath: kh, banner,
      }, { timeoutMs: 3000, signal: new AbortController().signal, log: (l) => lines.push(l) });
      assert.equal(r.login.outcome, 'rejected');
      assert.ok(lines.length > 10, 'trace was forwarded');
      assert.ok(!lines.some((l) => l.includes('TopSecretPw1')));
    } finally { delete process.env.CVM_DOCTOR_TRACE; }
  });

  it('works over IPv6 ::1', async function () {
    if (!(await ipv6Available())) { console.log('      (skipped: ::1 not available)'); this.skip(); }
    const srv6 = await sshServer({ host: '::1' });
    try {
      const kh = knownHosts('kh-v6', `[::1]:${srv6.port} ${srv6.hostKeyLine}\n`);
      const r = await runSsh(srv6, { known: kh });
      assert.equal(r.handshake, 'ok');
      assert.equal(r.hostKey?.status, 'match');
    } finally { await srv6.close(); }
  });
});
