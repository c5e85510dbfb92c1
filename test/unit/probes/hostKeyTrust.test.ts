/**
 * (unit) Writing known_hosts the way OpenSSH does, checked against OpenSSH's own ssh-keygen on
 * real files: the line "Trust this key" adds is found by `ssh-keygen -F` (hashed too), and
 * "Replace the saved key" removes exactly the lines `ssh-keygen -R` removes for the name and
 * the address — plain, in a comma list, [host]:port and hashed — keeping markers and
 * comments. A backup goes to known_hosts.old; undo puts the file back.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { utils } from 'ssh2';
import { generateKeyPair } from '../../../src/probes/keyPair';
import { applyKnownHostsPlan, planKnownHostsChange, undoFileChange } from '../../../src/probes/hostKeyTrust';
import { blobKeyType, hashHostName, hostFieldMatches, sha256Fingerprint } from '../../../src/probes/knownHosts';

function keyBlob(): Buffer {
  const k = utils.parseKey(generateKeyPair('ed25519').public);
  if (k instanceof Error || Array.isArray(k)) throw new Error('key');
  return k.getPublicSSH();
}
const line = (hosts: string, blob: Buffer) => `${hosts} ${blobKeyType(blob)} ${blob.toString('base64')}`;
const keygen = (args: string[]) => execFileSync('ssh-keygen', args, { env: { PATH: process.env.PATH }, stdio: ['ignore', 'pipe', 'pipe'] }).toString();

describe('(unit) known_hosts changes, as OpenSSH makes them', () => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cvmd-kh-')); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const oldKey = keyBlob();
  const newKey = keyBlob();
  const other = keyBlob();

  it('a hashed name is what OpenSSH matches', () => {
    const h = hashHostName('[cvm.example.com]:2222');
    assert.match(h, /^\|1\|[A-Za-z0-9+/]{27}=\|[A-Za-z0-9+/]{27}=$/);
    assert.ok(hostFieldMatches(h, ['[cvm.example.com]:2222']));
    assert.ok(!hostFieldMatches(h, ['cvm.example.com']));
  });

  for (const hashed of [false, true]) {
    it(`Trust: the added line (${hashed ? 'hashed: HashKnownHosts yes' : 'plain'}) is found by ssh-keygen -F, for a port other than 22 too`, async () => {
      const kh = path.join(dir, 'known_hosts');
      fs.writeFileSync(kh, `# mine\n${line('other.example.com', other)}`); // no final newline
      const sshConfig = path.join(dir, 'config');
      fs.writeFileSync(sshConfig, hashed ? 'Host *\n  HashKnownHosts yes\n' : 'Host *\n  ServerAliveInterval 30\n');
      const plan = await planKnownHostsChange({ host: 'cvm.example.com', port: 2222, key: newKey.toString('base64'), fingerprint: sha256Fingerprint(newKey), replace: false, knownHostsPath: kh, sshConfig });
      assert.ok(plan.ok);
      assert.equal(plan.value.hashed, hashed);
      assert.deepEqual(plan.value.remove, []);
      if (!hashed) assert.equal(plan.value.add, line('[cvm.example.com]:2222', newKey));
      const r = await applyKnownHostsPlan(plan.value);
      assert.ok(r.ok && r.value);
      const text = fs.readFileSync(kh, 'utf8');
      assert.ok(text.startsWith(`# mine\n${line('other.example.com', other)}\n`), text);
      assert.ok(text.endsWith(`${plan.value.add}\n`));
      assert.match(keygen(['-F', '[cvm.example.com]:2222', '-f', kh]), new RegExp(newKey.toString('base64').replace(/[+/]/g, '\\$&')));
      assert.equal(fs.readFileSync(`${kh}.old`, 'utf8'), `# mine\n${line('other.example.com', other)}`);
      // Undo puts the old text back.
      const u = await undoFileChange(kh, r.value);
      assert.ok(u.ok);
      assert.equal(fs.readFileSync(kh, 'utf8'), `# mine\n${line('other.example.com', other)}`);
    });
  }

  it('Replace removes exactly what ssh-keygen -R removes for the name and the address', async () => {
    const host = 'cvm.example.com';
    const address = '203.0.113.10';
    const hashedName = hashHostName(host);
    const hashedAddr = hashHostName(address);
    const lines = [
      '# comment stays',
      line(host, oldKey),
      line(`${host},${address}`, oldKey),
      line(address, oldKey),
      line(hashedName, oldKey),
      line(hashedAddr, oldKey),
      line('[cvm.example.com]:2222', oldKey), // another port: not this host's entry
      line('other.example.com', other),
      `@cert-authority *.example.com ${blobKeyType(other)} ${other.toString('base64')}`,
      `@revoked ${host} ${blobKeyType(other)} ${other.toString('base64')}`,
      line(`web.example.com,${address}x`, other),
    ];
    const kh = path.join(dir, 'known_hosts');
    const original = `${lines.join('\n')}\n`;
    fs.writeFileSync(kh, original);
    // What OpenSSH does, on a copy.
    const ref = path.join(dir, 'ref');
    fs.writeFileSync(ref, original);
    keygen(['-R', host, '-f', ref]);
    keygen(['-R', address, '-f', ref]);
    const plan = await planKnownHostsChange({ host, address, port: 22, key: newKey.toString('base64'), fingerprint: sha256Fingerprint(newKey), replace: true, knownHostsPath: kh, sshConfig: path.join(dir, 'none') });
    assert.ok(plan.ok);
    assert.deepEqual(plan.value.remove.map((r) => r.line), [2, 3, 4, 5, 6]);
    const r = await applyKnownHostsPlan(plan.value);
    assert.ok(r.ok && r.value);
    const ours = fs.readFileSync(kh, 'utf8');
    assert.equal(ours, `${fs.readFileSync(ref, 'utf8')}${plan.value.add}\n`);
    assert.equal(fs.readFileSync(`${kh}.old`, 'utf8'), original);
    assert.match(keygen(['-F', host, '-f', kh]), new RegExp(newKey.toString('base64').replace(/[+/]/g, '\\$&')));
  });

  it('CRLF files keep their line endings; a key that is not the fingerprint shown is refused', async () => {
    const kh = path.join(dir, 'known_hosts');
    fs.writeFileSync(kh, `${line('a.example.com', other)}\r\n${line('cvm.example.com', oldKey)}\r\n`);
    const plan = await planKnownHostsChange({ host: 'cvm.example.com', port: 22, key: newKey.toString('base64'), fingerprint: sha256Fingerprint(newKey), replace: true, knownHostsPath: kh, sshConfig: path.join(dir, 'none') });
    assert.ok(plan.ok);
    await applyKnownHostsPlan(plan.value);
    assert.equal(fs.readFileSync(kh, 'utf8'), `${line('a.example.com', other)}\r\n${plan.value.add}\r\n`);
    const bad = await planKnownHostsChange({ host: 'x', port: 22, key: newKey.toString('base64'), fingerprint: sha256Fingerprint(oldKey), replace: false, knownHostsPath: kh });
    assert.deepEqual(bad, { ok: false, code: 'EKEYMISMATCH' });
  });

  it('a new file is created with mode 600 in a 700 directory; undo refuses a file changed since', async () => {
    const kh = path.join(dir, 'sub', 'known_hosts');
    const plan = await planKnownHostsChange({ host: 'cvm.example.com', port: 22, key: newKey.toString('base64'), fingerprint: sha256Fingerprint(newKey), replace: false, knownHostsPath: kh, sshConfig: path.join(dir, 'none') });
    assert.ok(plan.ok);
    const r = await applyKnownHostsPlan(plan.value);
    assert.ok(r.ok && r.value);
    assert.equal(fs.statSync(kh).mode & 0o777, 0o600);
    assert.equal(fs.statSync(path.dirname(kh)).mode & 0o777, 0o700);
    assert.ok(!fs.existsSync(`${kh}.old`), 'nothing to back up');
    fs.appendFileSync(kh, line('late.example.com', other) + '\n');
    assert.deepEqual(await undoFileChange(kh, r.value), { ok: false, code: 'ECHANGED' });
  });
});
