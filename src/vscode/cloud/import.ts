/**
 * Import from Tencent Cloud: list the instances of the chosen regions (setting or picker),
 * let the user choose, and apply the import plan (src/cloud/importPlan.ts: a re-sync keeps the
 * user's edits) to the store.
 */
import * as vscode from 'vscode';
import type { CloudInstanceSummary } from '../../cloud';
import { planImport } from '../../cloud/importPlan';
import { COMMON_REGIONS, parseRegions } from '../../cloud/regions';
import { isCancelled } from '../../core/model';
import type { Instance } from '../../core/savedInstance';
import { isRegion } from '../../core/validate';
import { withCancellableProgress } from '../cancellation';
import { userMessage } from '../errors';
import type { InstanceStore } from '../instances/store';
import type { Logger } from '../log';
import { Keys, SECTION } from '../settings';
import type { TencentCredentials } from './credentials';
import { errorMessage } from '../errorText';
import { loadCloud } from './sdk';
import { warnInvalidSetting } from './tencentSettings';
import { t } from '../i18n';

/** Arguments for running the import without pickers (keybindings, automation, tests). */
export interface ImportArgs {
  regions?: string[];
  /** Import exactly these instance IDs (no instance picker). */
  instanceIds?: string[];
}

export interface ImportResult {
  added: Instance[];
  updated: Instance[];
  unchanged: number;
}

export class TencentImport {
  constructor(private readonly credentials: TencentCredentials, private readonly store: InstanceStore, private readonly log: Logger) {}

  private async pickRegions(): Promise<string[] | undefined> {
    const { regions, invalid } = parseRegions(vscode.workspace.getConfiguration(SECTION).get(Keys.tencentRegions));
    if (invalid.length) warnInvalidSetting(this.log, Keys.tencentRegions, t('not region IDs: {0}', invalid.join(', ')));
    if (regions.length) return regions;
    const picks = await vscode.window.showQuickPick(COMMON_REGIONS.map((id) => ({ label: id })), {
      canPickMany: true,
      title: t('Import from Tencent Cloud'),
      placeHolder: t('Choose the regions to list instances in (setting {0} skips this step)', `${SECTION}.${Keys.tencentRegions}`),
      ignoreFocusOut: true,
    });
    return picks?.length ? picks.map((p) => p.label) : undefined;
  }

  async run(args?: ImportArgs): Promise<ImportResult | undefined> {
    const cfg = await this.credentials.config(true);
    if (!cfg) return undefined;
    const regions = args?.regions?.filter(isRegion) ?? await this.pickRegions();
    if (!regions?.length) return undefined;
    let found: CloudInstanceSummary[];
    try {
      found = await withCancellableProgress(t('Listing Tencent Cloud instances in {0}…', regions.join(', ')),
        async (_p, signal) => (await loadCloud()).listInstances(cfg, regions, signal));
    } catch (e) {
      if (isCancelled(e)) return undefined;
      this.log.error('import', `Tencent Cloud import: ${errorMessage(e)}`);
      void vscode.window.showErrorMessage(t('Import from Tencent Cloud failed: {0}', userMessage(e)));
      return undefined;
    }
    this.log.info('import', `Tencent Cloud: ${found.length} instance(s) in ${regions.join(', ')}`);
    if (found.length === 0) {
      void vscode.window.showInformationMessage(t('No instances found in {0}.', regions.join(', ')));
      return { added: [], updated: [], unchanged: 0 };
    }
    const existing = this.store.list();
    let chosen: CloudInstanceSummary[];
    if (args?.instanceIds) {
      chosen = found.filter((f) => args.instanceIds?.includes(f.instanceId));
    } else {
      const saved = new Set(existing.map((e) => e.cloudInstanceId).filter(Boolean));
      const picks = await vscode.window.showQuickPick(found.map((s) => ({
        label: s.name,
        description: `${s.instanceId}${s.product === 'lighthouse' ? ' · Lighthouse' : ''} · ${s.region} · ${s.state}`,
        detail: `${s.publicIps[0] ?? s.privateIps[0] ?? '-'}${s.publicIps.length ? '' : ` (${t('private address only')})`}`
          + (saved.has(s.instanceId) ? ` · ${t('already saved: updates its address and state')}` : ''),
        picked: true,
        summary: s,
      })), { canPickMany: true, title: t('Import from Tencent Cloud'), placeHolder: t('Choose the instances to save'), matchOnDescription: true, ignoreFocusOut: true });
      if (!picks?.length) return undefined;
      chosen = picks.map((p) => p.summary);
    }
    const plan = planImport(existing, chosen);
    const added: Instance[] = [];
    for (const data of plan.add) added.push(await this.store.add(data));
    for (const u of plan.update) await this.store.update(u);
    this.log.info('import', `Tencent Cloud: added ${added.length}, updated ${plan.update.length}, unchanged ${plan.unchanged}`);
    if (plan.privateOnly.length) {
      void vscode.window.showWarningMessage(t('No public IP: saved with the private address, reachable only from inside the VPC (or over VPN): {0}', plan.privateOnly.join(', ')));
    }
    if (plan.noAddress.length) {
      void vscode.window.showWarningMessage(t('Skipped (the cloud reports no address): {0}', plan.noAddress.join(', ')));
    }
    void vscode.window.showInformationMessage(t('Tencent Cloud: {0} added, {1} updated.', added.length, plan.update.length));
    return { added, updated: plan.update, unchanged: plan.unchanged };
  }
}
