import * as assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { generateKeyPair } from '../../../src/probes/keyPair';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CancelledError, DeadlineReached } from '../../../src/core/model';
import { sha256Fingerprint } from '../../../src/probes/knownHosts';
import {
  ASKPASS_ENV, ASKPASS_SCRIPT, askpassSupport, opensshArgs, opensshInfo, parseOpenSshLine, parseSshG, resetOpenSshInfo, runOpenSsh,
  type OpenSshLog, type OpenSshRunOptions,
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

  it('askpass needs OpenSSH 8.4 or later, and not Windows', () => {
    assert.deepEqual(askpassSupport('OpenSSH_9.2p1', 'linux'), { ok: true });
    assert.deepEqual(askpassSupport('OpenSSH_8.4p1', 'darwin'), { ok: true });
    assert.deepEqual(askpassSupport('OpenSSH_10.0p2', 'linux'), { ok: true });
    assert.deepEqual(askpassSupport('OpenSSH_8.3p1', 'linux'), { ok: false, cause: 'openssh-old' });
    assert.deepEqual(askpassSupport('OpenSSH_7.4p1', 'linux'), { ok: false, cause: 'openssh-old' });
    assert.deepEqual(askpassSupport('OpenSSH_for_Windows_9.5p1', 'win32'), { ok: false, cause: 'windows' });
    assert.deepEqual(askpassSupport('OpenSSH_9.2p1', 'win32'), { ok: false, cause: 'windows' });
    assert.deepEqual(askpassSupport('', 'linux'), { ok: false, cause: 'openssh-old' });
  });

  it('parses the askpass helper\'s lines only with the run\'s tag, and the methods ssh went on to', () => {
    const s: OpenSshLog = { stage: 'newkeys', askpassTag: 'a1b2' };
    for (const l of ['debug1: Next authentication method: keyboard-interactive', 'cvmd-askpass a1b2 answered password', 'cvmd-askpass a1b2 declined',
      // A banner line from the server cannot know the tag.
      'cvmd-askpass ffff answered password', 'cvmd-askpass a1b2 answered passphrase']) parseOpenSshLine(s, l);
    assert.deepEqual(s.askpass, ['password', 'declined', 'passphrase']);
    assert.deepEqual(s.methodsTried, ['keyboard-interactive']);
    const untagged: OpenSshLog = { stage: 'newkeys' };
    parseOpenSshLine(untagged, 'cvmd-askpass  answered password');
    assert.equal(untagged.askpass, undefined);
  });

  describe('the askpass helper (its fixed text run by /bin/sh)', function () {
    let dir: string;
    let helper: string;
    before(function () {
      if (process.platform === 'win32') this.skip();
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cvm-askpass-'));
      helper = path.join(dir, 'askpass');
      fs.writeFileSync(helper, ASKPASS_SCRIPT, { mode: 0o700 });
    });
    after(() => { if (dir) fs.rmSync(dir, { recursive: true, force: true }); });
    const SECRET = "p w'\"$(touch /tmp/cvmd-pwned)`x`\\n-n";
    const ask = (prompt: string, env: Record<string, string> = {}) => new Promise<{ code: number; out: string; err: string }>((resolve) => {
      execFile(helper, [prompt], {
        env: { PATH: '/usr/bin:/bin', [ASKPASS_ENV.tag]: 'T1', [ASKPASS_ENV.password]: SECRET, [ASKPASS_ENV.passphrase]: 'the passphrase', ...env }, timeout: 5000,
      }, (e, out, err) => resolve({ code: e ? Number((e as { code?: number }).code ?? -1) : 0, out: String(out), err: String(err) }));
    });

    it('answers OpenSSH\'s password prompt and a keyboard-interactive password prompt with the password, exactly', async () => {
      for (const p of ["alice@10.213.0.2's password: ", '(alice@10.213.0.2) Password: ', '(alice@vm.example) PASSWORD:', '(alice@vscode.example) Password for alice: ']) {
        const r = await ask(p);
        assert.deepEqual(r, { code: 0, out: SECRET, err: 'cvmd-askpass T1 answered password\n' }, p);
      }
      assert.ok(!fs.existsSync('/tmp/cvmd-pwned'), 'the secret is printed, never run');
    });

    it('answers a key\'s passphrase prompt with the passphrase only', async () => {
      const r = await ask("Enter passphrase for key '/home/me/.ssh/vscode_password_key': ");
      assert.deepEqual(r, { code: 0, out: 'the passphrase', err: 'cvmd-askpass T1 answered passphrase\n' });
      // Without a passphrase in its environment it never answers one, not even with the password.
      const none = await ask("Enter passphrase for key '/k': ", { [ASKPASS_ENV.passphrase]: '' });
      assert.equal(none.code, 0, 'an empty passphrase is still the one given');
    });

    it('declines a one-time code, a yes/no question, a confirmation and a PIN (exit 1, nothing printed)', async () => {
      const prompts = ['(alice@h) Verification code: ', '(alice@h) One-time password (OATH) for `alice\': ', '(alice@h) Enter your OTP: ', '(alice@h) Token: ',
        'Are you sure you want to continue connecting (yes/no/[fingerprint])? ', 'Enter PIN for ED25519-SK key /k: ', '(alice@h) Duo two-factor login, passcode or option (1-3): ', ''];
      for (const p of prompts) assert.deepEqual(await ask(p), { code: 1, out: '', err: 'cvmd-askpass T1 declined\n' }, p);
      // ssh marks confirmations and notices with SSH_ASKPASS_PROMPT: never answered, whatever the text.
      assert.deepEqual(await ask("alice@h's password: ", { SSH_ASKPASS_PROMPT: 'confirm' }), { code: 1, out: '', err: 'cvmd-askpass T1 declined\n' });
    });

    it('gives no secret its environment does not hold', async () => {
      const env = { PATH: '/usr/bin:/bin', [ASKPASS_ENV.tag]: 'T2' };
      const r = await new Promise<{ code: number; out: string }>((resolve) => {
        execFile(helper, ["alice@h's password: "], { env, timeout: 5000 }, (e, out) => resolve({ code: e ? Number((e as { code?: number }).code ?? -1) : 0, out: String(out) }));
      });
      assert.deepEqual(r, { code: 1, out: '' });
    });
  });

  it('a password run: prompts through the helper only, held to the verified key, one method, no secret in argv', () => {
    const blob = Buffer.from('AAAAC3NzaC1lZDI1NTE5AAAAIByNR+1ZDtcIjLi4aUS4VRzcs8QS+6OPG4UyNG1KQNqI', 'base64');
    const o: OpenSshRunOptions = {
      address: '192.0.2.7', port: 22, user: 'alice', hostKeyAlias: 'vm.example', timeoutMs: 2500, signal: new AbortController().signal,
      hostKeyAlgorithms: ['ssh-ed25519', 'rsa-sha2-512'], verifiedHostKey: { blob, algorithm: 'ssh-ed25519' },
      auth: { kind: 'password', via: 'keyboard-interactive', password: 'Secret-Pw1' },
    };
    const args = opensshArgs(o, '/tmp/d');
    const opts = args.filter((_a, i) => args[i - 1] === '-o');
    for (const want of ['BatchMode=no', 'NumberOfPasswordPrompts=1', 'StrictHostKeyChecking=yes', 'UserKnownHostsFile=/tmp/d/known_hosts', 'HostKeyAlgorithms=ssh-ed25519',
      'PreferredAuthentications=keyboard-interactive', 'KbdInteractiveAuthentication=yes', 'PasswordAuthentication=no', 'PubkeyAuthentication=no', 'IdentityAgent=none', 'ProxyCommand=none']) {
      assert.ok(opts.includes(want), `missing -o ${want}: ${args.join(' ')}`);
    }
    assert.ok(!opts.includes('BatchMode=yes') && !opts.includes('StrictHostKeyChecking=no'));
    assert.ok(!args.join('\n').includes('Secret-Pw1'));
    const pw = opensshArgs({ ...o, auth: { kind: 'password', via: 'password', password: 'Secret-Pw1' } }, '/tmp/d');
    assert.ok(pw.includes('PasswordAuthentication=yes') && pw.includes('KbdInteractiveAuthentication=no') && pw.includes('PreferredAuthentications=password'));
    const key = opensshArgs({ ...o, verifiedHostKey: undefined, auth: { kind: 'publickey', identityFiles: ['/k/enc'], passphrase: 'Secret-Pp1' } }, '/tmp/d');
    assert.ok(key.includes('BatchMode=no') && key.includes('PreferredAuthentications=publickey') && key.includes('PasswordAuthentication=no') && key.includes('KbdInteractiveAuthentication=no'));
    assert.ok(!key.join('\n').includes('Secret-Pp1'));
    // Without a secret: batch mode, as before.
    assert.ok(opensshArgs({ ...o, auth: { kind: 'none' } }, '/tmp/d').includes('BatchMode=yes'));
  });

  describe('what ssh is spawned with (a stand-in ssh records its argv and environment)', function () {
    let root: string;
    const saved = process.env.CVM_DOCTOR_OPENSSH;
    before(function () {
      if (process.platform !== 'linux') this.skip();
      root = fs.mkdtempSync(path.join(os.tmpdir(), 'cvm-fakessh-'));
    });
    after(() => {
      if (saved === undefined) delete process.env.CVM_DOCTOR_OPENSSH; else process.env.CVM_DOCTOR_OPENSSH = saved;
      resetOpenSshInfo();
      if (root) fs.rmSync(root, { recursive: true, force: true });
    });
    /** A stand-in `ssh`: answers -V/-Q/-G, and for a run records what it got, asks the askpass
     *  helper for the password as ssh would, and says it authenticated when the answer is right. */
    const fakeSsh = (version: string): string => {
      const dir = fs.mkdtempSync(path.join(root, 'v-'));
      const exe = path.join(dir, 'ssh');
      fs.writeFileSync(exe, `#!${process.execPath}
const fs = require('fs'); const path = require('path'); const { spawnSync } = require('child_process');
const a = process.argv.slice(2); const out = (s) => process.stdout.write(s); const err = (s) => process.stderr.write(s);
if (a[0] === '-V') { err(${JSON.stringify(version)} + ', OpenSSL 3.0\\n'); process.exit(0); }
if (a[0] === '-Q') { out('curve25519-sha256\\nssh-ed25519\\naes128-ctr\\nhmac-sha2-256\\n'); process.exit(0); }
if (a[0] === '-G') { out('kexalgorithms curve25519-sha256\\nhostkeyalgorithms ssh-ed25519\\nciphers aes128-ctr\\nmacs hmac-sha2-256\\n'); process.exit(0); }
const rec = { argv: a, cmdline: fs.readFileSync('/proc/self/cmdline', 'utf8'), env: process.env };
const helper = process.env.SSH_ASKPASS;
err('debug1: Authentications that can continue: password\\n');
if (helper) {
  rec.dirMode = fs.statSync(path.dirname(helper)).mode & 0o777; rec.fileMode = fs.statSync(helper).mode & 0o777;
  rec.knownHosts = fs.readFileSync(path.join(path.dirname(helper), 'known_hosts'), 'utf8');
  err('debug1: Next authentication method: password\\n');
  const r = spawnSync(helper, ["alice@127.0.0.1's password: "], { encoding: 'utf8' });
  rec.answer = r.stdout; err(r.stderr);
}
fs.writeFileSync(path.join(__dirname, 'record.json'), JSON.stringify(rec));
if (rec.answer === 'Secret-Pw1') err('Authenticated to 127.0.0.1 ([127.0.0.1]:22) using "password".\\n');
else err('alice@127.0.0.1: Permission denied (password).\\n');
`, { mode: 0o755 });
      return exe;
    };
    const blob = Buffer.from('AAAAC3NzaC1lZDI1NTE5AAAAIByNR+1ZDtcIjLi4aUS4VRzcs8QS+6OPG4UyNG1KQNqI', 'base64');
    const run = (over: Partial<OpenSshRunOptions> = {}) => runOpenSsh({
      address: '127.0.0.1', port: 22, user: 'alice', hostKeyAlias: '[vm.example]:22', timeoutMs: 4000, signal: new AbortController().signal,
      verifiedHostKey: { blob, algorithm: 'ssh-ed25519' }, auth: { kind: 'password', via: 'password', password: 'Secret-Pw1' }, ...over,
    });

    it('the password is only in ssh\'s environment (never argv), the helper is private and gone afterwards', async () => {
      const exe = fakeSsh('OpenSSH_9.2p1');
      process.env.CVM_DOCTOR_OPENSSH = exe;
      process.env.CVMD_TEST_OUTER_SECRET = 'outer-secret';
      try {
        const r = await run();
        assert.equal(r.authenticated, 'password', JSON.stringify(r));
        assert.deepEqual(r.askpass, ['password']);
        const rec = JSON.parse(fs.readFileSync(path.join(path.dirname(exe), 'record.json'), 'utf8')) as {
          argv: string[]; cmdline: string; env: Record<string, string>; dirMode: number; fileMode: number; answer: string; knownHosts: string;
        };
        assert.ok(!rec.argv.some((x) => x.includes('Secret-Pw1')), rec.argv.join(' '));
        assert.ok(!rec.cmdline.includes('Secret-Pw1'));
        assert.equal(rec.env[ASKPASS_ENV.password], 'Secret-Pw1');
        assert.equal(rec.env.SSH_ASKPASS_REQUIRE, 'force');
        assert.match(rec.env[ASKPASS_ENV.tag], /^[0-9a-f]{24}$/);
        // Nothing of ours beyond the minimal environment: no outer variables, no agent socket.
        assert.deepEqual(Object.keys(rec.env).filter((k) => !['PATH', 'TMPDIR', 'LC_ALL', 'LANG', 'SSH_ASKPASS', 'SSH_ASKPASS_REQUIRE', ASKPASS_ENV.tag, ASKPASS_ENV.password].includes(k)), []);
        assert.equal(rec.dirMode, 0o700);
        assert.equal(rec.fileMode, 0o700);
        assert.equal(rec.knownHosts, `[vm.example]:22 ssh-ed25519 ${blob.toString('base64')}\n`, 'only the verified key');
        assert.ok(!fs.existsSync(path.dirname(rec.env.SSH_ASKPASS)), 'the helper\'s directory is removed');
        assert.ok(rec.argv.includes('StrictHostKeyChecking=yes'));
        // A wrong answer is a denial, with the helper's line to show the password went out.
        const bad = await run({ auth: { kind: 'password', via: 'password', password: 'wrong' } });
        assert.equal(bad.denied, true);
        assert.deepEqual(bad.askpass, ['password']);
      } finally {
        delete process.env.CVMD_TEST_OUTER_SECRET;
      }
    });

    it('no password run without a verified host key, nor with an OpenSSH older than 8.4', async () => {
      const old = fakeSsh('OpenSSH_8.2p1');
      process.env.CVM_DOCTOR_OPENSSH = old;
      const r = await run();
      assert.equal(r.outcome, 'error');
      assert.match(r.lastError ?? '', /askpass unavailable \(openssh-old\)/);
      assert.ok(!fs.existsSync(path.join(path.dirname(old), 'record.json')), 'ssh was not started');
      const exe = fakeSsh('OpenSSH_9.2p1');
      process.env.CVM_DOCTOR_OPENSSH = exe;
      const unpinned = await run({ verifiedHostKey: undefined });
      assert.equal(unpinned.outcome, 'error');
      assert.match(unpinned.lastError ?? '', /no verified host key/);
      assert.ok(!fs.existsSync(path.join(path.dirname(exe), 'record.json')), 'ssh was not started');
    });
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

    it('a password through the askpass helper: authenticated; a wrong one denied after one attempt', async () => {
      const blob = Buffer.from(srv.hostKeyLine.split(' ')[1], 'base64');
      const pinned = { verifiedHostKey: { blob, algorithm: 'ssh-ed25519' } };
      srv.attempts.length = 0;
      const ok = await runOpenSsh({ ...base(), ...pinned, auth: { kind: 'password', via: 'password', password: 'pw' } });
      assert.equal(ok.authenticated, 'password', JSON.stringify(ok));
      assert.deepEqual(ok.askpass, ['password']);
      srv.attempts.length = 0;
      const no = await runOpenSsh({ ...base(), ...pinned, auth: { kind: 'password', via: 'password', password: 'not-it' } });
      assert.equal(no.denied, true, JSON.stringify(no));
      assert.deepEqual(no.askpass, ['password']);
      assert.deepEqual(srv.attempts.filter((a) => a.method === 'password').map((a) => a.password), ['not-it'], 'NumberOfPasswordPrompts=1: one attempt');
    });

    it('a password goes to the verified host key only: another key, and ssh stops before authentication', async () => {
      const other = Buffer.from((await sshServer()).hostKeyLine.split(' ')[1], 'base64');
      srv.attempts.length = 0;
      const r = await runOpenSsh({ ...base(), verifiedHostKey: { blob: other, algorithm: 'ssh-ed25519' }, auth: { kind: 'password', via: 'password', password: 'pw' } });
      assert.equal(r.authenticated, undefined);
      assert.equal(r.askpass, undefined, 'the helper was never asked');
      assert.ok(!srv.attempts.some((a) => a.method === 'password'), JSON.stringify(srv.attempts));
      assert.equal(r.hostKey?.fingerprint, sha256Fingerprint(Buffer.from(srv.hostKeyLine.split(' ')[1], 'base64')), 'the key it met is reported');
    });

    it('an encrypted key through the askpass helper: its passphrase decrypts it, the login works', async () => {
      const enc = path.join(dir, 'enc');
      fs.writeFileSync(enc, userKey.private, { mode: 0o600 });
      execFileSync('ssh-keygen', ['-q', '-p', '-P', '', '-N', 'k-pp', '-f', enc], { stdio: 'ignore', timeout: 10_000 });
      const ok = await runOpenSsh({ ...base(), auth: { kind: 'publickey', identityFiles: [enc], passphrase: 'k-pp' } });
      assert.equal(ok.authenticated, 'publickey', JSON.stringify(ok));
      assert.deepEqual(ok.askpass, ['passphrase']);
      // A passphrase that does not decrypt it: the server accepted the key, ssh never signed.
      const bad = await runOpenSsh({ ...base(), auth: { kind: 'publickey', identityFiles: [enc], passphrase: 'nope' } });
      assert.equal(bad.authenticated, undefined);
      assert.equal(bad.acceptedKey, enc);
      assert.deepEqual(bad.askpass, ['passphrase']);
    });

    describe('keyboard-interactive', () => {
      let kbd: SshServer;
      let otp: SshServer;
      before(async () => {
        kbd = await sshServer({ methods: ['keyboard-interactive'], kbdPrompt: 'Password: ', password: 'pw' });
        otp = await sshServer({ methods: ['keyboard-interactive'], kbdPrompt: 'Verification code: ', password: 'pw' });
      });
      after(async () => { await kbd?.close(); await otp?.close(); });
      const pinnedTo = (s: SshServer) => ({
        port: s.port, hostKeyAlias: `[127.0.0.1]:${s.port}`, verifiedHostKey: { blob: Buffer.from(s.hostKeyLine.split(' ')[1], 'base64'), algorithm: 'ssh-ed25519' },
      });

      it('a "Password:" prompt gets the password', async () => {
        const r = await runOpenSsh({ ...base(), ...pinnedTo(kbd), auth: { kind: 'password', via: 'keyboard-interactive', password: 'pw' } });
        assert.equal(r.authenticated, 'keyboard-interactive', JSON.stringify(r));
        assert.deepEqual(r.askpass, ['password']);
        assert.deepEqual(r.methodsTried, ['keyboard-interactive']);
      });

      it('a one-time-code prompt gets nothing: the helper declines and the password never goes out', async () => {
        otp.attempts.length = 0;
        const r = await runOpenSsh({ ...base(), ...pinnedTo(otp), auth: { kind: 'password', via: 'keyboard-interactive', password: 'pw' } });
        assert.equal(r.authenticated, undefined);
        assert.deepEqual(r.askpass, ['declined']);
        const answers = otp.attempts.filter((a) => a.method === 'keyboard-interactive-answer').map((a) => a.password);
        assert.ok(answers.every((a) => a !== 'pw'), JSON.stringify(otp.attempts));
      });
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
