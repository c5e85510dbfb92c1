/**
 * One class owns each report panel's whole life: `createOrShow` reveals the panel for a
 * target key or creates it, `revive` adopts a panel restored by the serializer, and
 * `dispose` releases every listener. Messages to the webview wait for its `ready`; nothing is
 * posted once the panel is closed. The panel owns its run's AbortSignal: its Stop button and
 * closing its tab both cancel the run.
 */
import * as vscode from 'vscode';
import { CancelledError, type Check, type Lang, type Report } from '../../core/model';
import { isFromWebview, isPersistedState, type FromWebview, type PanelState, type PendingCheck, type PersistedState, type ReportTargetView, type ToWebview } from '../../shared/protocol';
import { Disposable } from '../lifecycle';
import { buildShellHtml, makeNonce } from './webviewHtml';
import { t } from '../i18n';

export const VIEW_TYPE = 'cvmDoctor.report';

export interface PanelHost {
  extensionUri: vscode.Uri;
  /** Builds the full state (labels in the current report language). */
  stateFor(target: ReportTargetView, current: PanelCurrent): PanelState;
  onMessage(panel: ReportPanel, m: FromWebview): void;
}

export interface PanelCurrent {
  report?: Report;
  checks: Check[];
  running: boolean;
  error?: string;
  note?: string;
  /** Checks under way (none when omitted). */
  pending?: PendingCheck[];
}

/** Why a run ended early: the report's Stop, or its tab was closed. */
export type StopReason = 'stopped' | 'closed';

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
  private inProgress: PendingCheck[] = [];
  private run?: { abort: AbortController; reason?: StopReason };

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
    return this.host.stateFor(this.target, { report: this.report, checks: this.checks, running: this.running, error: this.error, note: this.note, pending: this.inProgress });
  }

  private post(m: ToWebview): void {
    if (this.isDisposed) return; // a closed panel's webview is gone: never post to it
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

  /** Starts a run; the signal aborts (with CancelledError) on Stop or when the tab closes. */
  startRun(): AbortSignal {
    this.running = true;
    this.checks = [];
    this.inProgress = [];
    this.error = undefined;
    this.note = undefined;
    this.run = { abort: new AbortController() };
    this.refresh();
    return this.run.abort.signal;
  }

  /** Cancels the run under way, if any (the report's Stop). */
  stop(reason: StopReason = 'stopped'): void {
    const run = this.run;
    if (!run || !this.running || run.abort.signal.aborted) return;
    run.reason = reason;
    run.abort.abort(new CancelledError());
  }

  /** Why the last run was cancelled from the panel, if it was. */
  get stopReason(): StopReason | undefined {
    return this.run?.reason;
  }

  /** The panel now shows another target (e.g. saved as an instance, or moved to another port). */
  retarget(target: ReportTargetView): void {
    if (this.isDisposed) return;
    if (target.key !== this.target.key) {
      if (ReportPanel.panels.get(this.target.key) === this) ReportPanel.panels.delete(this.target.key);
      ReportPanel.panels.get(target.key)?.dispose(); // one panel per target
      ReportPanel.panels.set(target.key, this);
    }
    this.target = target;
    this.panel.title = ReportPanel.titleFor(target);
    this.refresh();
  }

  get disposed(): boolean {
    return this.isDisposed;
  }

  /** A check under way (the engine's onCheckStart). */
  startCheck(p: PendingCheck): void {
    this.inProgress = [...this.inProgress.filter((x) => x.id !== p.id), p];
    this.post({ type: 'checkStart', pending: p });
  }

  /** A one-line note above the report (e.g. "the rule was added; re-run"). */
  setNote(text: string): void {
    this.note = text;
    this.refresh();
  }

  pushCheck(c: Check): void {
    this.inProgress = this.inProgress.filter((x) => x.id !== c.id);
    this.checks = [...this.checks.filter((x) => x.id !== c.id), c];
    this.post({ type: 'check', check: c });
  }

  setReport(r: Report, tell?: (lang: Lang) => Report): void {
    this.report = r;
    this.tell = tell;
    this.running = false;
    this.inProgress = [];
    this.error = undefined;
    this.checks = r.checks;
    this.refresh();
  }

  /** The finished verdict's title in both languages (for the store), when the run can tell it. */
  verdictTitles(): Record<Lang, string> | undefined {
    if (!this.tell || !this.report) return undefined;
    return { en: this.tell('en').verdict.title, ko: this.tell('ko').verdict.title };
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
    this.inProgress = [];
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
    this.stop('closed'); // closing the tab cancels its run
    if (ReportPanel.panels.get(this.target.key) === this) ReportPanel.panels.delete(this.target.key);
    super.dispose();
    this.panel.dispose();
  }
}
