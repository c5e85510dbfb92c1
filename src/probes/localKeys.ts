/**
 * The identity files that will be offered, checked as OpenSSH on this machine would: the file
 * exists and can be read, its format (keyFormat.ts), and its permissions — the mode on
 * Linux/macOS (a key of the user's own readable by group or others is refused), the ACL on
 * Windows (`icacls FILE`, parsed by windowsLocal.ts). Every read and child is bounded.
 */
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import { modeRefused, sniffKeyFile } from '../core/keyFormat';
import type { IdentitySource, LocalKeyResult } from '../core/localModel';
import { aclTooOpen, parseIcacls } from '../core/windowsLocal';
import { readFileBounded } from './files';
import { execBounded } from './openssh';

const MAX_KEY_FILE = 1024 * 1024;

export interface KeyQuery {
  path: string;
  source: IdentitySource;
}

/** The user's own account as icacls names it (DOMAIN\user), on Windows. */
export function windowsAccount(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const user = env.USERNAME;
  if (!user) return undefined;
  return env.USERDOMAIN ? `${env.USERDOMAIN}\\${user}` : user;
}

export async function probeLocalKey(q: KeyQuery, o: { timeoutMs: number; signal: AbortSignal; platform?: NodeJS.Platform }): Promise<LocalKeyResult> {
  const platform = o.platform ?? process.platform;
  const base: LocalKeyResult = { path: q.path, source: q.source, exists: false, readable: false };
  let st;
  try {
    st = await fs.stat(q.path);
  } catch (e) {
    return { ...base, errorCode: (e as NodeJS.ErrnoException).code ?? 'ERROR' };
  }
  const r = await readFileBounded(q.path, { maxBytes: MAX_KEY_FILE, timeoutMs: o.timeoutMs, signal: o.signal });
  const out: LocalKeyResult = { ...base, exists: true, readable: r.ok, ...(r.ok ? {} : { errorCode: r.code }) };
  if (r.ok) {
    const s = sniffKeyFile(r.value);
    out.format = s.format;
    if (s.encrypted !== undefined) out.encrypted = s.encrypted;
    if (s.keyType) out.keyType = s.keyType;
  }
  if (platform === 'win32') {
    const res = await execBounded('icacls', [q.path], Math.min(3000, o.timeoutMs), o.signal);
    if (res.code === 0) {
      const entries = parseIcacls(res.stdout, q.path);
      const user = windowsAccount();
      const tooOpen = aclTooOpen(entries, { ...(user ? { name: user } : {}) });
      out.acl = { entries, tooOpen, ...(user ? { user } : {}) };
      if (out.format !== 'public' && tooOpen.length > 0) out.refused = true;
    } else {
      out.acl = { error: `icacls: ${res.stderr.trim().split(/\r?\n/)[0] || String(res.code)}` };
    }
  } else {
    out.mode = st.mode & 0o7777;
    const uid = typeof process.getuid === 'function' ? process.getuid() : os.userInfo().uid;
    out.ownedBySelf = st.uid === uid;
    // A public key may be world-readable; only private keys are refused.
    if (out.format !== 'public' && modeRefused(st.mode, out.ownedBySelf)) out.refused = true;
  }
  return out;
}
