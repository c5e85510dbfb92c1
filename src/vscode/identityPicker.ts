/**
 * The one key file picker: the wizard's identity step, the report's "Set credentials…" and
 * the Credentials… command's "Choose identity file…" all show it. It lists the private keys in ~/.ssh (probes/files.ts, by name only), the
 * current file when it lives elsewhere, "No identity file" where none is a valid answer, and
 * "Choose a key file…", which opens the file dialog in ~/.ssh (report/keyPicker.ts); a dialog
 * closed without a file returns to the list.
 */
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import { listPrivateKeys } from '../probes/files';
import { t } from './i18n';
import { pickStep, type StepContext } from './instances/steps';
import { keyPickerStart } from './report/keyPicker';

type KeyItem = vscode.QuickPickItem & { file?: string; browse?: true };

/** A path with the home folder shown as `~`. */
export const tilde = (p: string): string => {
  const home = os.homedir();
  return p === home ? '~' : p.startsWith(home + path.sep) ? '~' + p.slice(home.length) : p;
};

/** The chosen key file ('' for "No identity file", offered only with `none`), or Back / Escape. */
export async function pickIdentityFile(ctx: StepContext, current: string, o: { none: boolean }): Promise<{ file: string } | 'back' | 'cancel'> {
  const sshDir = path.join(os.homedir(), '.ssh');
  for (;;) {
    const found = await listPrivateKeys(sshDir, { timeoutMs: 2000 });
    const files = found.ok ? found.value : [];
    if (current && !files.includes(current)) files.unshift(current);
    const none: KeyItem | undefined = o.none ? { label: `$(circle-slash) ${t('No identity file')}`, description: t('ssh-agent and the default keys'), file: '' } : undefined;
    const items: KeyItem[] = [
      ...(none ? [none] : []),
      ...files.map((f): KeyItem => ({ label: `$(key) ${path.basename(f)}`, description: tilde(f), file: f })),
      { label: `$(folder-opened) ${t('Choose a key file…')}`, description: tilde(sshDir), browse: true },
    ];
    const active = items.find((i) => i.file !== undefined && i.file === current) ?? none;
    const r = await pickStep(ctx, items, { placeHolder: t('The private key SSH logs in with'), ...(active ? { active } : {}) });
    if (r === 'back' || r === 'cancel') return r;
    if (!r.item.browse) return { file: r.item.file ?? '' };
    const uris = await vscode.window.showOpenDialog({
      canSelectFiles: true, canSelectFolders: false, canSelectMany: false,
      defaultUri: vscode.Uri.file(keyPickerStart()),
      openLabel: t('Use this key'),
      title: t('Choose a key file…'),
    });
    if (uris?.[0]) return { file: uris[0].fsPath };
    // Dialog closed without a file: back to the list.
  }
}
