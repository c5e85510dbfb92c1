/**
 * "Open port for my IP" and its undo: from a report whose verdict a security group explains
 * (a Lighthouse instance's firewall: firewallFix.ts),
 * the caller's address (configured, detected, or typed — never a silent 0.0.0.0/0), the exact
 * rule shown in a modal, applied first in the group, and an undo record per instance that
 * removes exactly that rule later. The pure plan is src/cloud/openPortPlan.ts.
 */
import * as vscode from 'vscode';
import { describeUndo, openPortCandidate, openPortRequest, sanitizeUndos, type StoredUndo } from '../../cloud/openPortPlan';
import { describeFirewallUndo } from '../../cloud/firewallFixPlan';
import { callerAddressFor } from './callerAddress';
import { LighthouseFirewallFix } from './firewallFix';
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

  /** The same fix for a Lighthouse instance: one rule in its own firewall. */
  readonly firewall: LighthouseFirewallFix;

  constructor(
    private readonly state: vscode.Memento,
    private readonly store: InstanceStore,
    private readonly credentials: TencentCredentials,
    private readonly log: Logger,
  ) {
    super();
    this.firewall = this._register(new LighthouseFirewallFix(state, store, credentials, log));
    this._register(this.firewall.onDidChange(() => this.emitter.fire()));
  }

  /** Whether a rule CVM Doctor added (security group or firewall) is still recorded for it. */
  hasUndo(instanceId: string): boolean {
    return this.undos(instanceId).length > 0 || this.firewall.undos(instanceId).length > 0;
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
    return !!report && !!inst?.cloudInstanceId && (!!openPortCandidate(report) || this.firewall.canOffer(report));
  }

  /** The whole fix: caller address → the exact rule in a modal → apply → undo record. */
  async apply(instanceId: string, report: Report): Promise<boolean> {
    if (this.firewall.canOffer(report)) return this.firewall.apply(instanceId, report);
    const inst = this.store.get(instanceId);
    const c = openPortCandidate(report);
    if (!inst || !c) return false;
    const cfg = await this.credentials.config(true);
    if (!cfg) return false;
    const caller = await callerAddressFor(cfg, c, (ip) => t('The security groups already accept {0} on port {1}: another rule would change nothing. Re-run the diagnosis with your address set ({2}) to see what blocks it.', ip, c.port, `${SECTION}.${Keys.tencentCallerIp}`));
    if (!caller) return false;
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

  /** Removes every rule CVM Doctor added for the instance (groups and firewall); true when the cloud changed. */
  async undo(instanceId: string): Promise<boolean> {
    const groups = this.undos(instanceId).length ? await this.undoGroups(instanceId) : false;
    const firewall = this.firewall.undos(instanceId).length ? await this.firewall.undo(instanceId) : false;
    return groups || firewall;
  }

  private async undoGroups(instanceId: string): Promise<boolean> {
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
      const all = [
        ...this.undos().map((u) => ({ label: u.instanceName, description: describeUndo(u.undo), id: u.instanceId })),
        ...this.firewall.undos().map((u) => ({ label: u.instanceName, description: describeFirewallUndo(u.undo), id: u.instanceId })),
      ];
      if (!all.length) {
        void vscode.window.showInformationMessage(t('CVM Doctor has added no security-group rule that is still in place.'));
        return false;
      }
      const pick = await vscode.window.showQuickPick(all,
        { title: t('Remove the rule CVM Doctor added') });
      id = pick?.id;
    }
    return id ? this.undo(id) : false;
  }

}
