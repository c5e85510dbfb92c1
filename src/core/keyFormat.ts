/**
 * What kind of file an identity is, read from its first bytes, as OpenSSH and ssh2 would see
 * it: OpenSSH's own format, PEM (PKCS#1/SEC1), PKCS#8, PuTTY's PPK v2/v3, a public key given
 * by mistake, or something else; and whether it is encrypted. Pure (the probe reads the
 * file, localKeys.ts).
 *
 * Who can read what (checked here with ssh2 1.17 and OpenSSH 9.2):
 * - OpenSSH reads `openssh`, `pem` and `pkcs8`, never a PPK file;
 * - ssh2 reads `openssh`, `pem` and a PPK v2 RSA or DSA key, not PKCS#8, not PPK v3 and not
 *   a PPK v2 Ed25519/ECDSA key.
 */

export type KeyFileFormat = 'openssh' | 'pem' | 'pkcs8' | 'ppk2' | 'ppk3' | 'public' | 'unknown';

export interface KeyFileSniff {
  format: KeyFileFormat;
  /** The private key needs a passphrase (undefined when the format does not say). */
  encrypted?: boolean;
  /** The key's algorithm where the header names it (PPK, public keys, PEM). */
  keyType?: string;
}

const PUBLIC_LINE = /^(ssh-(rsa|dss|ed25519|ed448)|ecdsa-sha2-nistp\d+|sk-(ssh-ed25519|ecdsa-sha2-nistp256)@openssh\.com)(-cert-v01@openssh\.com)?\s+AAAA[A-Za-z0-9+/=]+(\s.*)?$/;

/** Classifies a key file's contents (the first few kilobytes are enough). */
export function sniffKeyFile(data: Buffer | string): KeyFileSniff {
  const text = (typeof data === 'string' ? data : data.subarray(0, 64 * 1024).toString('latin1')).replace(/^\uFEFF/, '');
  const head = text.trimStart();
  const firstLine = head.split(/\r?\n/, 1)[0]?.trim() ?? '';
  let m: RegExpExecArray | null;
  if (firstLine === '-----BEGIN OPENSSH PRIVATE KEY-----') return { format: 'openssh', ...opensshEncryption(head) };
  if ((m = /^-----BEGIN (RSA|EC|DSA) PRIVATE KEY-----$/.exec(firstLine))) {
    return { format: 'pem', encrypted: /^Proc-Type:\s*4,\s*ENCRYPTED/m.test(head), keyType: m[1]!.toLowerCase() };
  }
  if (firstLine === '-----BEGIN PRIVATE KEY-----') return { format: 'pkcs8', encrypted: false };
  if (firstLine === '-----BEGIN ENCRYPTED PRIVATE KEY-----') return { format: 'pkcs8', encrypted: true };
  if ((m = /^PuTTY-User-Key-File-([23]):\s*(\S+)/.exec(firstLine))) {
    const enc = /^Encryption:\s*(\S+)/m.exec(head)?.[1];
    return { format: m[1] === '2' ? 'ppk2' : 'ppk3', keyType: m[2], ...(enc ? { encrypted: enc !== 'none' } : {}) };
  }
  if ((m = PUBLIC_LINE.exec(firstLine))) return { format: 'public', keyType: m[1] };
  if (firstLine === '---- BEGIN SSH2 PUBLIC KEY ----' || firstLine === '-----BEGIN PUBLIC KEY-----' || firstLine === '-----BEGIN RSA PUBLIC KEY-----') {
    return { format: 'public' };
  }
  return { format: 'unknown' };
}

/** An OpenSSH private key's cipher name: "none" means unencrypted. */
function opensshEncryption(text: string): { encrypted?: boolean } {
  const body = /-----BEGIN OPENSSH PRIVATE KEY-----([\s\S]*?)-----END OPENSSH PRIVATE KEY-----/.exec(text)?.[1];
  if (!body) return {};
  const raw = Buffer.from(body.replace(/\s+/g, ''), 'base64');
  const magic = 'openssh-key-v1\0';
  if (raw.length < magic.length + 4 || raw.subarray(0, magic.length).toString('latin1') !== magic) return {};
  const len = raw.readUInt32BE(magic.length);
  if (len > 64 || raw.length < magic.length + 4 + len) return {};
  const cipher = raw.subarray(magic.length + 4, magic.length + 4 + len).toString('latin1');
  return { encrypted: cipher !== 'none' };
}

/** Whether the system OpenSSH can load a private key of this format. */
export function opensshReads(format: KeyFileFormat): boolean {
  return format === 'openssh' || format === 'pem' || format === 'pkcs8';
}

/** Whether ssh2 (CVM Doctor's own SSH library) can load it. */
export function ssh2Reads(s: KeyFileSniff): boolean {
  if (s.format === 'openssh' || s.format === 'pem') return true;
  return s.format === 'ppk2' && (s.keyType === 'ssh-rsa' || s.keyType === 'ssh-dss');
}

/** Whether OpenSSH on Linux/macOS refuses a private key with this mode: a file of the user's
 *  own with any bit for group or others ("UNPROTECTED PRIVATE KEY FILE"; OpenSSH's
 *  sshkey_perm_ok: `st_uid == getuid() && (st_mode & 077) != 0`). */
export function modeRefused(mode: number, ownedBySelf = true): boolean {
  return ownedBySelf && (mode & 0o077) !== 0;
}

/** "0644" */
export function octalMode(mode: number): string {
  return `0${(mode & 0o777).toString(8).padStart(3, '0')}`;
}
