/**
 * Applies a local repair the user confirmed (core/localFix.ts) and undoes it: `chmod 0600`
 * after checking the file is still what the diagnosis saw (the old mode is the undo), or on
 * Windows the icacls repair after saving the ACL (`icacls FILE /save BACKUP`; the undo is
 * `icacls DIR /restore BACKUP`). argv only, bounded, never a shell.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { LocalFix, LocalFixUndo } from '../core/localFix';
import { icaclsRepair } from '../core/windowsLocal';
import { execBounded } from './openssh';

export type FixResult = { ok: true; undo: LocalFixUndo } | { ok: false; reason: 'changed' | 'failed'; detail: string };

const ICACLS_MS = 10_000;

export async function applyLocalFix(fix: LocalFix, backupDir: string): Promise<FixResult> {
  if (fix.kind === 'chmod') {
    let st;
    try {
      st = await fs.stat(fix.file);
    } catch (e) {
      return { ok: false, reason: 'failed', detail: (e as NodeJS.ErrnoException).code ?? String(e) };
    }
    const mode = st.mode & 0o7777;
    // Changed since the diagnosis: do not act on what the user did not see.
    if (fix.mode >= 0 && mode !== fix.mode) return { ok: false, reason: 'changed', detail: `mode is now 0${mode.toString(8)}` };
    try {
      await fs.chmod(fix.file, 0o600);
    } catch (e) {
      return { ok: false, reason: 'failed', detail: (e as NodeJS.ErrnoException).code ?? String(e) };
    }
    return { ok: true, undo: { kind: 'chmod', file: fix.file, mode } };
  }
  await fs.mkdir(backupDir, { recursive: true });
  const backup = path.join(backupDir, `acl-${Date.now()}.txt`);
  const dir = path.dirname(fix.file);
  const plan = icaclsRepair(fix.file, fix.user, fix.tooOpen, backup, dir);
  const saved = await execBounded('icacls', plan.save, ICACLS_MS);
  if (saved.code !== 0) return { ok: false, reason: 'failed', detail: `icacls /save: ${(saved.stderr || saved.stdout).trim() || saved.code}` };
  const done = await execBounded('icacls', plan.repair, ICACLS_MS);
  if (done.code !== 0) {
    // Leave the file as it was: restore what was saved.
    await execBounded('icacls', plan.restore, ICACLS_MS);
    return { ok: false, reason: 'failed', detail: `icacls: ${(done.stderr || done.stdout).trim() || done.code}` };
  }
  return { ok: true, undo: { kind: 'icacls', file: fix.file, dir, backup } };
}

/** Restores what `applyLocalFix` changed; a file that changed again since is left alone. */
export async function undoLocalFix(u: LocalFixUndo): Promise<{ ok: true } | { ok: false; detail: string }> {
  if (u.kind === 'chmod') {
    try {
      const mode = (await fs.stat(u.file)).mode & 0o7777;
      if (mode !== 0o600) return { ok: false, detail: `mode is now 0${mode.toString(8)}, not the 0600 CVM Doctor set` };
      await fs.chmod(u.file, u.mode);
      return { ok: true };
    } catch (e) {
      return { ok: false, detail: (e as NodeJS.ErrnoException).code ?? String(e) };
    }
  }
  const r = await execBounded('icacls', [u.dir, '/restore', u.backup], ICACLS_MS);
  return r.code === 0 ? { ok: true } : { ok: false, detail: `icacls /restore: ${(r.stderr || r.stdout).trim() || r.code}` };
}
