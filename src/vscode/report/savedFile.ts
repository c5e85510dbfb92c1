/**
 * After a report export is written (Save HTML, Save ticket pack): "Saved to …" with Open and
 * Reveal. In a browser window (code-server, vscode.dev) the file lives on the remote side, so it
 * is shown in VS Code itself instead of the operating system.
 */
import * as vscode from 'vscode';
import { t } from '../i18n';

export async function offerOpenReveal(message: string, uri: vscode.Uri): Promise<void> {
  const open = t('Open');
  const reveal = t('Reveal');
  const choice = await vscode.window.showInformationMessage(message, open, reveal);
  const web = vscode.env.uiKind === vscode.UIKind.Web;
  if (choice === open) {
    if (web) await vscode.commands.executeCommand('vscode.open', uri);
    else await vscode.env.openExternal(uri);
  } else if (choice === reveal) {
    await vscode.commands.executeCommand(web ? 'revealInExplorer' : 'revealFileInOS', uri);
  }
}
