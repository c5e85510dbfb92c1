/**
 * The report's local repair button and its undo: a private key (or ~/.ssh/config) whose
 * permissions OpenSSH refuses. The exact command is shown first in a modal and runs only
 * after the user confirms; the old mode (Windows: the saved ACL) is kept per report so
 * "Restore the previous permissions" puts it back. The plan is core/localFix.ts, the writes
 * probes/localFix.ts.
 */
import * as path from 'path';
import * as vscode from 'vscode';
import { localFixFor, type LocalFix, type LocalFixUndo } from '../../core/localFix';
import type { Report } from '../../core/model';
import { applyLocalFix, undoLocalFix } from '../../probes/localFix';
import { Disposable } from '../lifecycle';
import { t } from '../i18n';
import type { Logger } from '../log';

/** globalState key (paths and modes only): the undo records, by report panel key. */
export const LOCAL_UNDO_KEY = 'cvmDoctor.localFixUndo';

/** Asks the user; resolves true only on the explicit confirmation. Injected by tests. */
export type Confirm = (message: string, detail: string, action: string) => Promise<boolean>;

const modal: Confirm = async (message, detail, action) => {
  const yes: vscode.MessageItem = { title: action };
  return (await vscode.window.showWarningMessage(message, { modal: true, detail }, yes)) === yes;
};

type Stored = Record<string, LocalFixUndo>;

function sanitize(v: unknown): Stored {
  const out: Stored = {};
  if (!v || typeof v !== 'object') return out;
  for (const [k, u] of Object.entries(v as Record<string, unknown>)) {
    const o = u as Record<string, unknown>;
    if (o?.kind === 'chmod' && typeof o.file === 'string' && typeof o.mode === 'number') out[k] = { kind: 'chmod', file: o.file, mode: o.mode };
    else if (o?.kind === 'icacls' && typeof o.file === 'string' && typeof o.dir === 'string' && typeof o.backup === 'string') out[k] = { kind: 'icacls', file: o.file, dir: o.dir, backup: o.backup };
  }
  return out;
}

export class LocalPermissionFix extends Disposable {
  private readonly emitter = this._register(new vscode.EventEmitter<void>());
  readonly onDidChange = this.emitter.event;

  constructor(private readonly state: vscode.Memento, private readonly backupDir: string, private readonly log: Logger) {
    super();
  }

  /** The fix the report calls for, with the command shown before it runs. */
  offer(report: Report | undefined): LocalFix | undefined {
    return report ? localFixFor(report, path.join(this.backupDir, 'acl-<time>.txt')) : undefined;
  }

  undoFor(key: string): LocalFixUndo | undefined {
    return sanitize(this.state.get<unknown>(LOCAL_UNDO_KEY, {}))[key];
  }

  private async store(key: string, u: LocalFixUndo | undefined): Promise<void> {
    const all = sanitize(this.state.get<unknown>(LOCAL_UNDO_KEY, {}));
    if (u) all[key] = u;
    else delete all[key];
    await this.state.update(LOCAL_UNDO_KEY, all);
    this.emitter.fire();
  }

  /** Shows the command, runs it after confirmation, keeps the undo. True when applied. */
  async apply(key: string, report: Report, confirm: Confirm = modal): Promise<boolean> {
    const fix = this.offer(report);
    if (!fix) return false;
    const what = fix.what === 'config' ? t('your ssh config file') : t('your private key');
    const ok = await confirm(
      t('CVM Doctor will make {0} readable by you only, so that OpenSSH accepts it:', what),
      `${fix.preview}\n\n${t('File: {0}. You can restore the previous permissions from the report afterwards.', fix.file)}`,
      t('Fix the permissions'),
    );
    if (!ok) return false;
    const r = await applyLocalFix(fix, this.backupDir);
    if (!r.ok) {
      this.log.warn('panel', `${fix.file}: ${r.reason} ${r.detail}`);
      void vscode.window.showErrorMessage(r.reason === 'changed'
        ? t('{0} changed since the diagnosis ({1}): nothing was done. Re-run the diagnosis first.', fix.file, r.detail)
        : t('Could not fix the permissions of {0}: {1}', fix.file, r.detail));
      return false;
    }
    this.log.info('panel', `${fix.kind} ${fix.file} applied`);
    await this.store(key, r.undo);
    return true;
  }

  /** Restores the permissions the fix replaced, after confirmation. True when restored. */
  async undo(key: string, confirm: Confirm = modal): Promise<boolean> {
    const u = this.undoFor(key);
    if (!u) return false;
    const detail = u.kind === 'chmod' ? `chmod ${u.mode.toString(8).padStart(4, '0')} ${u.file}` : `icacls "${u.dir}" /restore "${u.backup}"`;
    const ok = await confirm(t('Restore the permissions {0} had before CVM Doctor changed them?', u.file), detail, t('Restore the previous permissions'));
    if (!ok) return false;
    const r = await undoLocalFix(u);
    if (!r.ok) {
      void vscode.window.showErrorMessage(t('Could not restore the permissions of {0}: {1}', u.file, r.detail));
      return false;
    }
    await this.store(key, undefined);
    return true;
  }
}
