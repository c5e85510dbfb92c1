/**
 * One class owns each report panel's whole life: `createOrShow` reveals the panel for a
 * target key or creates it, `revive` adopts a panel restored by the serializer, and
 * `dispose` releases every listener. Messages to the webview wait for its `ready`.
 */
import * as vscode from 'vscode';
import type { Check, Lang, Report } from '../../core/model';
import { isFromWebview, isPersistedState, type FromWebview, type PanelState, type PersistedState, type ReportTargetView, type ToWebview } from '../../shared/protocol';
import { Disposable } from '../lifecycle';
import { buildShellHtml, makeNonce } from './webviewHtml';
import { t } from '../i18n';

export const VIEW_TYPE = 'cvmDoctor.report';

export interface PanelHost {
  extensionUri: vscode.Uri;
  /** Builds the full state (labels in the current report language). */
  stateFor(target: ReportTargetView, current: { report?: Report; checks: Check[]; running: boolean; error?: string; note?: string }): PanelState;
  onMessage(panel: ReportPanel, m: FromWebview): void;
}

export class ReportPanel extends Disposable {
  private static readonly panels = new Map<string, ReportPanel>();
  private ready = false;
  private pending: ToWebview[] = [];
  report?: Report;
  /** Tells the finished run in another language from its evidence (none for a restored panel). */
  private tell?: (lang: Lang) => Report;
  private checks: Check[] = [];
  private running = false;
  private error?: string;
  private note?: string;

  static get(key: string): ReportPanel | undefined {
    return ReportPanel.panels.get(key);
  }

  static all(): ReportPanel[] {
    return [...ReportPanel.panels.values()];
  }

  static createOrShow(host: PanelHost, target: ReportTargetView): ReportPanel {
    const existing = ReportPanel.panels.get(target.key);
    if (existing) {
      existing.target = target;
      existing.panel.reveal(existing.panel.viewColumn ?? vscode.ViewColumn.Active, false);
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(VIEW_TYPE, ReportPanel.titleFor(target), vscode.ViewColumn.Active, ReportPanel.options(host.extensionUri));
    try {
      return new ReportPanel(host, panel, target);
    } catch (e) {
      panel.dispose(); // never leave an empty panel behind
      throw e;
    }
  }

  /** For the serializer: adopt a restored panel, or dispose it when its state is unusable. */
  static revive(host: PanelHost, panel: vscode.WebviewPanel, state: unknown): ReportPanel | undefined {
    if (!isPersistedState(state) || ReportPanel.panels.has(state.target.key)) {
      panel.dispose();
      return undefined;
    }
    panel.webview.options = ReportPanel.options(host.extensionUri);
    const p = new ReportPanel(host, panel, state.target);
    if (state.report) p.setReport(state.report);
    return p;
  }

  static options(extensionUri: vscode.Uri): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    return {
      enableScripts: true,
      retainContextWhenHidden: false,
      localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'media')],
    };
  }

  private static titleFor(target: ReportTargetView): string {
    return t('CVM Doctor: {0}', target.name ?? target.host);
  }

  private constructor(private readonly host: PanelHost, readonly panel: vscode.WebviewPanel, public target: ReportTargetView) {
    super();
    const webview = panel.webview;
    const media = vscode.Uri.joinPath(host.extensionUri, 'media');
    webview.html = buildShellHtml({
      cspSource: webview.cspSource,
      nonce: makeNonce(),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(media, 'report.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(media, 'report.css')).toString(),
      lang: vscode.env.language,
      title: ReportPanel.titleFor(target),
    });
    panel.iconPath = vscode.Uri.joinPath(media, 'activity.svg');
    ReportPanel.panels.set(target.key, this);
    this._register(panel.onDidDispose(() => this.dispose()));
    this._register(
      webview.onDidReceiveMessage((m: unknown) => {
        if (!isFromWebview(m)) return;
        if (m.type === 'ready') {
          this.ready = true;
          // A reloaded webview (hidden and shown again) starts from scratch: resend everything.
          this.pending = [];
          this.post({ type: 'state', state: this.state() });
          return;
        }
        this.host.onMessage(this, m);
      }),
    );
    this._register(panel.onDidChangeViewState(() => {
      if (!panel.visible) this.ready = false;
    }));
  }

  private state(): PanelState {
    return this.host.stateFor(this.target, { report: this.report, checks: this.checks, running: this.running, error: this.error, note: this.note });
  }

  private post(m: ToWebview): void {
    if (!this.ready) {
      if (m.type === 'state') this.pending = [m];
      else this.pending.push(m);
      return;
    }
    void this.panel.webview.postMessage(m);
  }

  /** Re-sends the whole state (e.g. after the language setting changed). */
  refresh(): void {
    this.post({ type: 'state', state: this.state() });
  }

  startRun(): void {
    this.running = true;
    this.checks = [];
    this.error = undefined;
    this.note = undefined;
    this.refresh();
  }

  /** A one-line note above the report (e.g. "the rule was added; re-run"). */
  setNote(text: string): void {
    this.note = text;
    this.refresh();
  }

  pushCheck(c: Check): void {
    this.checks = [...this.checks.filter((x) => x.id !== c.id), c];
    this.post({ type: 'check', check: c });
  }

  setReport(r: Report, tell?: (lang: Lang) => Report): void {
    this.report = r;
    this.tell = tell;
    this.running = false;
    this.error = undefined;
    this.checks = r.checks;
    this.refresh();
  }

  /** The finished report in `lang` (the language setting changed), without running again. */
  tellIn(lang: Lang): void {
    this.panel.title = ReportPanel.titleFor(this.target);
    if (this.running || !this.tell || !this.report || this.report.lang === lang) return;
    this.report = this.tell(lang);
    this.checks = this.report.checks;
  }

  setError(message: string): void {
    this.running = false;
    this.error = message;
    this.refresh();
  }

  get isRunning(): boolean {
    return this.running;
  }

  notifyCopied(id: string): void {
    this.post({ type: 'copied', id });
  }

  persisted(): PersistedState {
    return { version: 1, target: this.target, report: this.report };
  }

  override dispose(): void {
    if (this.isDisposed) return;
    if (ReportPanel.panels.get(this.target.key) === this) ReportPanel.panels.delete(this.target.key);
    super.dispose();
    this.panel.dispose();
  }
}
