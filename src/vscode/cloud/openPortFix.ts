/**
 * "Open port for my IP" and its undo: from a report whose verdict a security group explains,
 * the caller's address (configured, detected, or typed — never a silent 0.0.0.0/0), the exact
 * rule shown in a modal, applied first in the group, and an undo record per instance that
 * removes exactly that rule later. The pure plan is src/cloud/openPortPlan.ts.
 */
import * as vscode from 'vscode';
import { alreadyAccepted, describeUndo, openPortCandidate, openPortRequest, parseCallerIpInput, sanitizeUndos, type StoredUndo } from '../../cloud/openPortPlan';
import { isCancelled, type Report } from '../../core/model';
import { withCancellableProgress } from '../cancellation';
import { userMessage } from '../errors';
import { instanceFromArg } from '../instances/resolve';
import type { InstanceStore } from '../instances/store';
import { Disposable } from '../lifecycle';
import type { Logger } from '../log';
import { Keys, SECTION } from '../settings';
import type { TencentCredentials } from './credentials';
import { errorMessage } from '../errorText';
import { loadCloud } from './sdk';
import { t } from '../i18n';

/** globalState key (no secrets): the undo records. */
export const UNDO_KEY = 'cvmDoctor.tencent.openPortUndo';

export class OpenPortFix extends Disposable {
  private readonly emitter = this._register(new vscode.EventEmitter<void>());
  /** Fires when the undo records change (report panels show or hide their Undo button). */
  readonly onDidChange = this.emitter.event;

  constructor(
    private readonly state: vscode.Memento,
    private readonly store: InstanceStore,
    private readonly credentials: TencentCredentials,
    private readonly log: Logger,
  ) {
    super();
  }

  undos(instanceId?: string): StoredUndo[] {
    const all = sanitizeUndos(this.state.get<unknown>(UNDO_KEY, []));
    return instanceId ? all.filter((u) => u.instanceId === instanceId) : all;
  }

  private async writeUndos(list: StoredUndo[]): Promise<void> {
    await this.state.update(UNDO_KEY, list);
    this.emitter.fire();
  }

  canOffer(report: Report | undefined, instanceId: string): boolean {
    const inst = this.store.get(instanceId);
    return !!report && !!inst?.cloudInstanceId && !!openPortCandidate(report);
  }

  /** Asks for the caller's address, never offering a default; 0.0.0.0/0 only when typed. */
  private async askCallerIp(port: number, family: 4 | 6): Promise<{ ip: string; anySource: boolean } | undefined> {
    const typed = await vscode.window.showInputBox({
      title: t('Open port for my IP'),
      prompt: t('Your public IP address as the cloud sees it (CVM Doctor could not tell it). Set {0} to skip this question.', `${SECTION}.${Keys.tencentCallerIp}`),
      placeHolder: family === 6 ? '2001:db8::5' : '203.0.113.5',
      ignoreFocusOut: true,
      validateInput: (v) => {
        const r = parseCallerIpInput(v, family);
        if (r.ok) return undefined;
        if (r.reason === 'family') return t('The instance was reached over IPv{0}: type your public IPv{0} address.', family);
        return r.reason === 'unspecified' ? t('That is not a usable address; type your public IP address.') : t('Type one IP address, e.g. 203.0.113.5.');
      },
    });
    if (typed === undefined) return undefined;
    const r = parseCallerIpInput(typed, family);
    if (!r.ok) return undefined;
    if (r.anySource) {
      const yes: vscode.MessageItem = { title: t('Open to the whole Internet') };
      const a = await vscode.window.showWarningMessage(
        t('{0} opens port {1} to every address on the Internet, not only yours. Scanners find open SSH and RDP ports within minutes.', r.ip, port),
        { modal: true, detail: t('Prefer your own address. Continue only if you really mean everyone.') },
        yes,
      );
      if (a !== yes) return undefined;
    }
    return { ip: r.ip, anySource: r.anySource };
  }

  /** The whole fix: caller address → the exact rule in a modal → apply → undo record. */
  async apply(instanceId: string, report: Report): Promise<boolean> {
    const inst = this.store.get(instanceId);
    const c = openPortCandidate(report);
    if (!inst || !c) return false;
    const cfg = await this.credentials.config(true);
    if (!cfg) return false;
    // Only an address of the family the port was probed over: a rule for the other would not help.
    const configured = cfg.callerIp && parseCallerIpInput(cfg.callerIp, c.family).ok ? cfg.callerIp : undefined;
    let caller = configured ? { ip: configured, anySource: false } : c.callerIp ? { ip: c.callerIp, anySource: false } : undefined;
    caller ??= await this.askCallerIp(c.port, c.family);
    if (!caller) return false;
    if (!caller.anySource && alreadyAccepted(c, caller.ip)) {
      void vscode.window.showInformationMessage(t('The security groups already accept {0} on port {1}: another rule would change nothing. Re-run the diagnosis with your address set ({2}) to see what blocks it.', caller.ip, c.port, `${SECTION}.${Keys.tencentCallerIp}`));
      return false;
    }
    const req = openPortRequest(c, caller.ip, caller.anySource);
    const fix = (await loadCloud()).describeOpenPortFix(req);
    const r = fix.rule;
    const add: vscode.MessageItem = { title: t('Add Rule') };
    const a = await vscode.window.showWarningMessage(
      t('Add this inbound rule to security group {0}?', fix.securityGroupId),
      {
        modal: true,
        detail: [
          fix.summary,
          `PolicyIndex ${r.PolicyIndex} · ${r.Protocol} ${r.Port} · ${r.CidrBlock ?? r.Ipv6CidrBlock ?? ''} · ${r.Action}`,
          `"${r.PolicyDescription}"`,
          t('It applies to every instance in this security group. "Remove the rule CVM Doctor added" deletes exactly this rule later.'),
        ].join('\n'),
      },
      add,
    );
    if (a !== add) return false;
    try {
      const undo = await withCancellableProgress(t('Adding the rule to {0}…', fix.securityGroupId),
        async (_p, signal) => (await loadCloud()).openPortForCaller(cfg, req, signal));
      await this.writeUndos([...this.undos(), { instanceId, instanceName: inst.name, undo }]);
      this.log.info('cloud', `added ${describeUndo(undo)}`);
      return true;
    } catch (e) {
      if (isCancelled(e)) return false;
      this.log.error('cloud', `open port: ${errorMessage(e)}`);
      void vscode.window.showErrorMessage(t('The rule could not be added: {0}', userMessage(e)));
      return false;
    }
  }

  /** Removes every rule CVM Doctor added for the instance; true when the cloud changed. */
  async undo(instanceId: string): Promise<boolean> {
    const mine = this.undos(instanceId);
    if (!mine.length) return false;
    const cfg = await this.credentials.config(true);
    if (!cfg) return false;
    let removed = 0;
    try {
      await withCancellableProgress(t('Removing the rule CVM Doctor added…'), async (_p, signal) => {
        for (const u of mine) {
          const r = await (await loadCloud()).undoOpenPort(cfg, u.undo, signal);
          if (r.removed) removed++;
          this.log.info('cloud', `${r.removed ? 'removed' : 'already gone'}: ${describeUndo(u.undo)}`);
          // Gone either way: drop the record at once so a failure later keeps only the rest.
          await this.writeUndos(this.undos().filter((x) => JSON.stringify(x) !== JSON.stringify(u)));
        }
      });
    } catch (e) {
      if (isCancelled(e)) return removed > 0;
      this.log.error('cloud', `undo: ${errorMessage(e)}`);
      void vscode.window.showErrorMessage(t('The rule could not be removed: {0}', userMessage(e)));
      return removed > 0;
    }
    if (removed === 0) void vscode.window.showInformationMessage(t('The rule was already gone from the security group.'));
    return true;
  }

  /** The command: the instance it was invoked on, else a pick among the rules still in place. */
  async undoCommand(arg: unknown): Promise<boolean> {
    let id = instanceFromArg(arg, this.store)?.id;
    if (!id) {
      const all = this.undos();
      if (!all.length) {
        void vscode.window.showInformationMessage(t('CVM Doctor has added no security-group rule that is still in place.'));
        return false;
      }
      const pick = await vscode.window.showQuickPick(all.map((u) => ({ label: u.instanceName, description: describeUndo(u.undo), id: u.instanceId })),
        { title: t('Remove the rule CVM Doctor added') });
      id = pick?.id;
    }
    return id ? this.undo(id) : false;
  }

}
