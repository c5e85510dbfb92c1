import * as assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { generateKeyPair } from '../../../src/probes/keyPair';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { utils } from 'ssh2';
import { CancelledError, DeadlineReached, type Credentials, type SshResult } from '../../../src/core/model';
import { probeBanner } from '../../../src/probes/banner';
import { fileTimeoutMs, MAX_AGENT_KEYS, probeSsh } from '../../../src/probes/ssh';
import { probeTcp } from '../../../src/probes/tcp';
import { ipv6Available, kexinitPacket, opts, rawServer, sshServer, type SshServer } from './servers';

let dir: string;
before(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cvm-ssh-')); });
after(() => { fs.rmSync(dir, { recursive: true, force: true }); });

function knownHosts(name: string, text: string): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, text);
  return p;
}

function otherKeyLine(type: 'ed25519' | 'ecdsa' = 'ed25519'): string {
  const pair = type === 'ecdsa' ? generateKeyPair('ecdsa', { bits: 256 }) : generateKeyPair('ed25519');
  const k = utils.parseKey(pair.public);
  if (k instanceof Error || Array.isArray(k)) throw new Error('key');
  return `${k.type} ${k.getPublicSSH().toString('base64')}`;
}

async function runSsh(srv: { port: number; host: string }, o: {
  known?: string; credentials?: Credentials; user?: string; timeoutMs?: number; signal?: AbortSignal; hostName?: string; acceptNew?: boolean;
}): Promise<SshResult> {
  const { connection } = await probeTcp(srv.host, srv.port, opts(2000));
  assert.ok(connection, 'tcp connected');
  const banner = await probeBanner(connection, opts(1000));
  return probeSsh(connection, {
    host: o.hostName ?? srv.host, address: srv.host, port: srv.port, user: o.user ?? 'alice',
    credentials: o.credentials, knownHostsPath: o.known ?? path.join(dir, 'does-not-exist'), banner, acceptNew: o.acceptNew,
  }, opts(o.timeoutMs ?? 3000, o.signal));
}

describe('probes/ssh (unit)', () => {
  let srv: SshServer;
  const userKey = generateKeyPair('ed25519');
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
    assert.equal(r.login.reasonKind, 'no-credentials');
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
    assert.equal(r.login.reasonKind, 'password-withheld');
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
    const other = generateKeyPair('ed25519');
    const f = path.join(dir, 'id_other');
    fs.writeFileSync(f, other.private, { mode: 0o600 });
    const r = await runSsh(srv, { credentials: { identityFile: f } });
    assert.equal(r.login.outcome, 'rejected');
    assert.deepEqual(r.login.tried, ['publickey']);
  });

  // issue 7: a key that cannot be used is said to be so (KEY_FORMAT_UNSUPPORTED), not a login error.
  it('reports an encrypted key without passphrase as an unusable key, handshake still ok', async () => {
    const enc = generateKeyPair('ed25519', { passphrase: 'pp', cipher: 'aes256-ctr', rounds: 4 });
    const r = await runSsh(srv, { credentials: { privateKey: enc.private } });
    assert.equal(r.handshake, 'ok');
    assert.equal(r.login.outcome, 'key-unusable');
    assert.equal(r.login.keyErrorKind, 'encrypted');
    assert.match(r.login.reason ?? '', /encrypted.*no passphrase/);
    assert.equal(r.login.reasonKind, 'key-unusable');
    assert.equal(r.login.keyFile, undefined, 'a key given as contents has no file');
  });

  it('uses the passphrase of an encrypted key', async () => {
    const enc = generateKeyPair('ed25519', { passphrase: 'pp', cipher: 'aes256-ctr', rounds: 4 });
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
      assert.equal(r.login.reasonKind, 'method-unavailable');
      assert.deepEqual(r.login.planned, ['password']);
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
    assert.equal(r.login.reasonKind, 'host-key-mismatch');
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
    assert.equal(r.login.reasonKind, 'host-key-revoked');
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
      assert.equal(r.login.reasonKind, 'handshake-failed');
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
      assert.equal(r2.login.reasonKind, 'none-accepted');
    } finally { await srv2.close(); }
  });

  it('says timeout when the server sends a banner and then nothing', async () => {
    const raw = await rawServer((s) => s.write('SSH-2.0-Stuck_1.0\r\n'));
    try {
      const t0 = Date.now();
      const r = await runSsh(raw, { timeoutMs: 400 });
      assert.equal(r.handshake, 'timeout');
      assert.equal(r.login.reasonKind, 'handshake-failed');
      assert.ok(Date.now() - t0 < 2000);
    } finally { await raw.close(); }
  });

  it('says closed when the server closes after its banner', async () => {
    const raw = await rawServer((s) => { s.write('SSH-2.0-Closer_1.0\r\n'); setTimeout(() => s.end(), 30); });
    try {
      const r = await runSsh(raw, { timeoutMs: 2000 });
      assert.equal(r.handshake, 'closed');
      assert.equal(r.login.reasonKind, 'closed-before-handshake');
    } finally { await raw.close(); }
  });

  it('resolves as timeout on DeadlineReached and rejects with CancelledError on cancel', async () => {
    const raw = await rawServer((s) => s.write('SSH-2.0-Stuck_1.0\r\n'));
    try {
      const ac = new AbortController();
      setTimeout(() => ac.abort(new DeadlineReached(150, 'test')), 150);
      const r = await runSsh(raw, { timeoutMs: 5000, signal: ac.signal });
      assert.equal(r.handshake, 'timeout');
      assert.equal(r.login.reasonKind, 'deadline');
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

  describe('issue 7: the login asked for, tested honestly', () => {
    it('random bytes as the identity file: not a key, and nothing offered to the server', async () => {
      const f = path.join(dir, 'random.key');
      fs.writeFileSync(f, Buffer.from(Array.from({ length: 600 }, (_v, i) => (i * 73 + 11) % 256)), { mode: 0o600 });
      const r = await runSsh(srv, { credentials: { identityFile: f } });
      assert.equal(r.handshake, 'ok');
      assert.equal(r.login.outcome, 'key-unusable');
      assert.equal(r.login.keyErrorKind, 'not-a-key');
      assert.match(r.login.keyError ?? '', /random\.key is not a private key/);
      assert.equal(r.login.reasonKind, 'key-unusable');
      assert.equal(r.login.keyFile, f);
      assert.ok(r.login.keyErrorMessage && r.login.keyError?.endsWith(r.login.keyErrorMessage), 'the parser\'s own message, kept apart');
      assert.ok(!srv.attempts.some((a) => a.method === 'publickey'), 'no key offered');
    });

    it('a public key given as the identity is named as such', async () => {
      const f = path.join(dir, 'id.pub');
      fs.writeFileSync(f, `${srv.hostKeyLine}\n`);
      const r = await runSsh(srv, { credentials: { identityFile: f } });
      assert.equal(r.login.keyErrorKind, 'public-key');
      assert.equal(r.login.keyFile, f);
    });

    it('an unusable key beside a right password: the password logs in, the key error is kept', async () => {
      const kh = knownHosts('kh-kp', `[127.0.0.1]:${srv.port} ${srv.hostKeyLine}\n`);
      const f = path.join(dir, 'garbage.key');
      fs.writeFileSync(f, 'not a key\n');
      const r = await runSsh(srv, { known: kh, credentials: { identityFile: f, password: 's3cret' } });
      assert.equal(r.login.outcome, 'ok');
      assert.equal(r.login.method, 'password');
      assert.equal(r.login.keyErrorKind, 'not-a-key');
    });

    it('keyboard-interactive only: answered with the password when the host key matches', async () => {
      const kbd = await sshServer({ methods: ['keyboard-interactive'], password: 'pw-kbd', kbdPrompt: 'Password: ' });
      try {
        const kh = knownHosts('kh-kbd', `[127.0.0.1]:${kbd.port} ${kbd.hostKeyLine}\n`);
        const r = await runSsh(kbd, { known: kh, credentials: { password: 'pw-kbd' } });
        assert.deepEqual(r.authMethods, ['keyboard-interactive']);
        assert.equal(r.login.outcome, 'ok', JSON.stringify(r.login));
        assert.equal(r.login.method, 'keyboard-interactive');
        assert.deepEqual(r.login.prompts, ['Password: ']);
        const wrong = await runSsh(kbd, { known: kh, credentials: { password: 'nope' } });
        assert.equal(wrong.login.outcome, 'rejected');
        assert.deepEqual(wrong.login.tried, ['keyboard-interactive']);
      } finally { await kbd.close(); }
    });

    it('keyboard-interactive never gets the password of an unknown host', async () => {
      const kbd = await sshServer({ methods: ['keyboard-interactive'], password: 'pw-kbd', kbdPrompt: 'Password: ' });
      try {
        const r = await runSsh(kbd, { credentials: { password: 'pw-kbd' } });
        assert.equal(r.login.outcome, 'not-attempted');
        assert.equal(r.login.passwordWithheld, true);
        assert.ok(!kbd.attempts.some((a) => a.method.startsWith('keyboard-interactive')), JSON.stringify(kbd.attempts));
      } finally { await kbd.close(); }
    });

    it('a one-time-code prompt is not answered with the password', async () => {
      const kbd = await sshServer({ methods: ['keyboard-interactive'], password: 'pw-kbd', kbdPrompt: 'Verification code: ' });
      try {
        const kh = knownHosts('kh-otp', `[127.0.0.1]:${kbd.port} ${kbd.hostKeyLine}\n`);
        const r = await runSsh(kbd, { known: kh, credentials: { password: 'pw-kbd' } });
        assert.equal(r.login.outcome, 'rejected');
        assert.ok(!kbd.attempts.some((a) => a.password === 'pw-kbd'), 'password not typed into a code prompt');
      } finally { await kbd.close(); }
    });

    it('a server that stalls during authentication: login timeout (stall auth), not rejected', async () => {
      const slow = await sshServer({ stallAuth: true, password: 'x' });
      try {
        const kh = knownHosts('kh-stall', `[127.0.0.1]:${slow.port} ${slow.hostKeyLine}\n`);
        const t0 = Date.now();
        const r = await runSsh(slow, { known: kh, credentials: { password: 'x' }, timeoutMs: 800 });
        assert.equal(r.handshake, 'ok');
        assert.equal(r.login.outcome, 'timeout', JSON.stringify(r.login));
        assert.equal(r.stall, 'auth');
        assert.match(r.login.reason ?? '', /password was sent/);
        assert.equal(r.login.reasonKind, 'auth-timeout');
        assert.ok(Date.now() - t0 < 2000);
      } finally { await slow.close(); }
    });

    it('prefers the host key type known_hosts holds, so a server with several keys is checked, not "unknown"', async () => {
      const multi = await sshServer({ hostKeyType: 'ed25519', extraHostKeyTypes: ['ecdsa'] });
      try {
        const ecdsa = multi.hostKeyLines[1];
        assert.match(ecdsa, /^ecdsa-sha2-nistp256 /);
        const kh = knownHosts('kh-ecdsa-only', `[127.0.0.1]:${multi.port} ${ecdsa}\n`);
        const r = await runSsh(multi, { known: kh });
        assert.equal(r.hostKey?.status, 'match');
        assert.equal(r.algorithms?.serverHostKey, 'ecdsa-sha2-nistp256');
        const plain = await runSsh(multi, {});
        assert.equal(plain.algorithms?.serverHostKey, 'ssh-ed25519', 'without known_hosts entries the default order stands');
      } finally { await multi.close(); }
    });

    it('accept-new writes the unknown key in OpenSSH format (dir 700, file 600), then sends the password', async () => {
      const home = path.join(dir, 'fresh-home');
      const kh = path.join(home, '.ssh', 'known_hosts');
      const r = await runSsh(srv, { known: kh, credentials: { password: 's3cret' }, acceptNew: true });
      assert.equal(r.hostKey?.status, 'unknown');
      assert.equal(r.hostKey?.added, true);
      assert.equal(r.login.outcome, 'ok', JSON.stringify(r.login));
      assert.equal(fs.readFileSync(kh, 'utf8'), `[127.0.0.1]:${srv.port} ${srv.hostKeyLine}\n`);
      assert.equal(fs.statSync(kh).mode & 0o777, 0o600);
      assert.equal(fs.statSync(path.dirname(kh)).mode & 0o777, 0o700);
      // ssh-keygen agrees the line is OpenSSH's.
      const found = execFileSync('ssh-keygen', ['-F', `[127.0.0.1]:${srv.port}`, '-f', kh]).toString();
      assert.match(found, /ssh-ed25519/);
      const again = await runSsh(srv, { known: kh, credentials: { password: 's3cret' } });
      assert.equal(again.hostKey?.status, 'match');
      assert.equal(fs.readFileSync(kh, 'utf8').split('\n').filter(Boolean).length, 1, 'nothing written twice');
    });

    it('accept-new appends after a last line without a newline, keeping the file mode', async () => {
      const kh = knownHosts('kh-nonl', `# mine`);
      fs.chmodSync(kh, 0o644);
      const r = await runSsh(srv, { known: kh, acceptNew: true });
      assert.equal(r.hostKey?.added, true);
      assert.equal(fs.readFileSync(kh, 'utf8'), `# mine\n[127.0.0.1]:${srv.port} ${srv.hostKeyLine}\n`);
      assert.equal(fs.statSync(kh).mode & 0o777, 0o644);
    });

    it('accept-new never accepts a changed key', async () => {
      const text = `[127.0.0.1]:${srv.port} ${otherKeyLine()}\n`;
      const kh = knownHosts('kh-changed', text);
      const r = await runSsh(srv, { known: kh, credentials: { password: 's3cret' }, acceptNew: true });
      assert.equal(r.handshake, 'hostkey-mismatch');
      assert.equal(fs.readFileSync(kh, 'utf8'), text);
      assert.deepEqual(srv.attempts, []);
    });

    it('accept-new writes nothing when known_hosts cannot be read', async () => {
      const kh = path.join(dir, 'kh-is-a-dir');
      fs.mkdirSync(kh);
      const r = await runSsh(srv, { known: kh, credentials: { password: 's3cret' }, acceptNew: true });
      assert.equal(r.hostKey?.status, 'unreadable');
      assert.equal(r.hostKey?.readError, 'EISDIR');
      assert.equal(r.login.passwordWithheld, true);
      assert.ok(!srv.attempts.some((a) => a.method === 'password'));
    });

    it('a known_hosts or key file that hangs (a FIFO nobody writes) is given up within the bound', async function () {
      const fifo = path.join(dir, 'hung-fifo');
      try { execFileSync('mkfifo', [fifo]); } catch { console.log('      (skipped: no mkfifo)'); this.skip(); }
      try {
        const t0 = Date.now();
        const r = await runSsh(srv, { known: fifo, credentials: { identityFile: fifo, password: 's3cret' }, timeoutMs: 1200 });
        const took = Date.now() - t0;
        assert.equal(r.hostKey?.status, 'unreadable');
        assert.equal(r.hostKey?.readError, 'ETIMEDOUT');
        assert.equal(r.login.keyErrorKind, 'unreadable');
        assert.match(r.login.keyError ?? '', /timed out/);
        assert.equal(r.login.keyErrorCode, 'ETIMEDOUT');
        assert.equal(r.login.keyFile, fifo);
        assert.ok(took < fileTimeoutMs(1200) + 1200, `took ${took} ms`);
      } finally {
        // Release the pool threads blocked in open(): open the write ends, then close them.
        for (let i = 0; i < 2; i++) {
          try { fs.closeSync(fs.openSync(fifo, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK)); } catch { /* no reader left */ }
        }
      }
    });

    it('an ssh-agent that cannot be reached is "not tested", never "rejected"', async () => {
      const r = await runSsh(srv, { credentials: { agent: path.join(dir, 'no-agent.sock') } });
      assert.equal(r.login.outcome, 'not-attempted');
      assert.match(r.login.notTested ?? '', /ssh-agent/);
      assert.equal(r.login.reasonKind, 'no-credentials');
      assert.equal(r.login.untested?.length, 1);
      const u = r.login.untested![0];
      assert.equal(u.kind, 'agent-error', JSON.stringify(u));
      assert.ok(u.message && r.login.notTested?.includes(u.message), 'the agent\'s own message, kept apart');
      assert.deepEqual(srv.attempts.map((a) => a.method), ['none']);
    });

    it(`offers the identity first and at most ${MAX_AGENT_KEYS} other agent keys (MaxAuthTries, fail2ban)`, async function () {
      const sock = path.join(dir, 'agent.sock');
      let agent;
      try {
        agent = spawn('ssh-agent', ['-D', '-a', sock], { stdio: 'ignore', env: { PATH: process.env.PATH } });
        for (let i = 0; i < 50 && !fs.existsSync(sock); i++) await new Promise((r) => setTimeout(r, 20));
        if (!fs.existsSync(sock)) throw new Error('no agent socket');
      } catch (e) {
        agent?.kill('SIGKILL');
        console.log(`      (skipped: ssh-agent unavailable: ${(e as Error).message})`);
        this.skip();
      }
      try {
        const keys: string[] = [];
        for (let i = 0; i < 5; i++) {
          const f = path.join(dir, `agent_key_${i}`);
          execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', f]);
          execFileSync('ssh-add', ['-q', f], { env: { PATH: process.env.PATH, SSH_AUTH_SOCK: sock }, stdio: 'ignore' });
          keys.push(f);
        }
        const r = await runSsh(srv, { credentials: { agent: sock } });
        assert.equal(r.login.outcome, 'rejected');
        assert.deepEqual(r.login.tried, ['agent']);
        assert.deepEqual(r.login.agentKeys, { offered: MAX_AGENT_KEYS, available: 5 });
        assert.equal(new Set(srv.attempts.filter((a) => a.method === 'publickey').map((a) => a.key)).size, MAX_AGENT_KEYS, JSON.stringify(srv.attempts));

        // The configured identity (authorized) goes first: no agent key is offered at all.
        srv.attempts.length = 0;
        const ok = await runSsh(srv, { credentials: { privateKey: userKey.private, agent: sock } });
        assert.equal(ok.login.outcome, 'ok');
        assert.equal(ok.login.method, 'publickey');
        assert.equal(new Set(srv.attempts.filter((a) => a.method === 'publickey').map((a) => a.key)).size, 1, 'only the identity was offered');

        // An empty agent is no credential at all.
        execFileSync('ssh-add', ['-D'], { env: { PATH: process.env.PATH, SSH_AUTH_SOCK: sock }, stdio: 'ignore' });
        const empty = await runSsh(srv, { credentials: { agent: sock } });
        assert.equal(empty.login.outcome, 'not-attempted');
      } finally { agent?.kill('SIGKILL'); }
    });
  });

  describe('issue 7: the server\'s KEXINIT, read from the connection', () => {
    it('records what a normal server offers', async () => {
      const r = await runSsh(srv, {});
      assert.ok(r.serverAlgorithms?.kex.includes('curve25519-sha256'), JSON.stringify(r.serverAlgorithms));
      assert.deepEqual(r.serverAlgorithms?.serverHostKey, ['ssh-ed25519']);
      assert.ok(!r.serverAlgorithms?.kex.some((a) => a.startsWith('ext-info') || a.startsWith('kex-strict')));
      assert.equal(r.client, 'ssh2');
    });

    it('a legacy-only server: kex-failed, legacy-only, and the OpenSSH option that would agree', async () => {
      const srv2 = await sshServer({ algorithms: { kex: ['diffie-hellman-group1-sha1'] } });
      try {
        const r = await runSsh(srv2, {});
        assert.equal(r.handshake, 'kex-failed');
        assert.deepEqual(r.negotiation?.ssh2.missing, ['kex']);
        assert.equal(r.negotiation?.legacyOnly, true);
        if (r.negotiation?.openssh) {
          assert.deepEqual(r.negotiation.openssh.missing, ['kex']);
          assert.equal(r.negotiation.openssh.enable.kex, 'diffie-hellman-group1-sha1');
        } else {
          console.log(`      (OpenSSH not asked: ${r.negotiation?.opensshUnavailable})`);
          assert.ok(r.negotiation?.opensshProblem?.kind, 'why OpenSSH was not asked, by kind');
        }
      } finally { await srv2.close(); }
    });

    it('a server offering only mlkem768x25519-sha256 (OpenSSH 9.9+): not legacy, whatever this machine has', async () => {
      const raw = await rawServer((s) => {
        s.write(Buffer.concat([Buffer.from('SSH-2.0-OpenSSH_9.9\r\n'), kexinitPacket({ kex: ['mlkem768x25519-sha256', 'kex-strict-s-v00@openssh.com'], serverHostKey: ['ssh-ed25519'], cipher: ['aes128-ctr'], mac: ['hmac-sha2-256'] })]));
      });
      try {
        const r = await runSsh(raw, { timeoutMs: 1500 });
        assert.deepEqual(r.serverAlgorithms?.kex, ['mlkem768x25519-sha256']);
        assert.equal(r.negotiation?.legacyOnly, false);
        assert.deepEqual(r.negotiation?.ssh2.missing, ['kex']);
        if (r.negotiation?.openssh?.missing.length) {
          // This OpenSSH has no mlkem either: no client here can agree.
          assert.equal(r.handshake, 'kex-failed');
        } else {
          // A newer OpenSSH could: it was asked to finish (the fake server goes no further).
          assert.equal(r.client, 'openssh');
          assert.notEqual(r.handshake, 'kex-failed');
        }
      } finally { await raw.close(); }
    });

    it('a server that sends its banner and no KEXINIT: timeout, stall before the KEXINIT', async () => {
      const raw = await rawServer((s) => s.write('SSH-2.0-Stuck_1.0\r\n'));
      try {
        const r = await runSsh(raw, { timeoutMs: 400 });
        assert.equal(r.handshake, 'timeout');
        assert.equal(r.stall, 'kexinit');
      } finally { await raw.close(); }
    });

    it('a server that sends its KEXINIT and then nothing: timeout, stall in the key exchange', async () => {
      const raw = await rawServer((s) => {
        s.write(Buffer.concat([Buffer.from('SSH-2.0-Half_1.0\r\n'), kexinitPacket({ kex: ['curve25519-sha256'], serverHostKey: ['ssh-ed25519'], cipher: ['aes128-ctr'], mac: ['hmac-sha2-256'] })]));
      });
      try {
        const r = await runSsh(raw, { timeoutMs: 500 });
        assert.equal(r.handshake, 'timeout');
        assert.equal(r.stall, 'kex');
        assert.deepEqual(r.serverAlgorithms?.kex, ['curve25519-sha256']);
      } finally { await raw.close(); }
    });
  });
});
