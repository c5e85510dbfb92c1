/**
 * The Local layer's pure parts: `ssh -G` output and errors (captured from OpenSSH 9.2 on this
 * machine), key formats, which identities are checked, how the config fills in the target,
 * and what is a verdict (with its remedy) and what a finding.
 */
import * as assert from 'assert';
import { classifyCode, findings } from '../../../src/core/classify';
import { sniffKeyFile, ssh2Reads, opensshReads, modeRefused } from '../../../src/core/keyFormat';
import { applyLocal, identitiesToCheck, localVerdict } from '../../../src/core/local';
import type { LocalEvidence, LocalKeyResult } from '../../../src/core/localModel';
import { configuredFields, parseEffectiveConfig, parseSshGError } from '../../../src/core/sshConfigEffective';
import { buildVerdict } from '../../../src/core/verdict';
import type { ClassifyInput } from '../../../src/core/classify';
import { healthy, ssh, target } from './evidence';

/** `ssh -G -F none web` (OpenSSH_9.2p1 Debian-2+deb12u10), the fields that matter, in its order. */
const G_DEFAULTS = `host web
user root
hostname web
port 22
stricthostkeychecking ask
identitiesonly no
identityfile ~/.ssh/id_rsa
identityfile ~/.ssh/id_ecdsa
identityfile ~/.ssh/id_ecdsa_sk
identityfile ~/.ssh/id_ed25519
identityfile ~/.ssh/id_ed25519_sk
identityfile ~/.ssh/id_xmss
identityfile ~/.ssh/id_dsa
globalknownhostsfile /etc/ssh/ssh_known_hosts /etc/ssh/ssh_known_hosts2
userknownhostsfile /root/.ssh/known_hosts /root/.ssh/known_hosts2
`;
/** The same with `Host web / HostName 203.0.113.10 / User alice / Port 2222 / IdentityFile ~/.ssh/web_ed25519 / ProxyJump bastion`. */
const G_WEB = G_DEFAULTS.replace('user root', 'user alice').replace('hostname web', 'hostname 203.0.113.10').replace('port 22', 'port 2222')
  .replace('identitiesonly no', 'identitiesonly no\nproxyjump bastion')
  .replace(/identityfile ~\/\.ssh\/id_rsa\n[\s\S]*identityfile ~\/\.ssh\/id_dsa\n/, 'identityfile ~/.ssh/web_ed25519\n')
  .replace('stricthostkeychecking ask', 'stricthostkeychecking accept-new');

const ok = (effText: string, base = G_DEFAULTS): LocalEvidence['config'] => {
  const effective = parseEffectiveConfig(effText)!;
  const defaults = parseEffectiveConfig(base)!;
  return {
    outcome: 'ok', executable: 'ssh', effective, configured: configuredFields(effective, defaults),
    configuredIdentityFiles: effective.identityFiles.filter((f) => !defaults.identityFiles.includes(f)), durationMs: 3,
  };
};
const key = (over: Partial<LocalKeyResult>): LocalKeyResult => ({ path: '/home/a/.ssh/k', source: 'given', exists: true, readable: true, format: 'openssh', encrypted: false, mode: 0o600, ownedBySelf: true, ...over });
const local = (over: Partial<LocalEvidence> = {}): LocalEvidence => ({ host: 'web', platform: 'linux', config: ok(G_DEFAULTS), keys: [], durationMs: 5, ...over });

describe('(unit) ssh -G parsing', () => {
  it('reads the fields the diagnosis uses; ProxyJump is kept raw', () => {
    const e = parseEffectiveConfig(G_WEB)!;
    assert.deepStrictEqual(e, {
      hostname: '203.0.113.10', user: 'alice', port: 2222, identityFiles: ['~/.ssh/web_ed25519'], proxyJump: 'bastion',
      strictHostKeyChecking: 'accept-new', userKnownHostsFiles: ['/root/.ssh/known_hosts', '/root/.ssh/known_hosts2'], identitiesOnly: false,
    });
    assert.deepStrictEqual(configuredFields(e, parseEffectiveConfig(G_DEFAULTS)), ['hostname', 'user', 'port', 'identityFiles', 'proxyJump', 'strictHostKeyChecking']);
  });
  it('is not fooled by other output', () => {
    assert.strictEqual(parseEffectiveConfig('usage: ssh [-46AaCfGgKkMNnqsTtVvXxYy]'), undefined);
  });
  const errors: Array<[string, string, ReturnType<typeof parseSshGError>]> = [
    ['bad permissions', 'Bad owner or permissions on /home/a/.ssh/config\n', { kind: 'permissions', file: '/home/a/.ssh/config', message: 'Bad owner or permissions on /home/a/.ssh/config' }],
    ['unknown keyword', '/tmp/c: line 2: Bad configuration option: foo\n/tmp/c: terminating, 1 bad configuration options\n',
      { kind: 'syntax', file: '/tmp/c', line: 2, message: '/tmp/c: line 2: Bad configuration option: foo' }],
    ['bad argument (no colon after the file)', "/tmp/c line 2: Bad port 'abc'.\n/tmp/c: terminating, 1 bad configuration options\n",
      { kind: 'syntax', file: '/tmp/c', line: 2, message: "/tmp/c line 2: Bad port 'abc'." }],
    ['in an Included file', '/tmp/inc.conf: line 2: Bad configuration option: bogus\n/tmp/inc.conf: terminating, 1 bad configuration options\n',
      { kind: 'syntax', file: '/tmp/inc.conf', line: 2, message: '/tmp/inc.conf: line 2: Bad configuration option: bogus' }],
    ['anything else', 'ssh: Could not resolve hostname\n', { kind: 'other', message: 'ssh: Could not resolve hostname' }],
  ];
  for (const [name, stderr, want] of errors) it(`error: ${name}`, () => assert.deepStrictEqual(parseSshGError(stderr), want));
});

describe('(unit) key formats', () => {
  const table: Array<[string, string, ReturnType<typeof sniffKeyFile>]> = [
    ['PEM RSA', '-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----\n', { format: 'pem', encrypted: false, keyType: 'rsa' }],
    ['PEM encrypted', '-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\nxx\n-----END RSA PRIVATE KEY-----\n', { format: 'pem', encrypted: true, keyType: 'rsa' }],
    ['PKCS#8', '-----BEGIN PRIVATE KEY-----\nMC4\n-----END PRIVATE KEY-----\n', { format: 'pkcs8', encrypted: false }],
    ['PKCS#8 encrypted', '-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIG\n-----END ENCRYPTED PRIVATE KEY-----\n', { format: 'pkcs8', encrypted: true }],
    ['PPK v3', 'PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: x\n', { format: 'ppk3', keyType: 'ssh-ed25519', encrypted: false }],
    ['PPK v2 encrypted', 'PuTTY-User-Key-File-2: ssh-rsa\r\nEncryption: aes256-cbc\r\n', { format: 'ppk2', keyType: 'ssh-rsa', encrypted: true }],
    ['a public key', 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOx me@host\n', { format: 'public', keyType: 'ssh-ed25519' }],
    ['RFC 4716 public key', '---- BEGIN SSH2 PUBLIC KEY ----\nComment: x\n', { format: 'public' }],
    ['text', 'hello\n', { format: 'unknown' }],
  ];
  for (const [name, text, want] of table) it(name, () => assert.deepStrictEqual(sniffKeyFile(Buffer.from(text)), want));
  it('who reads what: OpenSSH never a PPK; ssh2 PPK v2 RSA/DSA only, never PKCS#8', () => {
    assert.deepStrictEqual(['openssh', 'pem', 'pkcs8', 'ppk2', 'ppk3', 'public', 'unknown'].map((f) => opensshReads(f as never)), [true, true, true, false, false, false, false]);
    assert.strictEqual(ssh2Reads({ format: 'ppk2', keyType: 'ssh-rsa' }), true);
    assert.strictEqual(ssh2Reads({ format: 'ppk2', keyType: 'ssh-ed25519' }), false);
    assert.strictEqual(ssh2Reads({ format: 'ppk3', keyType: 'ssh-rsa' }), false);
    assert.strictEqual(ssh2Reads({ format: 'pkcs8' }), false);
  });
  it('modes OpenSSH refuses: any group/other bit on a file of your own', () => {
    assert.deepStrictEqual([0o600, 0o400, 0o640, 0o644, 0o604].map((m) => modeRefused(m)), [false, false, true, true, true]);
    assert.strictEqual(modeRefused(0o644, false), false);
  });
});

describe('(unit) the Local layer in the diagnosis', () => {
  it('identities: the given one, then the config\'s; the defaults only when none is named', () => {
    assert.deepStrictEqual(identitiesToCheck('/k', ok(G_WEB), '/home/a'), [{ path: '/k', source: 'given' }, { path: '/home/a/.ssh/web_ed25519', source: 'config' }]);
    assert.deepStrictEqual(identitiesToCheck(undefined, ok(G_DEFAULTS), '/home/a').map((k) => k.source), Array(7).fill('default'));
  });

  it('a host typed as its alias behaves as `ssh alias`: HostName, User, Port, accept-new, IdentityFile', () => {
    const typed = target({ host: 'web', user: 'root', sshConfig: { userGiven: false, portGiven: false } });
    const keys = [key({ path: '/root/.ssh/web_ed25519', source: 'config' })];
    const r = applyLocal(typed, undefined, local({ config: ok(G_WEB), keys }));
    assert.strictEqual(r.target.host, '203.0.113.10');
    assert.strictEqual(r.target.name, 'web');
    assert.strictEqual(r.target.user, 'alice');
    assert.strictEqual(r.target.port, 2222);
    assert.strictEqual(r.target.acceptNewHostKey, true);
    assert.strictEqual(r.credentials?.identityFile, '/root/.ssh/web_ed25519');
  });

  it('what the user typed wins over the config', () => {
    const typed = target({ host: 'web', user: 'bob', port: 22, knownHostsPath: '/kh', sshConfig: { userGiven: true, portGiven: true } });
    const r = applyLocal(typed, { identityFile: '/mine' }, local({ config: ok(G_WEB), keys: [key({ path: '/mine' })] }));
    assert.deepStrictEqual([r.target.user, r.target.port, r.target.knownHostsPath, r.credentials?.identityFile], ['bob', 22, '/kh', '/mine']);
  });

  it('a PPK v2 key (ssh2 could use it, OpenSSH never) is not handed to the SSH probe; files ssh2 cannot read either stay', () => {
    const r = applyLocal(target(), { identityFile: '/k.ppk', agent: '/sock' }, local({ keys: [key({ path: '/k.ppk', format: 'ppk2' })] }));
    assert.deepStrictEqual(r.credentials, { agent: '/sock' });
    const v3 = applyLocal(target(), { identityFile: '/k.ppk' }, local({ keys: [key({ path: '/k.ppk', format: 'ppk3' })] }));
    assert.deepStrictEqual(v3.credentials, { identityFile: '/k.ppk' });
  });

  const rows: Array<[string, Partial<LocalEvidence>, string, RegExp]> = [
    ['ssh -G fails', { config: { outcome: 'error', executable: 'ssh', error: { kind: 'permissions', file: '/home/a/.ssh/config', message: 'Bad owner or permissions on /home/a/.ssh/config' }, durationMs: 2 } },
      'LOCAL_CONFIG_ERROR', /chmod 600 \/home\/a\/\.ssh\/config/],
    ['a syntax error', { config: { outcome: 'error', executable: 'ssh', error: { kind: 'syntax', file: '/c', line: 7, message: '/c: line 7: Bad configuration option: foo' }, durationMs: 2 } },
      'LOCAL_CONFIG_ERROR', /line 7 of \/c/],
    ['key mode 0644', { keys: [key({ mode: 0o644, refused: true })] }, 'LOCAL_KEY_REFUSED', /chmod 600 \/home\/a\/\.ssh\/k/],
    ['key ACL on Windows', {
      platform: 'win32',
      keys: [key({ path: 'C:\\k', mode: undefined, refused: true, acl: { entries: [], tooOpen: [{ principal: 'Everyone', sid: 'S-1-1-0', rights: ['RX'], inherited: false, deny: false }], user: 'PC\\a' } })],
    }, 'LOCAL_KEY_REFUSED', /icacls "C:\\k" \/save "<backup-file>"\nicacls "C:\\k" \/inheritance:r \/grant:r "PC\\a:F" \/remove:g \*S-1-1-0/],
    ['unreadable key', { keys: [key({ readable: false, errorCode: 'EACCES', format: undefined })] }, 'LOCAL_KEY_REFUSED', /cannot be read \(EACCES\)/],
    ['PPK v3', { keys: [key({ path: '/k.ppk', format: 'ppk3' })] }, 'KEY_FORMAT_UNSUPPORTED', /puttygen \/k\.ppk -O private-openssh -o \/k/],
    ['a public key given', { keys: [key({ path: '/k.pub', format: 'public' })] }, 'KEY_FORMAT_UNSUPPORTED', /ssh-keygen -y -f \/k/],
    ['encrypted, no passphrase', { keys: [key({ encrypted: true })] }, 'KEY_FORMAT_UNSUPPORTED', /passphrase/],
  ];
  for (const [name, l, code, remedy] of rows) {
    it(`${name} → ${code}, whatever the server says, with its remedy`, () => {
      const e: ClassifyInput = healthy({ local: local(l), ssh: ssh({ login: { outcome: 'ok', tried: ['publickey'], method: 'publickey' } }) });
      assert.strictEqual(localVerdict(e), code);
      assert.strictEqual(classifyCode(e), code);
      for (const lang of ['en', 'ko'] as const) {
        const v = buildVerdict(classifyCode(e), e, lang);
        assert.doesNotMatch(v.summary + v.remediation.map((s) => s.text + (s.command ?? '')).join('\n'), /\{\w+\}/, `${lang}: a placeholder left`);
        if (lang === 'en') assert.match(v.summary + '\n' + v.remediation.map((s) => `${s.text} ${s.command ?? ''}`).join('\n'), remedy);
      }
    });
  }

  it('a refused key the server accepts says so: only the mode stands in the way', () => {
    const e = healthy({ local: local({ keys: [key({ mode: 0o644, refused: true })] }), ssh: ssh({ login: { outcome: 'ok', tried: ['publickey'], method: 'publickey' } }) });
    assert.match(buildVerdict('LOCAL_KEY_REFUSED', e, 'en').summary, /The server does accept this key/);
  });

  it('a refused key while the password logs in: OK, the key a finding', () => {
    const e = healthy({ local: local({ keys: [key({ mode: 0o644, refused: true })] }), ssh: ssh({ login: { outcome: 'ok', tried: ['password'], method: 'password' } }) });
    assert.strictEqual(classifyCode(e), 'OK');
    assert.match(findings(e, 'OK', 'en').find((f) => f.code === 'LOCAL_KEY_PROBLEM')?.message ?? '', /mode 0644/);
  });

  it('a config or default key with a problem is a finding, not the verdict', () => {
    const e = healthy({ local: local({ keys: [key({ source: 'default', mode: 0o644, refused: true }), key({ path: '/c', source: 'config', encrypted: true })] }) });
    assert.strictEqual(classifyCode(e), 'OK');
    assert.deepStrictEqual(findings(e, 'OK', 'en').filter((f) => f.code === 'LOCAL_KEY_PROBLEM').length, 1);
  });

  it('OpenSSH logging in where ssh2 was rejected makes it OK, and says whose quirk it was', () => {
    const e = healthy({
      local: local(), ssh: ssh({ login: { outcome: 'rejected', tried: ['publickey'] } }),
      secondOpinion: { outcome: 'authenticated', version: 'OpenSSH_9.2p1', method: 'publickey', command: 'ssh …', durationMs: 30 },
    });
    assert.strictEqual(classifyCode(e), 'OK');
    const f = findings(e, 'OK', 'en').find((x) => x.code === 'OPENSSH_LOGGED_IN');
    assert.match(f?.message ?? '', /ssh2\) failed \(AUTH_FAILED\), but the system OpenSSH \(OpenSSH_9\.2p1\) logs in/);
  });

  it('OpenSSH agreeing keeps the verdict and quotes it; more agent keys than tries is named', () => {
    const e = healthy({
      local: local({ agent: { socket: '/a', outcome: 'ok', keys: 12, durationMs: 1 } }), ssh: ssh({ login: { outcome: 'rejected', tried: ['agent'] } }),
      secondOpinion: { outcome: 'too-many-failures', version: 'OpenSSH_9.2p1', keysOffered: 3, message: 'Received disconnect from 10.0.0.1 port 22:2: Too many authentication failures', command: 'ssh …', durationMs: 30 },
    });
    assert.strictEqual(classifyCode(e), 'AUTH_FAILED');
    const codes = findings(e, 'AUTH_FAILED', 'ko').map((f) => f.code);
    assert.ok(codes.includes('AGENT_KEYS_EXCEED_TRIES') && codes.includes('OPENSSH_SECOND_OPINION'), codes.join());
    assert.match(findings(e, 'AUTH_FAILED', 'en').find((f) => f.code === 'AGENT_KEYS_EXCEED_TRIES')!.message, /holds 12 keys, but the server ended the login after 3/);
  });
});
