/**
 * The local repairs a report can offer, read from its own checks: a private key or a config
 * file whose permissions OpenSSH refuses — `chmod 600` on Linux/macOS, the documented icacls
 * repair on Windows. Pure: what to show before anything runs, and what an undo restores.
 * The writes are src/probes/localFix.ts; the preview and confirmation are the adapter's.
 */
import { octalMode } from './keyFormat';
import type { LocalConfigResult, LocalKeyResult } from './localModel';
import type { Report } from './model';
import { shellQuote } from './sshCommand';
import { icaclsRepair, type AclEntry } from './windowsLocal';

export type LocalFix =
  | { kind: 'chmod'; file: string; what: 'key' | 'config'; /** The mode seen by the diagnosis. */ mode: number; preview: string }
  | { kind: 'icacls'; file: string; what: 'key'; user: string; tooOpen: AclEntry[]; preview: string };

/** What an applied fix needs to be undone. */
export type LocalFixUndo =
  | { kind: 'chmod'; file: string; mode: number }
  | { kind: 'icacls'; file: string; dir: string; backup: string };

/** The fix the report's Local checks call for, if any (the first refused key, else a config
 *  file OpenSSH refuses for its permissions). `backup`: where icacls saves the ACL for undo. */
export function localFixFor(report: Report, backup = '<backup-file>'): LocalFix | undefined {
  const keys = (report.checks.find((c) => c.id === 'local.keys')?.evidence.keys ?? []) as LocalKeyResult[];
  for (const k of keys) {
    if (!k.refused || k.source === 'default') continue;
    if (k.mode !== undefined) return { kind: 'chmod', file: k.path, what: 'key', mode: k.mode, preview: `chmod 600 ${shellQuote(k.path)} # ${octalMode(k.mode)} → 0600` };
    if (k.acl && 'tooOpen' in k.acl && k.acl.user) {
      const dir = k.path.replace(/[\\/][^\\/]*$/, '') || '.';
      return { kind: 'icacls', file: k.path, what: 'key', user: k.acl.user, tooOpen: k.acl.tooOpen, preview: icaclsRepair(k.path, k.acl.user, k.acl.tooOpen, backup, dir).preview };
    }
  }
  const cfg = report.checks.find((c) => c.id === 'local.config')?.evidence as LocalConfigResult | undefined;
  if (cfg?.outcome === 'error' && cfg.error.kind === 'permissions' && cfg.error.file && report.verdict.code === 'LOCAL_CONFIG_ERROR') {
    const mode = (cfg as { mode?: number }).mode;
    return { kind: 'chmod', file: cfg.error.file, what: 'config', mode: mode ?? -1, preview: `chmod 600 ${shellQuote(cfg.error.file)}` };
  }
  return undefined;
}
