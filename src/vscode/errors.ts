/** describeError (errorText.ts) with VS Code's translator and the UI's language. */
import * as vscode from 'vscode';
import { describeError } from './errorText';
import { effectiveLang } from './i18n';

export function userMessage(e: unknown): string {
  return describeError(e, (m, ...args) => vscode.l10n.t(m, ...args), effectiveLang('auto'));
}
