/**
 * The one "Diagnose all" summary panel: re-rendered (at most every UPDATE_MS) as verdicts
 * arrive; a click on a row asks the owner to open that instance's report. Its own panel
 * type, so the report panels already open are never touched by a sweep.
 */
import * as vscode from 'vscode';
import { Disposable } from '../lifecycle';
import { makeNonce } from '../report/webviewHtml';
import { buildSummaryHtml, type SummaryView } from './summaryHtml';

export const SUMMARY_VIEW_TYPE = 'cvmDoctor.sweepSummary';
const UPDATE_MS = 250;

export class SweepSummaryPanel extends Disposable {
  private static current: SweepSummaryPanel | undefined;
  private view: SummaryView | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;

  static show(extensionUri: vscode.Uri, title: string, onOpen: (id: string) => void): SweepSummaryPanel {
    const existing = SweepSummaryPanel.current;
    if (existing && !existing.isDisposed) {
      existing.onOpen = onOpen;
      existing.panel.title = title;
      existing.panel.reveal(existing.panel.viewColumn ?? vscode.ViewColumn.Active, false);
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(SUMMARY_VIEW_TYPE, title, vscode.ViewColumn.Active, {
      enableScripts: true,
      retainContextWhenHidden: false,
      localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'media')],
    });
    SweepSummaryPanel.current = new SweepSummaryPanel(extensionUri, panel, onOpen);
    return SweepSummaryPanel.current;
  }

  private constructor(private readonly extensionUri: vscode.Uri, readonly panel: vscode.WebviewPanel, private onOpen: (id: string) => void) {
    super();
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'activity.svg');
    this._register(panel.onDidDispose(() => this.dispose()));
    this._register(panel.webview.onDidReceiveMessage((m: unknown) => {
      const id = (m as { type?: unknown; id?: unknown } | null)?.type === 'open' ? (m as { id?: unknown }).id : undefined;
      if (typeof id === 'string' && id) this.onOpen(id);
    }));
    // Hidden and shown again, the webview reloads: render the last view once more.
    this._register(panel.onDidChangeViewState(() => { if (panel.visible && this.view) this.render(); }));
  }

  /** The latest view; rendered now when `now`, else within UPDATE_MS (a burst is one render). */
  update(view: SummaryView, now = false): void {
    this.view = view;
    if (this.isDisposed) return;
    if (now) {
      clearTimeout(this.timer);
      this.timer = undefined;
      this.render();
    } else if (!this.timer) {
      this.timer = setTimeout(() => { this.timer = undefined; this.render(); }, UPDATE_MS);
    }
  }

  private render(): void {
    if (!this.view || this.isDisposed) return;
    const w = this.panel.webview;
    const media = vscode.Uri.joinPath(this.extensionUri, 'media');
    w.html = buildSummaryHtml(this.view, {
      cspSource: w.cspSource,
      nonce: makeNonce(),
      styleUris: ['report.css', 'sweep.css'].map((f) => w.asWebviewUri(vscode.Uri.joinPath(media, f)).toString()),
    });
  }

  override dispose(): void {
    if (this.isDisposed) return;
    clearTimeout(this.timer);
    if (SweepSummaryPanel.current === this) SweepSummaryPanel.current = undefined;
    super.dispose();
    this.panel.dispose();
  }
}
