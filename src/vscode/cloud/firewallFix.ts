/**
 * "Open port for my IP" for a Lighthouse instance, and its undo: the caller's address (as for
 * security groups), the exact rule in a modal, added with the firewall's version, then the
 * firewall read back: when the rule landed below a rule that drops the caller, the complete
 * list a reorder would write is shown, and only that list, confirmed, is sent. An undo record
 * per instance removes exactly that rule later. The pure plan is src/cloud/firewallFixPlan.ts;
 * the flow it shares with the security-group fix is ruleFixFlow.ts.
 */
import * as vscode from 'vscode';
import type { FirewallPlacement, TencentConfig } from '../../cloud';
import { describeFirewallUndo, firewallCandidate, firewallRequest, firewallRuleLine, sanitizeFirewallUndos, type StoredFirewallUndo } from '../../cloud/firewallFixPlan';
import { isCancelled, type Report } from '../../core/model';
import { withCancellableProgress } from '../cancellation';
import { userMessage } from '../errors';
import { errorMessage } from '../errorText';
import type { InstanceStore } from '../instances/store';
import { Disposable } from '../lifecycle';
import type { Logger } from '../log';
import type { TencentCredentials } from './credentials';
import { addRule, callerForFix, confirmRule, removeRecordedRules, UndoRecords } from './ruleFixFlow';
import { loadCloud } from './sdk';
import { t } from '../i18n';

/** globalState key (no secrets): the Lighthouse firewall undo records. */
export const FIREWALL_UNDO_KEY = 'cvmDoctor.tencent.firewallUndo';

export class LighthouseFirewallFix extends Disposable {
  private readonly records: UndoRecords<StoredFirewallUndo>;
  readonly onDidChange: vscode.Event<void>;

  constructor(
    state: vscode.Memento,
    private readonly store: InstanceStore,
    private readonly credentials: TencentCredentials,
    private readonly log: Logger,
  ) {
    super();
    this.records = this._register(new UndoRecords(state, FIREWALL_UNDO_KEY, sanitizeFirewallUndos));
    this.onDidChange = this.records.onDidChange;
  }

  undos(instanceId?: string): StoredFirewallUndo[] {
    return this.records.list(instanceId);
  }

  canOffer(report: Report | undefined): boolean {
    return !!report && !!firewallCandidate(report);
  }

  /** The whole fix: caller address → the exact rule → add → where it landed → (reorder). */
  async apply(instanceId: string, report: Report): Promise<boolean> {
    const inst = this.store.get(instanceId);
    const c = firewallCandidate(report);
    if (!inst || !c) return false;
    const who = await callerForFix(this.credentials, c, (ip, port, setting) => t('The instance firewall already accepts {0} on port {1}: another rule would change nothing. Re-run the diagnosis with your address set ({2}) to see what blocks it.', ip, port, setting));
    if (!who) return false;
    const { cfg, caller } = who;
    const cloud = await loadCloud();
    const req = firewallRequest(c, caller.ip, caller.anySource);
    const fix = cloud.describeFirewallFix(req);
    const r = fix.rule;
    const go = await confirmRule(t('Add this rule to the firewall of Lighthouse instance {0}?', c.instanceId), [
      fix.summary,
      `${r.Protocol} ${r.Port} · ${r.CidrBlock ?? r.Ipv6CidrBlock ?? ''} · ${r.Action}`,
      `"${r.FirewallRuleDescription ?? ''}"`,
      t('Lighthouse decides where a new rule goes: CVM Doctor reads the firewall back afterwards and tells you if a rule above it still drops these connections. "Remove the rule CVM Doctor added" deletes exactly this rule later.'),
    ]);
    if (!go) return false;
    const added = await addRule(this.log, 'firewall rule', t('Adding the rule to the firewall of {0}…', c.instanceId),
      async (signal) => cloud.addFirewallRule(cfg, req, signal));
    if (!added) return false;
    await this.records.add({ instanceId, instanceName: inst.name, undo: added.undo });
    this.log.info('cloud', `added ${describeFirewallUndo(added.undo)} as rule #${added.placement.index}`);
    await this.offerReorder(cfg, c.instanceId, c.region, added.placement);
    return true;
  }

  /** A rule that landed below one that drops the caller: the complete resulting list, and the
   *  rewrite only when confirmed (at the version that list was read at). */
  private async offerReorder(cfg: TencentConfig, instanceId: string, region: string, p: FirewallPlacement): Promise<void> {
    if (p.ok) return;
    if (!p.proposed || !p.blockedBy) {
      void vscode.window.showWarningMessage(t('The rule was added, but it was not found when the firewall was read back: check the firewall of {0} in the console.', instanceId));
      return;
    }
    const b = p.blockedBy;
    const rewrite: vscode.MessageItem = { title: t('Rewrite in This Order') };
    const lines = p.proposed.map((r, i) => `${firewallRuleLine(r, i)}${i === b.index ? `   ← ${t('new')}` : ''}`);
    const a = await vscode.window.showWarningMessage(
      t('The new rule landed at #{0}, below rule #{1} ({2} {3}:{4} from {5}), which drops these connections first. Move it above?', p.index, b.index, b.action, b.protocol, b.port, b.source),
      {
        modal: true,
        detail: [
          t('This rewrites the whole firewall (ModifyFirewallRules), in exactly this order:'), ...lines, '',
          t('The API takes no template labels (such as "Linux登录"): the rewritten rules show as custom rules, with the same protocol, port, source and action.'),
        ].join('\n'),
      },
      rewrite,
    );
    if (a !== rewrite) {
      void vscode.window.showWarningMessage(t('The rule stays at #{0}: rule #{1} still drops these connections first.', p.index, b.index));
      return;
    }
    try {
      await withCancellableProgress(t('Rewriting the firewall of {0}…', instanceId),
        async (_p, signal) => (await loadCloud()).reorderFirewall(cfg, region, instanceId, p.proposed ?? [], p.version, signal));
      this.log.info('cloud', `${instanceId}: firewall rewritten with the CVM Doctor rule at #${b.index}`);
    } catch (e) {
      if (isCancelled(e)) return;
      this.log.error('cloud', `firewall reorder: ${errorMessage(e)}`);
      const changed = /FirewallVersionMismatch/.test(errorMessage(e));
      void vscode.window.showErrorMessage(changed
        ? t('The firewall changed after the list was shown, so nothing was rewritten. Run "Open port for my IP" again to see the current list.')
        : t('The firewall could not be rewritten: {0}', userMessage(e)));
    }
  }

  /** Removes every rule CVM Doctor added to the instance's firewall; true when the cloud changed. */
  async undo(instanceId: string): Promise<boolean> {
    return removeRecordedRules(this.records, instanceId, this.credentials, this.log, {
      remove: async (cfg, undo, signal) => (await loadCloud()).undoFirewallRule(cfg, undo, signal),
      describe: describeFirewallUndo,
      logWhat: 'firewall undo',
      alreadyGone: t('The rule was already gone from the firewall.'),
    });
  }
}
