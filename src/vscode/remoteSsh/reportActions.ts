/**
 * The report's host-key and Remote-SSH actions, carried out: what the one dispatcher
 * (report/actionHandlers.ts) calls for each of these kinds once it has checked that the
 * report offers it (the rule table, report/actions.ts), and the facts of a target those rules
 * read. A change to known_hosts re-runs the diagnosis at once (the login is tested with the
 * key now known).
 */
import type { Report } from '../../core/model';
import { needsSshConfig } from '../../core/remoteSshHandoff';
import type { ReportTargetView } from '../../shared/protocol';
import { buildTarget, type TargetSpec } from '../diagnosis/instanceDiagnosis';
import type { HostKeyActions } from '../hostKeys/hostKeyActions';
import { t } from '../i18n';
import type { InstanceStore } from '../instances/store';
import type { ActionContext } from '../report/actions';
import { readSettings } from '../settings';
import type { FileUndo } from './fileUndo';
import type { RemoteSshActions } from './remoteSsh';

export interface ReportActionPanel {
  target: ReportTargetView;
  report?: Report;
  setNote(text: string): void;
}

export class RemoteReportActions {
  constructor(
    private readonly store: InstanceStore,
    private readonly undo: FileUndo,
    private readonly hostKeys: HostKeyActions,
    private readonly remote: RemoteSshActions,
    /** Re-runs the diagnosis of a panel's target (with the cloud view when it has one). */
    private readonly rerun: (panel: ReportActionPanel) => Promise<unknown>,
  ) {}

  private spec(target: ReportTargetView): TargetSpec {
    const inst = target.key.startsWith('adhoc:') ? undefined : this.store.get(target.key);
    return inst ?? { host: target.host, port: target.port, protocol: target.protocol, user: target.user, name: target.name };
  }

  /** What the rule table needs to know about the target for these actions. */
  context(target: ReportTargetView): Required<Pick<ActionContext, 'cloudInstance' | 'needsSshConfig' | 'canUndo'>> {
    const spec = this.spec(target);
    return {
      cloudInstance: !!spec.cloudInstanceId && !!spec.region,
      needsSshConfig: !!spec.id && needsSshConfig(spec),
      canUndo: this.undo.has(target.key),
    };
  }

  private knownHosts(target: ReportTargetView): string | undefined {
    return buildTarget(this.spec(target), readSettings()).knownHostsPath;
  }

  async trustHostKey(panel: ReportActionPanel): Promise<void> {
    if (panel.report && await this.hostKeys.trust(panel.report, panel.target, this.knownHosts(panel.target))) await this.rerun(panel);
  }

  async replaceHostKey(panel: ReportActionPanel): Promise<void> {
    if (panel.report && await this.hostKeys.replace(panel.report, panel.target, this.knownHosts(panel.target))) await this.rerun(panel);
  }

  /** The in-guest check runs as part of a diagnosis with the cloud view, after consent. */
  async verifyHostKey(panel: ReportActionPanel): Promise<void> {
    await this.rerun(panel);
  }

  async connectRemoteSsh(panel: ReportActionPanel): Promise<void> {
    await this.remote.connect(this.spec(panel.target));
  }

  async addSshConfig(panel: ReportActionPanel): Promise<void> {
    await this.remote.addToSshConfig(this.spec(panel.target), panel.target.key);
  }

  async localServerDownload(panel: ReportActionPanel): Promise<void> {
    await this.remote.localServerDownload(panel.target.key);
  }

  async undoFileChange(panel: ReportActionPanel): Promise<void> {
    if (await this.undo.undo(panel.target.key)) panel.setNote(t('The last change was undone. Re-run the diagnosis to see the effect.'));
  }
}
