/**
 * "Save ticket pack": the redacted Markdown + JSON for Tencent Cloud support (core/ticketPack.ts
 * builds and redacts them), written where the user picks in a save dialog with a suggested
 * name, then Open / Reveal as Save HTML does. The secrets this window knows (the instance's
 * saved password and passphrase, the Tencent Cloud keys) are handed to the redaction so they
 * cannot appear even where no pattern would catch them.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import { buildTicketPack } from '../../core/ticketPack';
import { t } from '../i18n';
import type { Logger } from '../log';
import { ticketFileName } from './exportName';
import type { ReportPanel } from './panel';
import { offerOpenReveal } from './savedFile';

/** The JSON twin of the Markdown file: same folder and name, `.json`. */
export function jsonTwin(mdPath: string): string {
  return `${mdPath.replace(/\.md$/i, '')}.json`;
}

export async function saveTicketPack(panel: ReportPanel, secrets: () => Promise<Array<string | undefined>>, log: Logger): Promise<vscode.Uri | undefined> {
  const report = panel.report;
  if (!report) return undefined;
  const folder = vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file')?.uri.fsPath ?? os.homedir();
  const defaultUri = vscode.Uri.file(path.join(folder, ticketFileName(panel.target.name ?? panel.target.host, report.startedAt)));
  const uri = await vscode.window.showSaveDialog({ filters: { Markdown: ['md'] }, defaultUri, title: t('Save ticket pack') });
  if (!uri) return undefined;
  const json = jsonTwin(uri.fsPath);
  // The dialog confirmed replacing the Markdown file; its JSON twin is asked about here.
  if (fs.existsSync(json)) {
    const replace = t('Replace');
    if (await vscode.window.showWarningMessage(t('{0} already exists. Replace it?', path.basename(json)), { modal: true }, replace) !== replace) return undefined;
  }
  const pack = buildTicketPack({ report, secrets: await secrets(), generatedAt: new Date().toISOString() });
  await fs.promises.writeFile(uri.fsPath, pack.markdown, 'utf8');
  await fs.promises.writeFile(json, pack.json, 'utf8');
  log.info('panel', `${panel.target.name ?? panel.target.host}: ticket pack saved to ${uri.fsPath} and ${json}`);
  await offerOpenReveal(t('Ticket pack saved to {0} and {1}.', uri.fsPath, json), uri);
  return uri;
}
