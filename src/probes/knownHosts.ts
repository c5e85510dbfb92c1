/**
 * known_hosts lookup with OpenSSH's semantics (sshd(8) "SSH_KNOWN_HOSTS FILE FORMAT"): plain
 * and hashed (`|1|salt|hmac`) host fields, `[host]:port` for non-22 ports, comma lists with
 * `*`/`?` wildcards and `!` negation, `@revoked` and `@cert-authority` markers. As in OpenSSH,
 * an entry of the same key type with a different key is a mismatch; entries of other types
 * only leave the key unknown.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import * as os from 'node:os';
import * as path from 'node:path';
import type { HostKeyInfo, KnownHostsStatus } from '../core/model';
import { hostKeyName } from '../core/sshCommand';
import { readFileBounded } from './files';

export interface KnownHostsEntry {
  line: number;
  marker?: 'revoked' | 'cert-authority';
  type: string;
  key: Buffer;
  fingerprint: string;
}

/** OpenSSH's "SHA256:<base64 without padding>" of a public key blob. */
export function sha256Fingerprint(blob: Buffer): string {
  return 'SHA256:' + createHash('sha256').update(blob).digest('base64').replace(/=+$/, '');
}

/** The key type named inside an SSH public key blob (its first string). */
export function blobKeyType(blob: Buffer): string {
  if (blob.length < 4) return 'unknown';
  const n = blob.readUInt32BE(0);
  if (n === 0 || n > 64 || 4 + n > blob.length) return 'unknown';
  return blob.subarray(4, 4 + n).toString('latin1');
}

/** The name OpenSSH looks up: `host` on port 22, `[host]:port` otherwise (one home: core). */
export { hostKeyName };

/** OpenSSH's match_pattern: `*` any run, `?` one character, everything else literal. */
function matchGlob(name: string, pattern: string): boolean {
  let re = '^';
  for (const ch of pattern) {
    if (ch === '*') re += '.*';
    else if (ch === '?') re += '.';
    else re += ch.replace(/[\\^$.|+()[\]{}]/g, '\\$&');
  }
  return new RegExp(re + '$', 's').test(name);
}

function matchHashed(name: string, field: string): boolean {
  const parts = field.split('|');
  // "|1|salt|hash" splits into ["", "1", salt, hash]
  if (parts.length !== 4 || parts[1] !== '1') return false;
  const salt = Buffer.from(parts[2], 'base64');
  const want = Buffer.from(parts[3], 'base64');
  const got = createHmac('sha1', salt).update(name).digest();
  return got.length === want.length && got.equals(want);
}

/** Whether a host field (comma list, hashed or plain) matches any of `names`. */
export function hostFieldMatches(field: string, names: string[]): boolean {
  if (field.startsWith('|')) return names.some((n) => matchHashed(n, field));
  let positive = false;
  for (const raw of field.split(',')) {
    const negated = raw.startsWith('!');
    const pattern = (negated ? raw.slice(1) : raw).toLowerCase();
    if (pattern.length === 0) continue;
    if (names.some((n) => matchGlob(n, pattern))) {
      // One negated match excludes the host whatever else matches (OpenSSH match_hostname).
      if (negated) return false;
      positive = true;
    }
  }
  return positive;
}

/** Parses known_hosts text, keeping only entries whose host field matches one of `names`. */
export function entriesFor(text: string, names: string[]): KnownHostsEntry[] {
  const out: KnownHostsEntry[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line.length === 0 || line.startsWith('#')) continue;
    const fields = line.split(/\s+/);
    let marker: KnownHostsEntry['marker'];
    if (fields[0].startsWith('@')) {
      const m = fields.shift();
      if (m === '@revoked') marker = 'revoked';
      else if (m === '@cert-authority') marker = 'cert-authority';
      else continue; // unknown marker: OpenSSH skips the line
    }
    if (fields.length < 3) continue;
    const [hostField, type, b64] = fields;
    if (!hostFieldMatches(hostField, names)) continue;
    const key = Buffer.from(b64, 'base64');
    if (key.length === 0) continue;
    out.push({ line: i + 1, marker, type, key, fingerprint: sha256Fingerprint(key) });
  }
  return out;
}

/** Decides the status of `blob` given the matching entries (OpenSSH check_host_in_hostfile). */
export function statusFor(blob: Buffer, entries: KnownHostsEntry[]): KnownHostsStatus {
  const type = blobKeyType(blob);
  if (entries.some((e) => e.marker === 'revoked' && e.key.equals(blob))) return 'revoked';
  const sameType = entries.filter((e) => e.marker === undefined && blobKeyType(e.key) === type);
  if (sameType.some((e) => e.key.equals(blob))) return 'match';
  return sameType.length > 0 ? 'mismatch' : 'unknown';
}

export function defaultKnownHostsPath(): string {
  return path.join(os.homedir(), '.ssh', 'known_hosts');
}

export interface KnownHostsLookup {
  path: string;
  /** undefined when the file could not be read (other than missing). */
  entries?: KnownHostsEntry[];
  readError?: string;
}

/** A known_hosts file is a few KB; refuse to slurp something absurd. */
const MAX_KNOWN_HOSTS = 16 * 1024 * 1024;

/** Reads the file once, before the handshake, so the host key check is synchronous. Bounded
 *  by `timeoutMs` and `signal` (a hung network home yields `readError: 'ETIMEDOUT'`). */
export async function loadKnownHosts(
  file: string | undefined, host: string, address: string, port: number,
  o: { timeoutMs: number; signal?: AbortSignal } = { timeoutMs: 5000 },
): Promise<KnownHostsLookup> {
  const p = file ?? defaultKnownHostsPath();
  const names = [...new Set([hostKeyName(host, port), hostKeyName(address, port)])];
  const r = await readFileBounded(p, { maxBytes: MAX_KNOWN_HOSTS, ...o });
  if (!r.ok) return r.code === 'ENOENT' ? { path: p, entries: [] } : { path: p, readError: r.code };
  return { path: p, entries: entriesFor(r.value.toString('utf8'), names) };
}

/** Host key algorithms that sign with a key of each type (certificates aside). */
const ALGORITHMS_OF_TYPE: Record<string, string[]> = {
  'ssh-rsa': ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'],
};

/**
 * `defaults` reordered so the algorithms for key types known_hosts already holds for this host
 * come first (OpenSSH's order_hostkeyalgs): a server with several host keys then presents the
 * one that can be checked, instead of an unknown type that would read as "not in known_hosts".
 */
export function preferKnownHostKeyTypes(defaults: readonly string[], lookup: KnownHostsLookup): string[] {
  const types = new Set((lookup.entries ?? []).filter((e) => e.marker === undefined).map((e) => e.type));
  if (types.size === 0) return [...defaults];
  const known = new Set<string>();
  for (const t of types) for (const a of ALGORITHMS_OF_TYPE[t] ?? [t]) known.add(a);
  const first = defaults.filter((a) => known.has(a) || known.has(a.replace(/-cert-v01@openssh\.com$/, '')));
  return [...first, ...defaults.filter((a) => !first.includes(a))];
}

/** OpenSSH's hashed host field (HashKnownHosts yes): `|1|` base64(salt) `|` base64(HMAC-SHA1
 *  of the name keyed by the salt), with a fresh 20-byte salt as ssh uses. */
export function hashHostName(name: string, salt: Buffer = randomBytes(20)): string {
  return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
}

/** The line OpenSSH writes for a newly accepted key: `host type base64` (`[host]:port` off 22),
 *  the host field hashed when the user's ssh config says `HashKnownHosts yes`. */
export function knownHostsLineFor(host: string, port: number, blob: Buffer, o: { hashed?: boolean; salt?: Buffer } = {}): string {
  const name = hostKeyName(host, port);
  return `${o.hashed ? hashHostName(name, o.salt) : name} ${blobKeyType(blob)} ${blob.toString('base64')}`;
}

/** A public key in OpenSSH's "type base64" form (as the in-guest check or a report shows it). */
export function parsePublicKey(text: string): Buffer | undefined {
  const [type, b64] = text.trim().split(/\s+/);
  if (!type || !b64 || !/^[A-Za-z0-9+/]+=*$/.test(b64)) return undefined;
  const blob = Buffer.from(b64, 'base64');
  return blobKeyType(blob) === type ? blob : undefined;
}

export interface RemovedLine { line: number; text: string }

/**
 * known_hosts text without the entries for `names`, as `ssh-keygen -R name` removes them for
 * each name: every line whose host field matches (plain, in a comma list, or hashed) goes;
 * `@cert-authority` and `@revoked` lines stay, as do comments. Line endings are kept.
 */
export function removeHostEntries(text: string, names: string[]): { text: string; removed: RemovedLine[] } {
  const lines = text.split('\n');
  const removed: RemovedLine[] = [];
  const kept = lines.filter((raw, i) => {
    const line = raw.trim();
    if (line.length === 0 || line.startsWith('#') || line.startsWith('@')) return true;
    const field = line.split(/\s+/)[0];
    if (!hostFieldMatches(field, names)) return true;
    removed.push({ line: i + 1, text: raw.replace(/\r$/, '') });
    return false;
  });
  return { text: kept.join('\n'), removed };
}

/** `text` with `line` appended the way ssh appends it (a newline first when the file does not end in one). */
export function appendLine(text: string, line: string): string {
  const eol = /\r\n/.test(text) ? '\r\n' : '\n';
  return `${text}${text.length > 0 && !text.endsWith('\n') ? eol : ''}${line}${eol}`;
}

export function hostKeyInfo(blob: Buffer, lookup: KnownHostsLookup): HostKeyInfo {
  const entries = lookup.entries ?? [];
  return {
    type: blobKeyType(blob),
    fingerprint: sha256Fingerprint(blob),
    key: blob.toString('base64'),
    status: lookup.entries === undefined ? 'unreadable' : statusFor(blob, entries),
    knownHostsPath: lookup.path,
    ...(lookup.readError ? { readError: lookup.readError } : {}),
    knownEntries: entries
      .filter((e) => e.marker !== 'cert-authority')
      .map((e) => ({ line: e.line, type: e.type, fingerprint: e.fingerprint })),
  };
}
