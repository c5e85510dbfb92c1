/**
 * The pinned instance in the status bar: icon + latency, background by state, tooltip with
 * the last check, click → Diagnose. Fed by the shared reachability scheduler.
 */
import * as vscode from 'vscode';
import type { InstanceStore } from './instances/store';
import type { ReachabilityService } from './reachability/service';
import { reachText } from './instances/tree';

export const STATUS_ITEM_ID = 'cvmDoctor.pinned';

export class PinnedStatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly store: InstanceStore, private readonly reach: ReachabilityService) {
    this.item = vscode.window.createStatusBarItem(STATUS_ITEM_ID, vscode.StatusBarAlignment.Left, 50);
    this.item.name = vscode.l10n.t('CVM Doctor: pinned instance');
    this.disposables.push(this.item, store.onDidChange(() => this.update()), reach.onDidChange(() => this.update()));
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
    let icon = '$(vm)';
    let text = inst.name;
    this.item.backgroundColor = undefined;
    switch (info?.state) {
      case 'reachable':
        icon = '$(pass-filled)';
        text = `${inst.name} ${Math.round(info.latencyMs ?? 0)} ms`;
        break;
      case 'degraded':
        icon = '$(warning)';
        this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
        break;
      case 'unreachable':
        icon = '$(error)';
        this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
        break;
      case 'checking':
        icon = '$(sync~spin)';
        break;
    }
    this.item.text = `${icon} ${text}`;
    const md = new vscode.MarkdownString(undefined, false);
    md.isTrusted = false;
    md.appendMarkdown('**').appendText(inst.name).appendMarkdown('**\n\n');
    md.appendText(`${inst.host}:${inst.port} (${inst.protocol.toUpperCase()})\n\n`);
    md.appendText(vscode.l10n.t('Reachability: {0}', reachText(info)) + '\n\n');
    if (info?.checkedAt) md.appendText(vscode.l10n.t('Last check: {0}', new Date(info.checkedAt).toLocaleTimeString()) + '\n\n');
    if (verdict) md.appendText(vscode.l10n.t('Last verdict: {0} — {1}', verdict.code, verdict.title) + '\n\n');
    md.appendText(vscode.l10n.t('Click to diagnose.'));
    this.item.tooltip = md;
    this.item.accessibilityInformation = { label: `${inst.name}, ${reachText(info)}` };
    this.item.command = { command: 'cvmDoctor.diagnose', title: vscode.l10n.t('Diagnose'), arguments: [inst.id] };
    this.item.show();
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
