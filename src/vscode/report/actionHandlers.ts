/**
 * Carries out the next steps a report offers (actions.ts decides which): use the port where
 * the protocol answered, set credentials (a key file from ~/.ssh or a password into
 * SecretStorage), save an ad-hoc host as an instance; each then re-runs the diagnosis when
 * that is the point of it. The key file comes from the same picker as the wizard's
 * identity step (identityPicker.ts). The host-key and Remote-SSH steps are carried out by
 * remoteSsh/reportActions.ts, dispatched from here. An action the panel does not currently
 * offer is refused: the webview is a less trusted context.
 */
import * as vscode from 'vscode';
import { uniqueName, type Instance } from '../../core/savedInstance';
import { DEFAULT_SSH_USER, type Report } from '../../core/model';
import type { ReportAction, ReportActionView, ReportTargetView } from '../../shared/protocol';
import type { TargetSpec } from '../diagnosis/instanceDiagnosis';
import { lastVerdictOf, type InstanceStore } from '../instances/store';
import { validateInstanceName, validateUser } from '../instances/wizard';
import { t } from '../i18n';
import type { Logger } from '../log';
import type { RemoteReportActions } from '../remoteSsh/reportActions';
import { actionsFor, actionViews, type ActionContext, type Translate } from './actions';
import { pickIdentityFile } from '../identityPicker';
import type { ReportPanel } from './panel';
import { saveTicketPack } from './ticketPack';

export interface ActionDeps {
  store: InstanceStore;
  log: Logger;
  rerun(panel: ReportPanel): Promise<unknown>;
  /** Runs the diagnosis again with path evidence (the traces both ways). */
  rerunWithTrace(panel: ReportPanel): Promise<unknown>;
  /** The secrets this window knows for the panel's target (ticket pack redaction). */
  secretsFor(panel: ReportPanel): Promise<Array<string | undefined>>;
  /** The panel's view of a target (the controller's: key, name, address). */
  viewOf(spec: TargetSpec): ReportTargetView;
  /** The host-key and Remote-SSH steps (src/vscode/remoteSsh/reportActions.ts). */
  remote: Pick<RemoteReportActions, 'context' | 'trustHostKey' | 'replaceHostKey' | 'verifyHostKey' | 'connectRemoteSsh' | 'addSshConfig' | 'localServerDownload' | 'undoFileChange'>;
}

const sameAction = (a: ReportAction, b: ReportAction) => JSON.stringify(a) === JSON.stringify(b);

export class ReportActionHandlers {
  constructor(private readonly deps: ActionDeps) {}

  private saved(panel: { target: ReportTargetView }): Instance | undefined {
    return panel.target.key.startsWith('adhoc:') ? undefined : this.deps.store.get(panel.target.key);
  }

  /** What the rule table reads about the target besides its report: one answer for the
   *  buttons shown and for the check of a click. */
  private context(target: ReportTargetView): ActionContext {
    return { saved: !!this.saved({ target }), ...this.deps.remote.context(target) };
  }

  /** The buttons for this report (none while it runs), labelled in its language. */
  views(target: ReportTargetView, report: Report | undefined, running: boolean, t: Translate): ReportActionView[] {
    return running ? [] : actionViews(report, this.context(target), t);
  }

  async run(panel: ReportPanel, action: ReportAction): Promise<void> {
    const offered = panel.isRunning ? [] : actionsFor(panel.report, this.context(panel.target));
    if (!offered.some((a) => sameAction(a, action))) {
      this.deps.log.warn('panel', `${panel.target.name ?? panel.target.host}: ignored an action the report does not offer: ${action.kind}`);
      return;
    }
    const remote = this.deps.remote;
    switch (action.kind) {
      case 'usePort': return this.usePort(panel, action.port);
      case 'setCredentials': return this.setCredentials(panel);
      case 'saveInstance': await this.saveInstance(panel); return;
      case 'trustHostKey': return remote.trustHostKey(panel);
      case 'replaceHostKey': return remote.replaceHostKey(panel);
      case 'verifyHostKey': return remote.verifyHostKey(panel);
      case 'connectRemoteSsh': return remote.connectRemoteSsh(panel);
      case 'addSshConfig': return remote.addSshConfig(panel);
      case 'localServerDownload': return remote.localServerDownload(panel);
      case 'undoFileChange': return remote.undoFileChange(panel);
      // A re-run rather than a trace added to the shown report: support wants the traces taken
      // together with the failure they explain, and the trace back from the instance needs the
      // in-guest run (the cloud view's TAT invocation) of the same diagnosis. One fresh report
      // whose checks, traces and guest output were all seen within the same minute (one
      // startedAt) is evidence a ticket can rest on; a trace glued onto a report from an hour
      // ago would describe a network that may have changed since.
      case 'collectTrace': await this.deps.rerunWithTrace(panel); return;
      case 'saveTicketPack': await saveTicketPack(panel, () => this.deps.secretsFor(panel), this.deps.log); return;
    }
  }

  private async usePort(panel: ReportPanel, port: number): Promise<void> {
    const inst = this.saved(panel);
    const tv = panel.target;
    const label = tv.name ?? tv.host;
    if (inst) {
      const updated: Instance = { ...inst, port };
      await this.deps.store.update(updated);
      panel.retarget(this.deps.viewOf(updated));
    } else {
      panel.retarget(this.deps.viewOf({ host: tv.host, port, protocol: tv.protocol, user: tv.user, name: tv.name }));
    }
    this.deps.log.info('panel', `${label}: port ${tv.port} → ${port} from the report; re-running`);
    await this.deps.rerun(panel);
  }

  /** Saves the panel's ad-hoc target as an instance (with the report's verdict); undefined when cancelled. */
  async saveInstance(panel: ReportPanel): Promise<Instance | undefined> {
    const existing = this.saved(panel);
    if (existing) return existing;
    const tv = panel.target;
    const names = this.deps.store.list().map((i) => i.name);
    const name = await vscode.window.showInputBox({
      title: t('Save as instance'),
      prompt: t('Display name'),
      value: uniqueName(tv.name ?? tv.host, names),
      ignoreFocusOut: true,
      validateInput: (v) => validateInstanceName(v, names),
    });
    if (name === undefined || panel.disposed) return undefined;
    const inst = await this.deps.store.add({ name: name.trim(), host: tv.host, port: tv.port, protocol: tv.protocol, ...(tv.user ? { user: tv.user } : {}) });
    if (panel.report) await this.deps.store.setVerdict(inst.id, lastVerdictOf(panel.report, panel.verdictTitles()));
    panel.retarget(this.deps.viewOf(inst));
    this.deps.log.info('store', `saved ${inst.name} (${tv.host}:${tv.port}) from the report`);
    void vscode.window.showInformationMessage(t('Saved "{0}" as an instance.', inst.name));
    return inst;
  }

  private async setCredentials(panel: ReportPanel): Promise<void> {
    // Secrets belong to a saved instance: an ad-hoc host is saved first.
    const inst = this.saved(panel) ?? await this.saveInstance(panel);
    if (!inst || panel.disposed) return;
    const title = t('Set credentials…');
    const user = await vscode.window.showInputBox({
      title: `${title} (1/3)`, prompt: t('User name'), value: inst.user ?? DEFAULT_SSH_USER, ignoreFocusOut: true,
      validateInput: (v) => (v.trim() ? validateUser(v) : t('Enter a user name.')),
    });
    if (user === undefined) return;
    type WayItem = vscode.QuickPickItem & { way: 'key' | 'password' };
    const pick = await vscode.window.showQuickPick<WayItem>([
      { label: t('Key file…'), detail: t('A private key, e.g. ~/.ssh/id_ed25519'), way: 'key' },
      { label: t('Password…'), detail: t('Stored in VS Code secret storage, never in settings'), way: 'password' },
    ], { title: `${title} (2/3)`, placeHolder: t('How do you log in to {0}?', inst.name), ignoreFocusOut: true });
    if (!pick) return;
    let updated: Instance = { ...inst, user: user.trim() };
    if (pick.way === 'key') {
      const key = await pickIdentityFile({ title: `${title} (3/3)`, canGoBack: false }, inst.identityFile ?? '', { none: false });
      if (key === 'back' || key === 'cancel' || !key.file) return;
      updated = { ...updated, identityFile: key.file };
      this.deps.log.info('store', `${inst.name}: identity file set from the report`);
    } else {
      const password = await vscode.window.showInputBox({
        title: `${title} (3/3)`, prompt: t('Password of {0}', updated.user ?? ''), password: true, ignoreFocusOut: true,
        validateInput: (v) => (v ? undefined : t('Enter the password.')),
      });
      if (!password) return;
      this.deps.log.addSecret(password);
      await this.deps.store.setSecret(inst.id, 'password', password);
      this.deps.log.info('store', `${inst.name}: password saved in secret storage from the report`);
    }
    await this.deps.store.update(updated);
    if (panel.disposed) return;
    panel.retarget(this.deps.viewOf(updated));
    await this.deps.rerun(panel);
  }
}
