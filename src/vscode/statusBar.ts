/**
 * The pinned instance in the status bar: icon + latency, background by state, tooltip with
 * the last check, click → Diagnose. Fed by the shared reachability scheduler.
 */
import * as vscode from 'vscode';
import type { InstanceStore } from './instances/store';
import { Disposable } from './lifecycle';
import { instanceAccessibilityLabel, instanceTooltip, REACH_CODICON } from './reachability/presentation';
import type { ReachabilityService } from './reachability/service';
import { t } from './i18n';

export const STATUS_ITEM_ID = 'cvmDoctor.pinned';

export class PinnedStatusBar extends Disposable {
  private readonly item: vscode.StatusBarItem;

  constructor(private readonly store: InstanceStore, private readonly reach: ReachabilityService) {
    super();
    this.item = this._register(vscode.window.createStatusBarItem(STATUS_ITEM_ID, vscode.StatusBarAlignment.Left, 50));
    this.item.name = t('CVM Doctor: pinned instance');
    this._register(store.onDidChange(() => this.update()));
    this._register(reach.onDidChange(() => this.update()));
    this.update();
  }

  update(): void {
    const id = this.store.pinned();
    const inst = id ? this.store.get(id) : undefined;
    if (!inst) {
      this.item.hide();
      return;
    }
    const info = this.reach.get(inst.id);
    const verdict = this.store.verdicts()[inst.id];
    const state = info?.state ?? 'unknown';
    // The status bar spins its own sync icon: a loading spinner reads as "VS Code is busy".
    const icon = state === 'checking' ? 'sync~spin' : REACH_CODICON[state];
    const text = state === 'reachable' ? `${inst.name} ${Math.round(info?.latencyMs ?? 0)} ms` : inst.name;
    this.item.backgroundColor = state === 'degraded' ? new vscode.ThemeColor('statusBarItem.warningBackground')
      : state === 'unreachable' ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    this.item.text = `$(${icon}) ${text}`;
    this.item.tooltip = instanceTooltip(inst, info, verdict, t('Click to diagnose.'));
    this.item.accessibilityInformation = { label: instanceAccessibilityLabel(inst, info, verdict) };
    this.item.command = { command: 'cvmDoctor.diagnose', title: t('Diagnose'), arguments: [inst.id] };
    this.item.show();
  }
}
