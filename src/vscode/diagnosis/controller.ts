/**
 * Diagnose CVM: resolves what to diagnose (tree item, status bar, palette pick or an ad-hoc
 * host), runs the engine under a cancellable progress notification that names each check as
 * it finishes (and, while a step waits, what it waits for and how long at most), and streams
 * the checks into that target's report panel. The run stops on the notification's Cancel, on
 * the report's Stop, and when the report's tab is closed. A saved Tencent Cloud instance also
 * gets the cloud's view (with the user's consent for in-guest checks). The panel's messages
 * are answered by report/messageRouter.ts; log lines name the run and the instance.
 */
import * as vscode from 'vscode';
import { checkName } from '../../core/jump';
import { isCancelled, type Report } from '../../core/model';
import { checkStartText } from '../../core/progress';
import type { FromWebview, PanelState, ReportTargetView } from '../../shared/protocol';
import { withCancellableProgress } from '../cancellation';
import type { TencentCloud } from '../cloud/tencent';
import { buildTarget, gatherCredentials, runDiagnosis, type TargetSpec } from './instanceDiagnosis';
import { errorMessage } from '../errorText';
import { userMessage } from '../errors';
import { effectiveLang, type Localizer, t } from '../i18n';
import { lastVerdictOf, type InstanceStore, type LastVerdict } from '../instances/store';
import { instanceFromArg } from '../instances/resolve';
import { adhocTargetWizard } from '../instances/wizard';
import type { LastReports } from './lastReports';
import type { Logger } from '../log';
import type { ReachabilityService } from '../reachability/service';
import { ReportActionHandlers } from '../report/actionHandlers';
import { reportLabels } from '../report/labels';
import type { LocalPermissionFix } from '../report/localFix';
import { ReportMessageRouter } from '../report/messageRouter';
import { ReportPanel, type PanelCurrent, type PanelHost } from '../report/panel';
import { readSettings } from '../settings';
import { HostKeyActions } from '../hostKeys/hostKeyActions';
import type { FileUndo } from '../remoteSsh/fileUndo';
import type { RemoteSshActions } from '../remoteSsh/remoteSsh';
import { RemoteReportActions } from '../remoteSsh/reportActions';

export class DiagnoseController implements PanelHost {
  private readonly router: ReportMessageRouter;
  /** Numbers the runs of this window, so the log can tell overlapping runs apart. */
  private runs = 0;

  constructor(
    readonly extensionUri: vscode.Uri,
    private readonly store: InstanceStore,
    private readonly reach: ReachabilityService,
    private readonly log: Logger,
    private readonly loc: Localizer,
    private readonly tencent: TencentCloud,
    remote: { undo: FileUndo; ssh: RemoteSshActions },
    private readonly localFix?: LocalPermissionFix,
    private readonly reports?: LastReports,
  ) {
    const rerun = (panel: { target: ReportTargetView }) => this.run(this.specFor(panel.target));
    const remoteActions = new RemoteReportActions(store, remote.undo, new HostKeyActions(log, remote.undo), remote.ssh, rerun);
    const rerunWithTrace = (panel: { target: ReportTargetView }) => this.run(this.specFor(panel.target), { trace: true });
    const secretsFor = async (panel: { target: ReportTargetView }) => {
      const inst = panel.target.key.startsWith('adhoc:') ? undefined : store.get(panel.target.key);
      const [password, passphrase, cloud] = await Promise.all([
        inst ? store.getSecret(inst.id, 'password') : undefined, inst ? store.getSecret(inst.id, 'passphrase') : undefined, tencent.credentials.get(),
      ]);
      return [password, passphrase, cloud?.secretId, cloud?.secretKey];
    };
    this.actions = new ReportActionHandlers({ store, log, rerun, rerunWithTrace, secretsFor, viewOf: (spec) => this.viewFor(spec), remote: remoteActions });
    this.router = new ReportMessageRouter({ rerun, actions: this.actions, openPort: tencent.openPort, vnc: tencent.vnc, log, ...(localFix ? { localFix } : {}) });
  }

  private readonly actions: ReportActionHandlers;

  private lang() {
    return effectiveLang(readSettings().language);
  }

  stateFor(target: ReportTargetView, cur: PanelCurrent): PanelState {
    const lang = cur.report?.lang ?? this.lang();
    const actions = this.actions.views(target, cur.report, cur.running, (m, ...a) => this.loc.t(lang, m, ...a));
    // Static labels follow the report's language so one page never mixes two languages.
    const cloudActions = target.key.startsWith('adhoc:') ? undefined : {
      openPort: !cur.running && this.tencent.openPort.canOffer(cur.report, target.key),
      undo: this.tencent.openPort.hasUndo(target.key),
      vnc: !!this.store.get(target.key)?.cloudInstanceId,
    };
    const localUndo = !!this.localFix?.undoFor(target.key);
    // Once applied, the undo is what is offered (the report still shows the old mode).
    const fix = !cur.running && !localUndo ? this.localFix?.offer(cur.report) : undefined;
    const localActions = fix || localUndo ? { ...(fix ? { fix: fix.preview } : {}), undo: localUndo } : undefined;
    return { target, lang, labels: reportLabels(this.loc, lang), ...cur, pending: cur.pending ?? [], actions, ...(cloudActions ? { cloudActions } : {}), ...(localActions ? { localActions } : {}) };
  }

  /** Command entry: `arg` is an instance id (status bar), a tree node, or nothing (palette). */
  async command(arg?: unknown): Promise<Report | undefined> {
    const spec: TargetSpec | undefined = arg === undefined || arg === null ? await this.pick() : instanceFromArg(arg, this.store);
    if (!spec) return undefined;
    return this.run(spec);
  }

  private async pick(): Promise<TargetSpec | undefined> {
    type Item = vscode.QuickPickItem & { id?: string };
    const items: Item[] = this.store.list().map((i) => ({
      label: `$(vm) ${i.name}`,
      description: `${i.user ? i.user + '@' : ''}${i.host}:${i.port} ${i.protocol.toUpperCase()}`,
      detail: this.store.verdicts()[i.id]?.code,
      id: i.id,
    }));
    items.push({ label: `$(edit) ${t('Enter a host…')}` });
    const picked = await vscode.window.showQuickPick(items, { title: t('Diagnose CVM'), placeHolder: t('Choose an instance to diagnose'), matchOnDescription: true });
    if (!picked) return undefined;
    if (picked.id) return this.store.get(picked.id);
    return adhocTargetWizard(t('Diagnose CVM'));
  }

  /** "Diagnose a host…": straight to the host box (a pasted ssh command fills the rest). */
  async diagnoseHost(): Promise<Report | undefined> {
    const spec = await adhocTargetWizard(t('Diagnose CVM'));
    return spec ? this.run(spec) : undefined;
  }

  /**
   * A click on an instance: its report panel when one is open and current, else its last
   * report (the one its verdict came from), else a new diagnosis. A report older than the
   * instance's verdict — or one left from before an edit cleared the verdict — is not shown.
   */
  async open(arg: unknown): Promise<Report | undefined> {
    const inst = instanceFromArg(arg, this.store);
    if (!inst) return undefined;
    const verdict = this.store.verdicts()[inst.id];
    const view = this.viewFor(inst);
    const panel = ReportPanel.get(view.key);
    if (panel && (panel.isRunning || (verdict && panel.report?.startedAt === verdict.at))) {
      ReportPanel.createOrShow(this, view);
      return panel.report;
    }
    const last = await this.reports?.load(inst.id, verdict);
    if (!last) return this.run(inst);
    ReportPanel.createOrShow(this, view).setReport(last);
    this.log.info('diagnose', `${inst.name}: showing the last report (${last.verdict.code}, ${last.startedAt})`);
    return last;
  }

  private viewFor(spec: TargetSpec): ReportTargetView {
    return {
      key: spec.id ?? `adhoc:${spec.host}:${spec.port}:${spec.protocol}`,
      name: spec.name,
      host: spec.host,
      port: spec.port,
      protocol: spec.protocol,
      user: spec.user,
    };
  }

  private specFor(view: ReportTargetView): TargetSpec {
    if (!view.key.startsWith('adhoc:')) {
      const inst = this.store.get(view.key);
      if (inst) return inst;
    }
    return { host: view.host, port: view.port, protocol: view.protocol, user: view.user, name: view.name };
  }

  async run(spec: TargetSpec, o: { trace?: boolean } = {}): Promise<Report | undefined> {
    const view = this.viewFor(spec);
    const panel = ReportPanel.createOrShow(this, view);
    if (panel.isRunning) return undefined; // one run per panel; the panel shows its progress
    const settings = readSettings();
    const lang = effectiveLang(settings.language);
    const target = buildTarget(spec, settings);
    // Asked before the run starts: the consent modal must not race the progress notification.
    const cloud = target.cloud ? await this.tencent.inspection.forDiagnosis(spec) : undefined;
    if (panel.isRunning || panel.disposed) return undefined;
    const panelSignal = panel.startRun();
    // "run 3 web-1": every line of this run says which run and which instance it belongs to.
    const tag = `run ${++this.runs} ${spec.name ?? `${spec.host}:${spec.port}`}:`;
    this.log.info('diagnose', `${tag} start ${target.protocol}://${target.host}:${target.port} lang=${lang} timeout=${target.timeoutMs}ms${cloud ? ` cloud=${target.cloud?.instanceId} guest=${cloud.guestChecks}` : ''}${o.trace ? ' trace' : ''}`);
    const labels = reportLabels(this.loc, lang);
    return withCancellableProgress(t('Diagnosing {0}', spec.name ?? spec.host),
      async (progress, notificationSignal) => {
        // The notification's Cancel, the report's Stop, or closing the report.
        const signal = AbortSignal.any([notificationSignal, panelSignal]);
        if (cloud) progress.report({ message: t('Probing the network and reading the Tencent Cloud view…') });
        // What the notification shows: the latest step still waiting, else the last one done.
        const waiting = new Map<string, string>();
        const showWaiting = (fallback: string) => progress.report({ message: [...waiting.values()].pop() ?? fallback });
        try {
          const credentials = await gatherCredentials(spec, this.store, this.log, (file, reason) => {
            void vscode.window.showWarningMessage(t('Identity file of "{0}" cannot be read ({1}): {2}. The key login is not tested.', spec.name ?? spec.host, reason, file));
          }, target.timeoutMs);
          const run = await runDiagnosis(target, {
            lang,
            credentials,
            log: this.log,
            logPrefix: tag,
            signal,
            cloud: cloud?.cloud,
            guestChecks: cloud?.guestChecks,
            ...(o.trace ? { trace: true } : {}),
            ...(settings.sshPath ? { sshPath: settings.sshPath } : {}),
            onCheckStart: (st) => {
              const text = checkStartText(st, lang);
              const line = `${labels.checkNames[st.id] ?? st.id}: ${text}`;
              this.log.debug('diagnose', `${tag} check ${st.id} started: ${text}`);
              waiting.set(st.id, line);
              showWaiting(line);
              panel.startCheck({ id: st.id, text });
            },
            onCheck: (c) => {
              this.log.debug('diagnose', `${tag} check ${c.id} ${c.status} ${Math.round(c.durationMs)}ms: ${c.summary}`);
              waiting.delete(c.id);
              showWaiting(`${checkName(c.id, lang)}: ${labels.status[c.status]}`);
              panel.pushCheck(c);
            },
          });
          const report = run.report;
          panel.setReport(report, run.in);
          this.log.info('diagnose', `${tag} verdict ${report.verdict.code} in ${Math.round(report.durationMs)}ms`);
          if (spec.id) await this.keep(spec.id, report, { en: run.in('en').verdict.title, ko: run.in('ko').verdict.title });
          return report;
        } catch (e) {
          if (isCancelled(e)) {
            const why = panel.stopReason === 'closed' ? 'the report was closed' : panel.stopReason === 'stopped' ? 'stopped from the report' : 'cancelled from the notification';
            this.log.info('diagnose', `${tag} cancelled: ${why}`);
            panel.setError(t('Diagnosis cancelled.'));
            return undefined;
          }
          this.log.error('diagnose', `${tag} ${errorMessage(e)}`);
          panel.setError(t('The diagnosis could not run: {0}', userMessage(e)));
          return undefined;
        }
      },
    );
  }

  /** Shows a report made elsewhere (a "Diagnose all" row): in the instance's own panel,
   *  unless that panel is running a diagnosis of its own, which is then only revealed. */
  showReport(spec: TargetSpec, report: Report): void {
    const panel = ReportPanel.createOrShow(this, this.viewFor(spec));
    if (!panel.isRunning) panel.setReport(report);
  }

  /** A finished report of a saved instance: kept for its row's click (LastReports), its
   *  verdict on the tree, then a fresh reachability check. Diagnose and Diagnose all share it. */
  async keep(id: string, report: Report, titles?: LastVerdict['titles']): Promise<void> {
    if (!this.store.get(id)) return;
    await this.reports?.save(id, report).catch((e: unknown) => this.log.warn('diagnose', `cannot keep the report: ${errorMessage(e)}`));
    await this.store.setVerdict(id, lastVerdictOf(report, titles));
    this.reach.checkNow(id);
  }

  onMessage(panel: ReportPanel, m: FromWebview): void {
    this.router.handle(panel, m);
  }

  /** The serializer: restore report panels after a reload. */
  serializer(): vscode.WebviewPanelSerializer {
    return {
      deserializeWebviewPanel: async (panel, state) => {
        ReportPanel.revive(this, panel, state);
      },
    };
  }

  /** Re-sends every open report; a finished run is told again in the current language. */
  refreshPanels(): void {
    const lang = this.lang();
    for (const p of ReportPanel.all()) {
      p.tellIn(lang);
      p.refresh();
    }
  }
}
