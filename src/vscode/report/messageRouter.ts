/**
 * Answers the report panel's messages: re-run, stop, the verdict's next steps (actions.ts,
 * carried out by actionHandlers.ts: the host-key and Remote-SSH ones too), copy a command, copy the report as Markdown, save it as
 * HTML, open a documentation link (https only; the webview never navigates itself), the
 * cloud fix with its undo, and the VNC console.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import { renderHtml } from '../../core/render/html';
import { renderMarkdown } from '../../core/render/markdown';
import type { FromWebview } from '../../shared/protocol';
import type { OpenPortFix } from '../cloud/openPortFix';
import type { VncConsole } from '../cloud/vncConsole';
import type { Logger } from '../log';
import type { LocalPermissionFix } from './localFix';
import type { ReportActionHandlers } from './actionHandlers';
import { htmlFileName } from './exportName';
import type { ReportPanel } from './panel';
import { offerOpenReveal } from './savedFile';
import { t } from '../i18n';

export interface RouterDeps {
  rerun(panel: ReportPanel): Promise<unknown>;
  actions: Pick<ReportActionHandlers, 'run'>;
  openPort: Pick<OpenPortFix, 'apply' | 'undo'>;
  localFix?: Pick<LocalPermissionFix, 'apply' | 'undo'>;
  vnc: Pick<VncConsole, 'open'>;
  log: Logger;
}

export class ReportMessageRouter {
  constructor(private readonly deps: RouterDeps) {}

  handle(panel: ReportPanel, m: FromWebview): void {
    void this.answer(panel, m).catch((e: unknown) => this.deps.log.error('panel', e instanceof Error ? e : String(e)));
  }

  private async answer(panel: ReportPanel, m: FromWebview): Promise<void> {
    switch (m.type) {
      case 'rerun':
        await this.deps.rerun(panel);
        return;
      case 'stop':
        panel.stop('stopped');
        return;
      case 'action':
        await this.deps.actions.run(panel, m.action);
        return;
      case 'copyText':
        await vscode.env.clipboard.writeText(m.text);
        panel.notifyCopied(m.id);
        return;
      case 'copyMarkdown':
        if (!panel.report) return;
        await vscode.env.clipboard.writeText(renderMarkdown(panel.report));
        void vscode.window.showInformationMessage(t('Report copied as Markdown.'));
        return;
      case 'saveHtml':
        await this.saveHtml(panel);
        return;
      case 'openLink': {
        // Only web documentation links; the webview never navigates itself.
        let u: vscode.Uri;
        try {
          u = vscode.Uri.parse(m.url, true);
        } catch {
          return;
        }
        if (u.scheme !== 'https') return;
        await vscode.env.openExternal(u);
        return;
      }
      case 'openPort':
      case 'undoOpenPort':
        await this.fixOrUndo(panel, this.deps.openPort, m.type === 'openPort', m.type === 'openPort'
          ? t('The rule was added. Re-run the diagnosis to see the effect.')
          : t('The rule CVM Doctor added was removed. Re-run the diagnosis to see the effect.'));
        return;
      case 'fixLocal':
      case 'undoFixLocal':
        if (!this.deps.localFix) return;
        await this.fixOrUndo(panel, this.deps.localFix, m.type === 'fixLocal', m.type === 'fixLocal'
          ? t('The permissions were fixed. Re-run the diagnosis to see the effect.')
          : t('The previous permissions were restored.'));
        return;
      case 'openVnc':
        // Fetched now, opened at once: the URL expires within seconds and is never kept.
        await this.deps.vnc.open(panel.target.key);
        return;
      case 'ready':
        return;
    }
  }

  /** A fix of the report's target (it previews and confirms itself) or its undo; once done,
   *  `text` as the note above the report and with "Re-run". */
  private async fixOrUndo(panel: ReportPanel, fix: Pick<OpenPortFix | LocalPermissionFix, 'apply' | 'undo'>, apply: boolean, text: string): Promise<void> {
    const key = panel.target.key;
    const done = apply ? !!panel.report && await fix.apply(key, panel.report) : await fix.undo(key);
    if (!done) return;
    panel.setNote(text);
    const rerun = t('Re-run');
    if (await vscode.window.showInformationMessage(text, rerun) === rerun) await this.deps.rerun(panel);
  }

  /** Save HTML: a named file in the workspace (or the home folder), then Open / Reveal. */
  private async saveHtml(panel: ReportPanel): Promise<void> {
    const report = panel.report;
    if (!report) return;
    const folder = vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file')?.uri.fsPath ?? os.homedir();
    const defaultUri = vscode.Uri.file(path.join(folder, htmlFileName(panel.target.name ?? panel.target.host, report.startedAt)));
    const uri = await vscode.window.showSaveDialog({ filters: { HTML: ['html'] }, defaultUri, title: t('Save HTML') });
    if (!uri) return;
    await fs.promises.writeFile(uri.fsPath, renderHtml(report), 'utf8');
    this.deps.log.info('panel', `${panel.target.name ?? panel.target.host}: report saved to ${uri.fsPath}`);
    await offerOpenReveal(t('Report saved to {0}.', uri.fsPath), uri);
  }
}
