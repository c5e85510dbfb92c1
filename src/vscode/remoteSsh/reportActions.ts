/**
 * The report's host-key and Remote-SSH actions: which it offers (availability.ts), their
 * labels in the report's language, and what each does when clicked. A change to known_hosts
 * re-runs the diagnosis at once (the login is tested with the key now known).
 */
import type { Lang, Report } from '../../core/model';
import { needsSshConfig } from '../../core/remoteSshHandoff';
import type { PanelState, RemoteActionId, ReportTargetView } from '../../shared/protocol';
import { buildTarget, type TargetSpec } from '../diagnosis/instanceDiagnosis';
import type { HostKeyActions } from '../hostKeys/hostKeyActions';
import { t, type Localizer } from '../i18n';
import type { InstanceStore } from '../instances/store';
import { readSettings } from '../settings';
import { remoteActionsFor } from './availability';
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
    private readonly loc: Localizer,
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

  /** The buttons for this report, labelled in its language. */
  offered(target: ReportTargetView, report: Report | undefined, lang: Lang, running: boolean): PanelState['remoteActions'] {
    if (running) return [];
    const spec = this.spec(target);
    const ids = remoteActionsFor(report, {
      cloudInstance: !!spec.cloudInstanceId && !!spec.region,
      needsSshConfig: !!spec.id && needsSshConfig(spec),
      canUndo: this.undo.has(target.key),
    });
    const t = (m: string) => this.loc.t(lang, m);
    const label: Record<RemoteActionId, string> = {
      trustHostKey: t('Trust this key'),
      replaceHostKey: t('Replace the saved key'),
      verifyHostKey: t('Verify through the instance'),
      connectRemoteSsh: t('Connect with Remote-SSH'),
      addSshConfig: t('Add to SSH config'),
      localServerDownload: t('Download the server on this machine'),
      undoFileChange: t('Undo the last change'),
    };
    return ids.map((id) => ({ id, label: label[id] }));
  }

  async handle(panel: ReportActionPanel, action: RemoteActionId): Promise<void> {
    const report = panel.report;
    const target = panel.target;
    const kh = buildTarget(this.spec(target), readSettings()).knownHostsPath;
    switch (action) {
      case 'trustHostKey':
        if (report && await this.hostKeys.trust(report, target, kh)) await this.rerun(panel);
        return;
      case 'replaceHostKey':
        if (report && await this.hostKeys.replace(report, target, kh)) await this.rerun(panel);
        return;
      case 'verifyHostKey':
        // The in-guest check runs as part of a diagnosis with the cloud view, after consent.
        await this.rerun(panel);
        return;
      case 'connectRemoteSsh':
        await this.remote.connect(this.spec(target));
        return;
      case 'addSshConfig':
        await this.remote.addToSshConfig(this.spec(target), target.key);
        return;
      case 'localServerDownload':
        await this.remote.localServerDownload(target.key);
        return;
      case 'undoFileChange':
        if (await this.undo.undo(target.key)) panel.setNote(t('The last change was undone. Re-run the diagnosis to see the effect.'));
        return;
    }
  }
}
