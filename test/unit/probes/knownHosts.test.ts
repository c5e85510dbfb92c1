import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { generateKeyPair } from '../../../src/probes/keyPair';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { utils } from 'ssh2';
import {
  blobKeyType, entriesFor, hostFieldMatches, hostKeyInfo, hostKeyName, loadKnownHosts, sha256Fingerprint, statusFor,
} from '../../../src/probes/knownHosts';

function keyBlob(type: 'ed25519' | 'ecdsa' = 'ed25519'): Buffer {
  const pair = type === 'ecdsa' ? generateKeyPair('ecdsa', { bits: 256 }) : generateKeyPair('ed25519');
  const k = utils.parseKey(pair.public);
  if (k instanceof Error || Array.isArray(k)) throw new Error('key');
  return k.getPublicSSH();
}
const line = (hosts: string, blob: Buffer): string => `${hosts} ${blobKeyType(blob)} ${blob.toString('base64')}`;

describe('probes/knownHosts (unit)', () => {
  const a = keyBlob();
  const b = keyBlob();
  const e = keyBlob('ecdsa');

  const patterns: Array<[string, string[], boolean]> = [
    ['vm1,vm2', ['vm2'], true],
    ['vm1,vm2', ['vm3'], false],
    ['*.example.com', ['web.example.com'], true],
    ['*.example.com', ['example.com'], false],
    ['10.0.0.?', ['10.0.0.7'], true],
    ['10.0.0.?', ['10.0.0.17'], false],
    ['*.example.com,!bad.example.com', ['bad.example.com'], false],
    ['*.example.com,!bad.example.com', ['ok.example.com'], true],
    ['[vm1]:2222', ['[vm1]:2222'], true],
    ['[vm1]:2222', ['vm1'], false],
    ['vm1', ['[vm1]:2222'], false],
    ['VM1', ['vm1'], true],
    ['a.b', ['axb'], false],
  ];
  for (const [field, names, want] of patterns) {
    it(`host field ${field} vs ${names.join(',')} → ${want}`, () => assert.equal(hostFieldMatches(field, names), want));
  }

  it('names non-22 ports in brackets', () => {
    assert.equal(hostKeyName('VM', 22), 'vm');
    assert.equal(hostKeyName('::1', 2222), '[::1]:2222');
  });

  it('matches, mismatches per key type, and treats other types as unknown', () => {
    assert.equal(statusFor(a, entriesFor(line('h', a), ['h'])), 'match');
    assert.equal(statusFor(a, entriesFor(line('h', b), ['h'])), 'mismatch');
    assert.equal(statusFor(a, entriesFor(line('h', e), ['h'])), 'unknown');
    assert.equal(statusFor(a, entriesFor(`${line('h', b)}\n${line('h', a)}`, ['h'])), 'match');
    assert.equal(statusFor(a, entriesFor(line('other', b), ['h'])), 'unknown');
  });

  it('honours @revoked, ignores @cert-authority, comments and malformed lines', () => {
    const text = [
      '# a comment', '', `@revoked * ${line('', a).trim()}`, `@cert-authority *.example ${line('', b).trim()}`,
      'garbage', `@unknown h ${line('', b).trim()}`, line('h', a),
    ].join('\n');
    const entries = entriesFor(text, ['h']);
    assert.equal(statusFor(a, entries), 'revoked');
    assert.deepEqual(entries.map((x) => x.line), [3, 7]);
    // b is not revoked, but line 7 holds another ed25519 key for h.
    assert.equal(statusFor(b, entries), 'mismatch');
    // A CA line is not a host key: a different plain key is still only unknown.
    assert.equal(statusFor(a, entriesFor(`@cert-authority h ${line('', b).trim()}`, ['h'])), 'unknown');
    assert.deepEqual(hostKeyInfo(a, { path: 'x', entries: entriesFor(`@cert-authority h ${line('', b).trim()}`, ['h']) }).knownEntries, []);
  });

  it('matches entries hashed by ssh-keygen -H, including [host]:port', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cvm-kh-'));
    try {
      const f = path.join(dir, 'kh');
      fs.writeFileSync(f, `${line('myvm', a)}\n${line('[10.1.2.3]:2222', b)}\n`);
      execFileSync('ssh-keygen', ['-H', '-f', f], { stdio: 'ignore' });
      const text = fs.readFileSync(f, 'utf8');
      assert.ok(!text.includes('myvm') && !text.includes('10.1.2.3'));
      assert.equal(statusFor(a, entriesFor(text, [hostKeyName('myvm', 22)])), 'match');
      assert.equal(statusFor(b, entriesFor(text, [hostKeyName('10.1.2.3', 2222)])), 'match');
      assert.equal(entriesFor(text, [hostKeyName('10.1.2.3', 22)]).length, 0);
    } finally { fs.rmSync(dir, { recursive: true, force: true }); }
  });

  it('computes fingerprints like ssh-keygen -l', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cvm-kh-'));
    try {
      const f = path.join(dir, 'k.pub');
      fs.writeFileSync(f, `${blobKeyType(e)} ${e.toString('base64')}\n`);
      const out = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', f]).toString();
      assert.ok(out.includes(sha256Fingerprint(e)), `${out} vs ${sha256Fingerprint(e)}`);
    } finally { fs.rmSync(dir, { recursive: true, force: true }); }
  });

  it('reports a missing file as unknown with no entries, an unreadable one as unreadable', async () => {
    const missing = await loadKnownHosts('/nonexistent/dir/kh', 'h', '10.0.0.1', 22);
    const info = hostKeyInfo(a, missing);
    assert.equal(info.status, 'unknown');
    assert.deepEqual(info.knownEntries, []);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cvm-kh-'));
    try {
      const unreadable = await loadKnownHosts(dir, 'h', '10.0.0.1', 22); // a directory: EISDIR
      assert.equal(hostKeyInfo(a, unreadable).status, 'unreadable');
    } finally { fs.rmSync(dir, { recursive: true, force: true }); }
  });

  it('looks up both the typed name and the address', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cvm-kh-'));
    try {
      const f = path.join(dir, 'kh');
      fs.writeFileSync(f, `${line('10.0.0.1', b)}\n`);
      const l = await loadKnownHosts(f, 'myvm', '10.0.0.1', 22);
      assert.equal(hostKeyInfo(a, l).status, 'mismatch');
    } finally { fs.rmSync(dir, { recursive: true, force: true }); }
  });
});
