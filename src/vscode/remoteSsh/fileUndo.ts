/**
 * The undo of the last change CVM Doctor made to one of the user's files (known_hosts,
 * ~/.ssh/config) or settings, per report target. Kept in memory for the session: the backup
 * file (known_hosts.old, config.cvm-doctor.bak) stays on disk for later.
 */
import * as vscode from 'vscode';
import { t } from '../i18n';
import type { FileChange } from '../../probes/files';
import { undoFileChange } from '../../probes/hostKeyTrust';
import { Disposable } from '../lifecycle';

type Entry = { what: string } & ({ kind: 'file'; file: string; change: FileChange } | { kind: 'run'; run: () => Promise<void> });

export class FileUndo extends Disposable {
  private readonly entries = new Map<string, Entry>();
  private readonly changed = this._register(new vscode.EventEmitter<string>());
  readonly onDidChange = this.changed.event;

  rememberFile(key: string, what: string, file: string, change: FileChange): void {
    this.entries.set(key, { kind: 'file', what, file, change });
    this.changed.fire(key);
  }

  rememberRun(key: string, what: string, run: () => Promise<void>): void {
    this.entries.set(key, { kind: 'run', what, run });
    this.changed.fire(key);
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  /** Puts the file back (refused when it changed again since). True when undone. */
  async undo(key: string): Promise<boolean> {
    const e = this.entries.get(key);
    if (!e) return false;
    if (e.kind === 'run') {
      await e.run();
    } else {
      const r = await undoFileChange(e.file, e.change);
      if (!r.ok) {
        void vscode.window.showWarningMessage(r.code === 'ECHANGED'
          ? t('{0} changed since CVM Doctor wrote it: nothing was undone.', e.file)
          : t('{0} could not be restored ({1}).', e.file, r.code));
        return false;
      }
    }
    this.entries.delete(key);
    this.changed.fire(key);
    void vscode.window.showInformationMessage(t('Undone: {0}', e.what));
    return true;
  }
}
