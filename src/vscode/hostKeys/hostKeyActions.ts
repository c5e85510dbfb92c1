/**
 * "Trust this key" and "Replace the saved key" for a report: the change to known_hosts is
 * planned first (probes/hostKeyTrust.ts), shown in a modal line by line with its backup, and
 * made only when confirmed; undo is remembered. Replacing a changed key needs the in-guest
 * confirmation that the key is the instance's own, or the host name typed by the person after
 * a plain warning that this may be an attack; a key the instance disowns is never replaced.
 */
import * as vscode from 'vscode';
import { t } from '../i18n';
import type { Report } from '../../core/model';
import { applyKnownHostsPlan, planKnownHostsChange, type KnownHostsPlan } from '../../probes/hostKeyTrust';
import type { ReportTargetView } from '../../shared/protocol';
import type { Logger } from '../log';
import { reportAddress, reportHostKey } from '../remoteSsh/availability';
import type { FileUndo } from '../remoteSsh/fileUndo';

export class HostKeyActions {
  constructor(private readonly log: Logger, private readonly undo: FileUndo) {}

  /** Writes the unknown key after the modal. True when known_hosts changed (re-run then). */
  async trust(report: Report, target: ReportTargetView, knownHostsPath?: string): Promise<boolean> {
    const key = reportHostKey(report);
    if (!key) return false;
    const plan = await planKnownHostsChange({ host: target.host, port: target.port, key: key.key, fingerprint: key.fingerprint, replace: false, knownHostsPath: knownHostsPath ?? key.knownHostsPath });
    if (!plan.ok) return this.failed(plan.code);
    const go = t('Trust and re-run');
    const detail = [
      t('Key: {0} {1}', key.type, key.fingerprint),
      t('This line is added to {0}:', plan.value.file),
      plan.value.add,
      t('A copy of the file is kept in {0}.', plan.value.backup),
      t('Trust it only if you compared the fingerprint with the instance\'s own key (console VNC login or the in-guest check).'),
    ].join('\n\n');
    if (await vscode.window.showWarningMessage(t('Trust this host key for {0}?', target.host), { modal: true, detail }, go) !== go) return false;
    return this.apply(plan.value, target, t('trusting the host key of {0}', target.host));
  }

  /** Replaces a changed key: confirmed by the in-guest check, or by the host name typed. */
  async replace(report: Report, target: ReportTargetView, knownHostsPath?: string): Promise<boolean> {
    const key = reportHostKey(report);
    if (!key || report.verdict.code !== 'HOST_KEY_MISMATCH') return false;
    if (report.findings.some((f) => f.code === 'HOST_KEY_NOT_INSTANCE')) {
      void vscode.window.showErrorMessage(t('The instance says this key is not one of its own: CVM Doctor does not replace it. Do not connect.'));
      return false;
    }
    const confirmed = report.findings.some((f) => f.code === 'HOST_KEY_CONFIRMED_CHANGED');
    if (!confirmed) {
      const typed = await vscode.window.showInputBox({
        title: t('Replace the saved key of {0}', target.host),
        prompt: t('The server\'s key changed. This may be an attack (someone between you and the instance). Replace it only if you know the instance was reinstalled or its keys regenerated. Type the host name to confirm: {0}', target.host),
        ignoreFocusOut: true,
        validateInput: (v) => (v.trim() === target.host ? undefined : t('Type {0} exactly.', target.host)),
      });
      if (typed?.trim() !== target.host) return false;
    }
    const plan = await planKnownHostsChange({ host: target.host, address: reportAddress(report), port: target.port, key: key.key, fingerprint: key.fingerprint, replace: true, knownHostsPath: knownHostsPath ?? key.knownHostsPath });
    if (!plan.ok) return this.failed(plan.code);
    const go = t('Replace and re-run');
    const removed = plan.value.remove.map((l) => `- ${l.line}: ${l.text}`).join('\n') || t('(no line)');
    const detail = [
      confirmed ? t('Checked inside the instance: {0} is its own key.', key.fingerprint) : t('Not confirmed by the instance: you typed the host name.'),
      t('These lines are removed from {0}:', plan.value.file),
      removed,
      t('This line is added:'),
      `+ ${plan.value.add}`,
      t('A copy of the file is kept in {0}.', plan.value.backup),
    ].join('\n\n');
    if (await vscode.window.showWarningMessage(t('Replace the saved host key of {0}?', target.host), { modal: true, detail }, go) !== go) return false;
    return this.apply(plan.value, target, t('replacing the host key of {0}', target.host));
  }

  private async apply(plan: KnownHostsPlan, target: ReportTargetView, what: string): Promise<boolean> {
    const r = await applyKnownHostsPlan(plan);
    if (!r.ok) return this.failed(r.code);
    if (!r.value) return false;
    this.undo.rememberFile(target.key, what, plan.file, r.value);
    this.log.info('hostkey', `${plan.file}: ${plan.remove.length} line(s) removed, 1 added for ${target.host}:${target.port} (${plan.fingerprint}); backup ${r.value.backup ?? 'none (new file)'}`);
    return true;
  }

  private failed(code: string): false {
    this.log.warn('hostkey', `known_hosts change failed: ${code}`);
    void vscode.window.showErrorMessage(t('known_hosts could not be changed ({0}).', code));
    return false;
  }
}
