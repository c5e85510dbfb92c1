import * as assert from 'assert';
import { analyseNegotiation, isLegacyAlgorithm, missingCategories, opensshEnableOptions, someClientAgrees, type AlgorithmLists } from '../../../src/core/algorithms';
import type { ServerAlgorithms } from '../../../src/core/model';

// The lists as this machine's clients have them (ssh2 1.17 defaults; OpenSSH 9.2 `ssh -G -F none`
// and `ssh -Q`), abbreviated to what matters.
const SSH2: AlgorithmLists = {
  kex: ['curve25519-sha256@libssh.org', 'curve25519-sha256', 'ecdh-sha2-nistp256', 'diffie-hellman-group-exchange-sha256', 'diffie-hellman-group14-sha256'],
  serverHostKey: ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'],
  cipher: ['aes128-gcm@openssh.com', 'aes256-gcm@openssh.com', 'aes128-ctr', 'chacha20-poly1305@openssh.com'],
  mac: ['hmac-sha2-256-etm@openssh.com', 'hmac-sha2-256', 'hmac-sha1'],
};
const OPENSSH_92 = {
  version: 'OpenSSH_9.2p1',
  defaults: {
    kex: ['sntrup761x25519-sha512@openssh.com', 'curve25519-sha256', 'ecdh-sha2-nistp256', 'diffie-hellman-group14-sha256'],
    serverHostKey: ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'rsa-sha2-512', 'rsa-sha2-256'],
    cipher: ['chacha20-poly1305@openssh.com', 'aes128-ctr', 'aes128-gcm@openssh.com'],
    mac: ['umac-64-etm@openssh.com', 'hmac-sha2-256-etm@openssh.com', 'hmac-sha2-256', 'hmac-sha1'],
  },
  supported: {
    kex: ['diffie-hellman-group1-sha1', 'diffie-hellman-group14-sha1', 'diffie-hellman-group14-sha256', 'curve25519-sha256', 'sntrup761x25519-sha512@openssh.com'],
    serverHostKey: ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ssh-dss', 'ssh-rsa', 'rsa-sha2-512', 'rsa-sha2-256'],
    cipher: ['3des-cbc', 'aes128-cbc', 'aes128-ctr', 'aes128-gcm@openssh.com', 'chacha20-poly1305@openssh.com'],
    mac: ['hmac-sha1', 'hmac-sha2-256', 'hmac-md5', 'umac-64-etm@openssh.com'],
  },
};
const server = (over: Partial<ServerAlgorithms>): ServerAlgorithms => ({
  kex: ['curve25519-sha256'], serverHostKey: ['ssh-ed25519'], cipher: ['aes128-ctr'], mac: ['hmac-sha2-256'], ...over,
});

describe('(unit) algorithm negotiation', () => {
  it('a modern server: everyone agrees', () => {
    const n = analyseNegotiation({ server: server({}), ssh2: SSH2, openssh: OPENSSH_92 });
    assert.deepStrictEqual(n.ssh2.missing, []);
    assert.deepStrictEqual(n.openssh?.missing, []);
    assert.ok(someClientAgrees(n));
    assert.strictEqual(n.legacyOnly, false);
  });

  it('post-quantum only (sntrup761): ssh2 cannot, OpenSSH 9.2 can — not legacy', () => {
    const n = analyseNegotiation({ server: server({ kex: ['sntrup761x25519-sha512@openssh.com'] }), ssh2: SSH2, openssh: OPENSSH_92 });
    assert.deepStrictEqual(n.ssh2.missing, ['kex']);
    assert.deepStrictEqual(n.openssh?.missing, []);
    assert.ok(someClientAgrees(n));
    assert.strictEqual(n.legacyOnly, false);
  });

  it('mlkem768 only: no client here (OpenSSH 9.2) — not legacy, nothing to enable', () => {
    const n = analyseNegotiation({ server: server({ kex: ['mlkem768x25519-sha256'] }), ssh2: SSH2, openssh: OPENSSH_92 });
    assert.deepStrictEqual(n.openssh?.missing, ['kex']);
    assert.deepStrictEqual(n.openssh?.enable, {});
    assert.strictEqual(n.openssh?.enableSuffices, false);
    assert.ok(!someClientAgrees(n));
    assert.strictEqual(n.legacyOnly, false);
  });

  it('legacy only: no default agrees; the server\'s own preferences, supported by OpenSSH, are what to enable', () => {
    const n = analyseNegotiation({
      server: { kex: ['diffie-hellman-group14-sha1', 'diffie-hellman-group1-sha1'], serverHostKey: ['ssh-rsa'], cipher: ['aes128-cbc', '3des-cbc'], mac: ['hmac-sha1'] },
      ssh2: SSH2, openssh: OPENSSH_92,
    });
    assert.deepStrictEqual(n.openssh?.missing, ['kex', 'serverHostKey', 'cipher']);
    assert.deepStrictEqual(n.openssh?.enable, { kex: 'diffie-hellman-group14-sha1', serverHostKey: 'ssh-rsa', cipher: 'aes128-cbc' });
    assert.strictEqual(n.openssh?.enableSuffices, true);
    assert.strictEqual(n.legacyOnly, true);
    assert.strictEqual(opensshEnableOptions(n.openssh!.enable), '-o KexAlgorithms=+diffie-hellman-group14-sha1 -o HostKeyAlgorithms=+ssh-rsa -o Ciphers=+aes128-cbc');
  });

  it('mixed mlkem + legacy kex: not legacy-only (no advice to weaken)', () => {
    const n = analyseNegotiation({ server: server({ kex: ['mlkem768x25519-sha256', 'diffie-hellman-group14-sha1'] }), ssh2: SSH2, openssh: OPENSSH_92 });
    assert.strictEqual(n.legacyOnly, false);
    assert.strictEqual(n.openssh?.enable.kex, 'diffie-hellman-group14-sha1');
  });

  it('a MAC is needed only when the chosen cipher is not AEAD', () => {
    const aead = server({ cipher: ['chacha20-poly1305@openssh.com'], mac: ['hmac-md5'] });
    assert.deepStrictEqual(missingCategories(OPENSSH_92.defaults, aead), []);
    const ctr = server({ cipher: ['aes128-ctr'], mac: ['hmac-md5'] });
    assert.deepStrictEqual(missingCategories(OPENSSH_92.defaults, ctr), ['mac']);
    // A CBC cipher enabled for a legacy server needs a MAC too: enabling re-checks.
    const n = analyseNegotiation({ server: { kex: ['curve25519-sha256'], serverHostKey: ['ssh-ed25519'], cipher: ['3des-cbc'], mac: ['hmac-md5'] }, ssh2: SSH2, openssh: OPENSSH_92 });
    assert.deepStrictEqual(n.openssh?.enable, { cipher: '3des-cbc', mac: 'hmac-md5' });
    assert.strictEqual(n.openssh?.enableSuffices, true);
  });

  it('something OpenSSH cannot even enable: enableSuffices is false', () => {
    const n = analyseNegotiation({ server: server({ serverHostKey: ['x509v3-sign-rsa'] }), ssh2: SSH2, openssh: OPENSSH_92 });
    assert.deepStrictEqual(n.openssh?.missing, ['serverHostKey']);
    assert.strictEqual(n.openssh?.enableSuffices, false);
  });

  it('without OpenSSH: ssh2\'s failing categories decide, and the reason is kept', () => {
    const n = analyseNegotiation({ server: server({ kex: ['diffie-hellman-group1-sha1'] }), ssh2: SSH2, opensshUnavailable: 'ssh not found' });
    assert.strictEqual(n.openssh, undefined);
    assert.strictEqual(n.opensshUnavailable, 'ssh not found');
    assert.strictEqual(n.legacyOnly, true);
    assert.ok(!someClientAgrees(n));
  });

  const LEGACY: Array<[string, boolean]> = [
    ['diffie-hellman-group1-sha1', true], ['diffie-hellman-group14-sha1', true], ['diffie-hellman-group-exchange-sha1', true],
    ['ssh-rsa', true], ['ssh-dss', true], ['aes128-cbc', true], ['3des-cbc', true], ['arcfour256', true], ['hmac-md5', true],
    ['hmac-sha1', true], ['hmac-sha1-etm@openssh.com', true], ['hmac-ripemd160', true],
    ['diffie-hellman-group14-sha256', false], ['rsa-sha2-512', false], ['ssh-ed25519', false], ['curve25519-sha256', false],
    ['sntrup761x25519-sha512@openssh.com', false], ['mlkem768x25519-sha256', false], ['aes128-ctr', false], ['chacha20-poly1305@openssh.com', false],
    ['hmac-sha2-256', false], ['umac-64-etm@openssh.com', false],
  ];
  for (const [a, legacy] of LEGACY) it(`${a} is ${legacy ? '' : 'not '}legacy`, () => assert.strictEqual(isLegacyAlgorithm(a), legacy));
});
