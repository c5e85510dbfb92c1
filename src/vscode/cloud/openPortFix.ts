/**
 * "Open port for my IP" and its undo: from a report whose verdict a security group explains
 * (a Lighthouse instance's firewall: firewallFix.ts),
 * the caller's address (configured, detected, or typed — never a silent 0.0.0.0/0), the exact
 * rule shown in a modal, applied first in the group, and an undo record per instance that
 * removes exactly that rule later. The pure plan is src/cloud/openPortPlan.ts; the flow both
 * fixes share is ruleFixFlow.ts.
 */
import * as vscode from 'vscode';
import { describeUndo, openPortCandidate, openPortRequest, sanitizeUndos, type StoredUndo } from '../../cloud/openPortPlan';
import { describeFirewallUndo } from '../../cloud/firewallFixPlan';
import { LighthouseFirewallFix } from './firewallFix';
import type { Report } from '../../core/model';
import { instanceFromArg } from '../instances/resolve';
import type { InstanceStore } from '../instances/store';
import { Disposable } from '../lifecycle';
import type { Logger } from '../log';
import type { TencentCredentials } from './credentials';
import { addRule, callerForFix, confirmRule, removeRecordedRules, UndoRecords } from './ruleFixFlow';
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
  private readonly records: UndoRecords<StoredUndo>;

  constructor(
    state: vscode.Memento,
    private readonly store: InstanceStore,
    private readonly credentials: TencentCredentials,
    private readonly log: Logger,
  ) {
    super();
    this.records = this._register(new UndoRecords(state, UNDO_KEY, sanitizeUndos));
    this._register(this.records.onDidChange(() => this.emitter.fire()));
    this.firewall = this._register(new LighthouseFirewallFix(state, store, credentials, log));
    this._register(this.firewall.onDidChange(() => this.emitter.fire()));
  }

  /** Whether a rule CVM Doctor added (security group or firewall) is still recorded for it. */
  hasUndo(instanceId: string): boolean {
    return this.undos(instanceId).length > 0 || this.firewall.undos(instanceId).length > 0;
  }

  undos(instanceId?: string): StoredUndo[] {
    return this.records.list(instanceId);
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
    const who = await callerForFix(this.credentials, c, (ip, port, setting) => t('The security groups already accept {0} on port {1}: another rule would change nothing. Re-run the diagnosis with your address set ({2}) to see what blocks it.', ip, port, setting));
    if (!who) return false;
    const { cfg, caller } = who;
    const req = openPortRequest(c, caller.ip, caller.anySource);
    const fix = (await loadCloud()).describeOpenPortFix(req);
    const r = fix.rule;
    const go = await confirmRule(t('Add this inbound rule to security group {0}?', fix.securityGroupId), [
      fix.summary,
      `PolicyIndex ${r.PolicyIndex} · ${r.Protocol} ${r.Port} · ${r.CidrBlock ?? r.Ipv6CidrBlock ?? ''} · ${r.Action}`,
      `"${r.PolicyDescription}"`,
      t('It applies to every instance in this security group. "Remove the rule CVM Doctor added" deletes exactly this rule later.'),
    ]);
    if (!go) return false;
    const undo = await addRule(this.log, 'open port', t('Adding the rule to {0}…', fix.securityGroupId),
      async (signal) => (await loadCloud()).openPortForCaller(cfg, req, signal));
    if (!undo) return false;
    await this.records.add({ instanceId, instanceName: inst.name, undo });
    this.log.info('cloud', `added ${describeUndo(undo)}`);
    return true;
  }

  /** Removes every rule CVM Doctor added for the instance (groups and firewall); true when the cloud changed. */
  async undo(instanceId: string): Promise<boolean> {
    const groups = this.undos(instanceId).length ? await this.undoGroups(instanceId) : false;
    const firewall = this.firewall.undos(instanceId).length ? await this.firewall.undo(instanceId) : false;
    return groups || firewall;
  }

  private async undoGroups(instanceId: string): Promise<boolean> {
    return removeRecordedRules(this.records, instanceId, this.credentials, this.log, {
      remove: async (cfg, undo, signal) => (await loadCloud()).undoOpenPort(cfg, undo, signal),
      describe: describeUndo,
      logWhat: 'undo',
      alreadyGone: t('The rule was already gone from the security group.'),
    });
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
