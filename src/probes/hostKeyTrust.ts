/**
 * "Trust this key" and "Replace the saved key" as known_hosts changes a person can read
 * before they happen: the plan says exactly which lines go (those `ssh-keygen -R` removes for
 * the name and the address) and the one line that is added (OpenSSH's format, hashed when the
 * user's ssh config says `HashKnownHosts yes`); applying it backs the file up to
 * `known_hosts.old` (as ssh-keygen does) and returns what undo needs. The CLI never calls
 * this: it writes known_hosts only with --accept-new.
 */
import type { FileChange, FileResult } from './files';
import { readFileBounded, rewriteUserFile } from './files';
import { appendLine, blobKeyType, defaultKnownHostsPath, hostKeyName, knownHostsLineFor, removeHostEntries, sha256Fingerprint, type RemovedLine } from './knownHosts';
import { sshConfigOption } from './sshConfigImport';

export interface KnownHostsPlan {
  file: string;
  backup: string;
  /** The names whose entries are removed (replace only). */
  names: string[];
  remove: RemovedLine[];
  /** The exact line added. */
  add: string;
  hashed: boolean;
  keyType: string;
  fingerprint: string;
}

const FILE_MS = 2000;

/** Whether ssh would hash the names it writes for `host` (`HashKnownHosts yes`). */
export function hashesKnownHosts(host: string, sshConfig?: string): boolean {
  return (sshConfigOption(host, 'hashknownhosts', sshConfig) ?? 'no').toLowerCase() === 'yes';
}

/**
 * The change for `key` (base64 blob) of `host` on `port`: append its line; with `replace`,
 * first remove every entry for the name and for `address`. Refuses a blob that is not the
 * key of `fingerprint` (the one the person was shown).
 */
export async function planKnownHostsChange(o: {
  host: string; address?: string; port: number; key: string; fingerprint: string; replace: boolean;
  knownHostsPath?: string; sshConfig?: string; salt?: Buffer;
}): Promise<FileResult<KnownHostsPlan>> {
  const blob = Buffer.from(o.key, 'base64');
  if (blob.length === 0 || sha256Fingerprint(blob) !== o.fingerprint) return { ok: false, code: 'EKEYMISMATCH' };
  const file = o.knownHostsPath ?? defaultKnownHostsPath();
  const r = await readFileBounded(file, { maxBytes: 16 * 1024 * 1024, timeoutMs: FILE_MS });
  if (!r.ok && r.code !== 'ENOENT') return r;
  const text = r.ok ? r.value.toString('utf8') : '';
  const names = o.replace ? [...new Set([hostKeyName(o.host, o.port), ...(o.address ? [hostKeyName(o.address, o.port)] : [])])] : [];
  const hashed = hashesKnownHosts(o.host, o.sshConfig);
  return {
    ok: true,
    value: {
      file, backup: `${file}.old`, names, remove: names.length ? removeHostEntries(text, names).removed : [],
      add: knownHostsLineFor(o.host, o.port, blob, { hashed, ...(o.salt ? { salt: o.salt } : {}) }), hashed,
      keyType: blobKeyType(blob), fingerprint: o.fingerprint,
    },
  };
}

/** Applies a plan (re-reading the file: the removed lines are recomputed, never stale). */
export function applyKnownHostsPlan(plan: KnownHostsPlan): Promise<FileResult<FileChange | undefined>> {
  return rewriteUserFile(plan.file, (before) => appendLine(plan.names.length ? removeHostEntries(before, plan.names).text : before, plan.add),
    { backup: plan.backup, timeoutMs: FILE_MS });
}

/** Puts back what the change replaced, unless the file changed again since. */
export function undoFileChange(file: string, change: FileChange, backup?: string): Promise<FileResult<FileChange | undefined>> {
  return rewriteUserFile(file, () => change.before, { expectBefore: change.after, timeoutMs: FILE_MS, ...(backup ? { backup } : {}) });
}
