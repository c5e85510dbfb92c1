import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { generateKeyPair } from '../../../src/probes/keyPair';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CancelledError, DeadlineReached } from '../../../src/core/model';
import { sha256Fingerprint } from '../../../src/probes/knownHosts';
import {
  opensshArgs, opensshInfo, parseOpenSshLine, parseSshG, resetOpenSshInfo, runOpenSsh, type OpenSshLog,
} from '../../../src/probes/openssh';
import { rawServer, sshServer, type SshServer } from './servers';

function haveSsh(): boolean {
  try {
    execFileSync('ssh', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

// Lines of a real `ssh -v` (OpenSSH 9.2p1) against a post-quantum-only sshd, then a key login.
const SAMPLE = [
  'OpenSSH_9.2p1 Debian-2+deb12u10, OpenSSL 3.0.19 27 Jan 2026',
  'debug1: Connection established.',
  'debug1: Remote protocol version 2.0, remote software version OpenSSH_9.2p1 Debian-2+deb12u10',
  'debug1: SSH2_MSG_KEXINIT sent',
  'debug1: SSH2_MSG_KEXINIT received',
  'debug1: kex: algorithm: sntrup761x25519-sha512@openssh.com',
  'debug1: kex: host key algorithm: ssh-ed25519',
  'debug1: kex: server->client cipher: chacha20-poly1305@openssh.com MAC: <implicit> compression: none',
  'debug1: kex: client->server cipher: chacha20-poly1305@openssh.com MAC: <implicit> compression: none',
  'debug1: SSH2_MSG_KEX_ECDH_REPLY received',
  'debug1: Server host key: ssh-ed25519 SHA256:hv1PyJeJKK/NJihyKdh+wuACSbhx6Fh7/mezx17LhoA',
  "Warning: Permanently added '10.213.0.2' (ED25519) to the list of known hosts.",
  'debug1: SSH2_MSG_NEWKEYS received',
  'debug1: Authentications that can continue: publickey,password',
  'debug1: Offering public key: /tmp/k/client_ed25519 ED25519 SHA256:oDC/6Asxiz9H4Jid7SnhxlJIaUy9SpP/o0AN9OY43QA explicit',
  'debug1: Server accepts key: /tmp/k/client_ed25519 ED25519 SHA256:oDC/6Asxiz9H4Jid7SnhxlJIaUy9SpP/o0AN9OY43QA explicit',
  'Authenticated to 10.213.0.82 ([10.213.0.82]:22) using "publickey".',
];

describe('probes/openssh (unit)', () => {
  it('parses the fixed message shapes of ssh -v', () => {
    const s: OpenSshLog = { stage: 'start' };
    for (const l of SAMPLE) parseOpenSshLine(s, l);
    assert.equal(s.stage, 'auth');
    assert.deepEqual(s.algorithms, { kex: 'sntrup761x25519-sha512@openssh.com', serverHostKey: 'ssh-ed25519', cipher: 'chacha20-poly1305@openssh.com', mac: '', compress: 'none' });
    assert.deepEqual(s.hostKey, { type: 'ssh-ed25519', fingerprint: 'SHA256:hv1PyJeJKK/NJihyKdh+wuACSbhx6Fh7/mezx17LhoA' });
    assert.deepEqual(s.authMethods, ['publickey', 'password']);
    assert.equal(s.authenticated, 'publickey');
    assert.equal(s.acceptedKey, '/tmp/k/client_ed25519');
    assert.equal(s.noMatch, undefined);
  });

  it('parses a negotiation failure, a denial and a closed connection', () => {
    const neg: OpenSshLog = { stage: 'start' };
    parseOpenSshLine(neg, 'Unable to negotiate with 10.213.0.18 port 22: no matching key exchange method found. Their offer: diffie-hellman-group1-sha1,kex-strict-s-v00@openssh.com');
    assert.equal(neg.noMatch, 'key exchange method');
    const denied: OpenSshLog = { stage: 'newkeys' };
    parseOpenSshLine(denied, 'cvmdlab@10.213.0.2: Permission denied (publickey,password).');
    assert.equal(denied.denied, true);
    assert.deepEqual(denied.authMethods, ['publickey', 'password']);
    const closed: OpenSshLog = { stage: 'connected' };
    parseOpenSshLine(closed, 'kex_exchange_identification: Connection closed by remote host');
    assert.equal(closed.closed, true);
  });

  it('reads ssh -G output', () => {
    const g = parseSshG('user root\nkexalgorithms sntrup761x25519-sha512,curve25519-sha256,ext-info-c\nhostkeyalgorithms ssh-ed25519,rsa-sha2-512\nciphers aes128-ctr\nmacs hmac-sha2-256\n');
    assert.deepEqual(g, { kex: ['sntrup761x25519-sha512', 'curve25519-sha256'], serverHostKey: ['ssh-ed25519', 'rsa-sha2-512'], cipher: ['aes128-ctr'], mac: ['hmac-sha2-256'] });
  });

  it('runs ssh with no configuration file, in batch mode, with nothing that can run a command', () => {
    const args = opensshArgs({
      address: '192.0.2.7', port: 2222, user: 'alice', hostKeyAlias: '[vm.example]:2222', timeoutMs: 2500,
      auth: { kind: 'publickey', identityFiles: ['/k/id with space'], agent: { socket: '/run/agent', publicKeys: ['ssh-ed25519 AAAA'] } },
      signal: new AbortController().signal,
    }, '/tmp/d');
    const opts = args.filter((_a, i) => args[i - 1] === '-o');
    assert.deepEqual(args.slice(0, 3), ['-F', 'none', '-v']);
    for (const want of ['BatchMode=yes', 'ProxyCommand=none', 'ProxyJump=none', 'PermitLocalCommand=no', 'ControlPath=none', 'ForwardAgent=no',
      'IdentitiesOnly=yes', 'PasswordAuthentication=no', 'StrictHostKeyChecking=no', 'UserKnownHostsFile=/tmp/d/known_hosts', 'HostKeyAlias=[vm.example]:2222', 'ConnectTimeout=3', 'IdentityAgent=/run/agent']) {
      assert.ok(opts.includes(want), `missing -o ${want}: ${args.join(' ')}`);
    }
    assert.ok(!opts.some((o) => /^(LocalCommand|RemoteCommand|Match|KnownHostsCommand)/i.test(o)));
    // Paths go as their own argv entries (never parsed by ssh's option tokenizer).
    assert.ok(args.includes('/k/id with space'));
    assert.ok(args.includes('-N'));
    assert.deepEqual(args.slice(-5), ['-p', '2222', '-l', 'alice', '192.0.2.7']);
  });

  describe('against a loopback server with the system ssh', function () {
    let srv: SshServer;
    const userKey = generateKeyPair('ed25519');
    let dir: string;
    before(async function () {
      if (!haveSsh()) { console.log('      (skipped: no ssh client)'); this.skip(); }
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cvm-openssh-'));
      srv = await sshServer({ authorizedKey: userKey.public, password: 'pw' });
    });
    after(async () => {
      await srv?.close();
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });
    const base = () => ({ address: '127.0.0.1', port: srv.port, user: 'alice', hostKeyAlias: `[127.0.0.1]:${srv.port}`, timeoutMs: 4000, signal: new AbortController().signal });

    it('asks ssh what it supports and enables, once', async () => {
      resetOpenSshInfo();
      const a = await opensshInfo();
      assert.ok(a.ok, JSON.stringify(a));
      if (!a.ok) return;
      assert.match(a.info.version, /^OpenSSH_\d/);
      assert.ok(a.info.defaults.kex.includes('curve25519-sha256'));
      assert.ok(a.info.supported.kex.length >= a.info.defaults.kex.length);
      assert.ok(a.info.supported.serverHostKey.includes('rsa-sha2-512'));
      assert.strictEqual(await opensshInfo(), a, 'cached');
    });

    it('is unavailable when disabled or missing', async () => {
      const saved = process.env.CVM_DOCTOR_OPENSSH;
      try {
        process.env.CVM_DOCTOR_OPENSSH = 'off';
        const off = await opensshInfo();
        assert.match(JSON.stringify(off), /disabled/);
        assert.ok(!off.ok && off.kind === 'disabled', JSON.stringify(off));
        process.env.CVM_DOCTOR_OPENSSH = path.join(dir, 'no-such-ssh');
        const r = await opensshInfo();
        assert.ok(!r.ok && /not found/.test(r.reason), JSON.stringify(r));
        assert.ok(!r.ok && r.kind === 'not-found' && r.executable === path.join(dir, 'no-such-ssh'), JSON.stringify(r));
      } finally {
        if (saved === undefined) delete process.env.CVM_DOCTOR_OPENSSH; else process.env.CVM_DOCTOR_OPENSSH = saved;
      }
    });

    it('a none-only run: algorithms, the host key blob (its fingerprint checked) and the offered methods', async () => {
      srv.attempts.length = 0;
      const r = await runOpenSsh({ ...base(), auth: { kind: 'none' } });
      assert.equal(r.outcome, 'ok', JSON.stringify(r));
      assert.ok(r.algorithms?.kex);
      assert.equal(r.hostKey?.type, 'ssh-ed25519');
      assert.ok(r.hostKeyBlob);
      assert.equal(sha256Fingerprint(r.hostKeyBlob!), r.hostKey?.fingerprint);
      assert.equal(`ssh-ed25519 ${r.hostKeyBlob!.toString('base64')}`, srv.hostKeyLine);
      assert.deepEqual(r.authMethods, ['publickey', 'password']);
      assert.equal(r.authenticated, undefined);
      assert.deepEqual(srv.attempts.map((a) => a.method), ['none'], 'nothing but none was sent');
    });

    it('a key login: authenticated (then ended), or denied for another key', async () => {
      const good = path.join(dir, 'good');
      fs.writeFileSync(good, userKey.private, { mode: 0o600 });
      const ok = await runOpenSsh({ ...base(), auth: { kind: 'publickey', identityFiles: [good] } });
      assert.equal(ok.authenticated, 'publickey', JSON.stringify(ok));
      assert.equal(ok.acceptedKey, good);
      const bad = path.join(dir, 'bad');
      fs.writeFileSync(bad, generateKeyPair('ed25519').private, { mode: 0o600 });
      const no = await runOpenSsh({ ...base(), auth: { kind: 'publickey', identityFiles: [bad] } });
      assert.equal(no.denied, true);
      assert.equal(no.authenticated, undefined);
    });

    it('a server that never starts the key exchange: timeout at the bound; cancel rejects; deadline resolves', async () => {
      const raw = await rawServer((s) => s.write('SSH-2.0-Stuck_1.0\r\n'));
      try {
        const opt = { ...base(), port: raw.port, auth: { kind: 'none' as const }, timeoutMs: 600 };
        const t0 = Date.now();
        const r = await runOpenSsh(opt);
        assert.equal(r.outcome, 'timeout');
        assert.equal(r.timedOut, true);
        assert.ok(Date.now() - t0 < 2000);
        const ac = new AbortController();
        setTimeout(() => ac.abort(new CancelledError()), 100);
        await assert.rejects(runOpenSsh({ ...opt, timeoutMs: 5000, signal: ac.signal }), CancelledError);
        const dl = new AbortController();
        setTimeout(() => dl.abort(new DeadlineReached(100, 'test')), 100);
        const d = await runOpenSsh({ ...opt, timeoutMs: 5000, signal: dl.signal });
        assert.equal(d.outcome, 'timeout');
      } finally { await raw.close(); }
    });

    it('refuses anything but an IP literal as the address', async () => {
      const r = await runOpenSsh({ ...base(), address: '-oProxyCommand=x', auth: { kind: 'none' } });
      assert.equal(r.outcome, 'error');
    });
  });
});
