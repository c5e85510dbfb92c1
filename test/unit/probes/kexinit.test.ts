import * as assert from 'node:assert/strict';
import { KexinitTap, parseKexinitPayload, scanServerKexinit } from '../../../src/probes/kexinit';
import { kexinitPacket } from './servers';

const LISTS = {
  kex: ['sntrup761x25519-sha512@openssh.com', 'curve25519-sha256', 'ext-info-s', 'kex-strict-s-v00@openssh.com'],
  serverHostKey: ['rsa-sha2-512', 'ssh-ed25519'],
  cipher: ['chacha20-poly1305@openssh.com', 'aes128-ctr'],
  mac: ['hmac-sha2-256-etm@openssh.com'],
};
const ident = Buffer.from('SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n');

describe('probes/kexinit (unit)', () => {
  it('parses the name-lists after the identification line, dropping protocol markers', () => {
    const r = scanServerKexinit(Buffer.concat([ident, kexinitPacket(LISTS)]));
    assert.equal(r.status, 'ok');
    if (r.status !== 'ok') return;
    assert.deepEqual(r.kexinit.kex, ['sntrup761x25519-sha512@openssh.com', 'curve25519-sha256']);
    assert.deepEqual(r.kexinit.serverHostKey, LISTS.serverHostKey);
    assert.deepEqual(r.kexinit.cipher, LISTS.cipher);
    assert.deepEqual(r.kexinit.cipherSC, LISTS.cipher);
    assert.deepEqual(r.kexinit.mac, LISTS.mac);
    assert.deepEqual(r.kexinit.compression, ['none']);
  });

  it('skips preamble lines before the identification (RFC 4253 §4.2)', () => {
    const r = scanServerKexinit(Buffer.concat([Buffer.from('Welcome\r\nauthorised use only\r\n'), ident, kexinitPacket(LISTS)]));
    assert.equal(r.status, 'ok');
  });

  it('waits for more bytes until the packet is complete, whatever the chunking', () => {
    const all = Buffer.concat([ident, kexinitPacket(LISTS)]);
    for (const cut of [3, ident.length, ident.length + 2, ident.length + 5, all.length - 1]) {
      assert.equal(scanServerKexinit(all.subarray(0, cut)).status, 'need-more', `cut at ${cut}`);
    }
    const tap = new KexinitTap();
    for (let i = 0; i < all.length; i += 7) tap.onData(all.subarray(i, i + 7));
    assert.deepEqual(tap.kexinit?.serverHostKey, LISTS.serverHostKey);
    assert.equal(tap.bytesAfter, 0);
    tap.onData(Buffer.alloc(40));
    assert.equal(tap.bytesAfter, 40, 'bytes after the KEXINIT are counted (the server answered the key exchange)');
  });

  it('counts bytes that arrive in the same chunk as the KEXINIT', () => {
    const tap = new KexinitTap();
    tap.onData(Buffer.concat([ident, kexinitPacket(LISTS), Buffer.alloc(12)]));
    assert.equal(tap.bytesAfter, 12);
  });

  it('rejects hostile input: absurd lengths, non-printable names, another message, no identification', () => {
    const bad = Buffer.concat([ident, Buffer.from([0x7f, 0xff, 0xff, 0xff, 4])]);
    assert.equal(scanServerKexinit(bad).status, 'invalid');
    const pkt = kexinitPacket({ ...LISTS, kex: ['curve25519-sha256'] });
    const evil = Buffer.from(pkt);
    const at = evil.indexOf(Buffer.from('curve25519'));
    evil[at] = 0x1b; // ESC inside a name
    assert.equal(scanServerKexinit(Buffer.concat([ident, evil])).status, 'invalid');
    assert.match(String(parseKexinitPayload(Buffer.from([21, ...Buffer.alloc(20)]))), /not a KEXINIT/);
    assert.match(String(parseKexinitPayload(Buffer.concat([Buffer.from([20]), Buffer.alloc(16), Buffer.from([0, 0, 1, 0])]))), /longer than the packet/);
    assert.equal(scanServerKexinit(Buffer.alloc(9000, 0x41)).status, 'invalid');
    const tap = new KexinitTap();
    tap.onData(bad);
    assert.ok(tap.invalid && !tap.kexinit);
  });
});
