/**
 * "Add to SSH config": a `Host` block for a saved instance (alias, HostName, User, Port,
 * IdentityFile, and ProxyJump when it is reached through a bastion) so Remote-SSH, which
 * reads ~/.ssh/config, connects as the diagnosis did. The block is shown before it is
 * written, never replaces or duplicates a `Host` of that name (in the file or in any file it
 * Includes), goes into the user's own file only (Included files are never edited), and the
 * file is backed up first. Placement: before the first wildcard `Host` or `Match` block of
 * the file (ssh takes the first value it meets, so defaults such as `Host *` must come after
 * it), else at the end. The file's line endings and indentation are kept.
 */
import * as os from 'node:os';
import type { FileChange, FileResult } from './files';
import { readFileBounded, rewriteUserFile } from './files';
import { readSshConfigHosts } from './sshConfigImport';
import { defaultSshConfigPath } from './homePath';

export interface HostBlockSpec {
  alias: string;
  hostName: string;
  user?: string;
  port?: number;
  identityFile?: string;
  /** An `ssh -J` chain ("[user@]host[:port],…"), written as ProxyJump. */
  proxyJump?: string;
}

export type HostBlockPlan =
  | { kind: 'add'; file: string; backup: string; block: string; /** 1-based line the block starts at once written. */ line: number }
  | { kind: 'exists'; alias: string; source: string };

const FILE_MS = 2000;
const ALIAS = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
const TOKEN = /^[^\s"'#\\]+$/;

/** Why a spec cannot be written (a field that ssh would read differently), or undefined. */
export function hostBlockProblem(s: HostBlockSpec): string | undefined {
  if (!ALIAS.test(s.alias)) return 'alias';
  if (!TOKEN.test(s.hostName)) return 'hostName';
  if (s.user !== undefined && !TOKEN.test(s.user)) return 'user';
  if (s.port !== undefined && !(Number.isInteger(s.port) && s.port > 0 && s.port < 65536)) return 'port';
  if (s.identityFile !== undefined && (/["\r\n]/.test(s.identityFile) || s.identityFile.length === 0)) return 'identityFile';
  if (s.proxyJump !== undefined && !/^[^\s"'#\\]+$/.test(s.proxyJump)) return 'proxyJump';
  return undefined;
}

/** The block's lines (without line endings), in ssh_config's own spelling. */
export function hostBlockLines(s: HostBlockSpec, indent = '    '): string[] {
  const q = (v: string) => (/\s/.test(v) ? `"${v}"` : v);
  return [
    '# Added by CVM Doctor',
    `Host ${s.alias}`,
    `${indent}HostName ${s.hostName}`,
    ...(s.user ? [`${indent}User ${s.user}`] : []),
    ...(s.port !== undefined && s.port !== 22 ? [`${indent}Port ${s.port}`] : []),
    ...(s.identityFile ? [`${indent}IdentityFile ${q(s.identityFile)}`, `${indent}IdentitiesOnly yes`] : []),
    ...(s.proxyJump ? [`${indent}ProxyJump ${s.proxyJump}`] : []),
  ];
}

/** Where the block goes: the index of the first top-level wildcard Host or Match line, or the end. */
function insertionIndex(lines: string[]): number {
  for (let i = 0; i < lines.length; i++) {
    const m = /^\s*(host|match)(?:\s*=\s*|\s+)(.*)$/i.exec(lines[i]);
    if (!m) continue;
    if (m[1].toLowerCase() === 'match' || m[2].split(/\s+/).some((p) => /[*?!]/.test(p))) {
      // Keep a comment block that introduces it together with it.
      let j = i;
      while (j > 0 && /^\s*#/.test(lines[j - 1])) j--;
      return j;
    }
  }
  return lines.length;
}

/** The new text of the file with the block in place. */
export function withHostBlock(text: string, s: HostBlockSpec): { text: string; line: number; block: string } {
  const eol = /\r\n/.test(text) ? '\r\n' : '\n';
  const lines = text.length ? text.replace(/\r?\n$/, '').split(/\r?\n/) : [];
  const indent = /^(\s+)\S/m.exec(lines.find((l) => /^\s+\S/.test(l) && !/^\s*#/.test(l)) ?? '')?.[1] ?? '    ';
  const block = hostBlockLines(s, indent);
  const at = insertionIndex(lines);
  const before = lines.slice(0, at);
  const after = lines.slice(at);
  // A blank line between blocks, as people write them.
  const sepBefore = before.length && before[before.length - 1].trim() !== '' ? [''] : [];
  const sepAfter = after.length && after[0].trim() !== '' ? [''] : [];
  const out = [...before, ...sepBefore, ...block, ...sepAfter, ...after];
  return { text: out.join(eol) + eol, line: before.length + sepBefore.length + 1, block: block.join(eol) };
}

/** The plan for `s` against the user's config (default ~/.ssh/config). */
export async function planHostBlock(s: HostBlockSpec, file = defaultSshConfigPath(), home = os.homedir()): Promise<FileResult<HostBlockPlan>> {
  const problem = hostBlockProblem(s);
  if (problem) return { ok: false, code: `EINVAL:${problem}` };
  const existing = readSshConfigHosts(file, home).find((h) => h.alias === s.alias);
  if (existing) return { ok: true, value: { kind: 'exists', alias: s.alias, source: existing.source } };
  const r = await readFileBounded(file, { maxBytes: 4 * 1024 * 1024, timeoutMs: FILE_MS });
  if (!r.ok && r.code !== 'ENOENT') return r;
  const { line, block } = withHostBlock(r.ok ? r.value.toString('utf8') : '', s);
  return { ok: true, value: { kind: 'add', file, backup: `${file}.cvm-doctor.bak`, block, line } };
}

/** Writes the block (re-checking that no Host of that name appeared meanwhile). */
export function applyHostBlock(s: HostBlockSpec, plan: Extract<HostBlockPlan, { kind: 'add' }>, home = os.homedir()): Promise<FileResult<FileChange | undefined>> {
  return rewriteUserFile(plan.file, (before) => {
    if (readSshConfigHosts(plan.file, home).some((h) => h.alias === s.alias)) throw Object.assign(new Error('exists'), { code: 'EEXIST' });
    return withHostBlock(before, s).text;
  }, { backup: plan.backup, timeoutMs: FILE_MS, maxBytes: 4 * 1024 * 1024 });
}
