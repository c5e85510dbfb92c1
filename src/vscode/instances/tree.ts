/**
 * The "Instances" tree: saved instances (grouped when any has a group), each with an icon for
 * its live reachability and a tooltip with the last verdict code. Refreshes on store and
 * scheduler changes; never blanks on error (a warning node is shown instead).
 */
import * as vscode from 'vscode';
import type { ReachInfo } from '../reachability/scheduler';
import type { Instance } from './instance';
import type { InstanceStore } from './store';

export type Node = { kind: 'group'; name: string } | { kind: 'instance'; instance: Instance } | { kind: 'error'; message: string };

export function reachIcon(info: ReachInfo | undefined): vscode.ThemeIcon {
  switch (info?.state) {
    case 'reachable': return new vscode.ThemeIcon('pass-filled', new vscode.ThemeColor('testing.iconPassed'));
    case 'degraded': return new vscode.ThemeIcon('warning', new vscode.ThemeColor('editorWarning.foreground'));
    case 'unreachable': return new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed'));
    case 'checking': return new vscode.ThemeIcon('loading~spin');
    default: return new vscode.ThemeIcon('vm');
  }
}

export function reachText(info: ReachInfo | undefined): string {
  switch (info?.state) {
    case 'reachable': return vscode.l10n.t('Reachable ({0} ms)', info.latencyMs ?? 0);
    case 'degraded': return vscode.l10n.t('Port open, no answer ({0})', info.detail ?? '');
    case 'unreachable': return vscode.l10n.t('Unreachable ({0})', info.detail ?? '');
    case 'checking': return vscode.l10n.t('Checking…');
    default: return vscode.l10n.t('Not checked yet');
  }
}

export class InstanceTreeProvider implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<Node | undefined | void>();
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly disposables: vscode.Disposable[] = [this.emitter];

  constructor(private readonly store: InstanceStore, private readonly reach: (id: string) => ReachInfo | undefined) {
    this.disposables.push(store.onDidChange(() => this.refresh()));
  }

  refresh(): void {
    this.emitter.fire();
  }

  getChildren(node?: Node): Node[] {
    try {
      const list = this.store.list().sort((a, b) => a.name.localeCompare(b.name));
      if (!node) {
        const groups = [...new Set(list.map((i) => i.group).filter((g): g is string => !!g))].sort();
        if (groups.length === 0) return list.map((instance) => ({ kind: 'instance', instance }));
        return [
          ...groups.map((name): Node => ({ kind: 'group', name })),
          ...list.filter((i) => !i.group).map((instance): Node => ({ kind: 'instance', instance })),
        ];
      }
      if (node.kind === 'group') return list.filter((i) => i.group === node.name).map((instance) => ({ kind: 'instance', instance }));
      return [];
    } catch (e) {
      return [{ kind: 'error', message: e instanceof Error ? e.message : String(e) }];
    }
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node.kind === 'group') {
      const item = new vscode.TreeItem(node.name, vscode.TreeItemCollapsibleState.Expanded);
      item.id = `group:${node.name}`;
      item.iconPath = new vscode.ThemeIcon('folder');
      item.contextValue = 'group';
      return item;
    }
    if (node.kind === 'error') {
      const item = new vscode.TreeItem(node.message);
      item.iconPath = new vscode.ThemeIcon('warning');
      return item;
    }
    const i = node.instance;
    const info = this.reach(i.id);
    const verdict = this.store.verdicts()[i.id];
    const pinned = this.store.pinned() === i.id;
    const item = new vscode.TreeItem(i.name, vscode.TreeItemCollapsibleState.None);
    item.id = i.id;
    item.description = `${i.user ? i.user + '@' : ''}${i.host}:${i.port}${verdict ? ' · ' + verdict.code : ''}`;
    item.iconPath = reachIcon(info);
    item.contextValue = pinned ? 'instance.pinned' : 'instance';
    const md = new vscode.MarkdownString(undefined, false);
    md.isTrusted = false;
    md.supportHtml = false;
    md.appendMarkdown('**').appendText(i.name).appendMarkdown('**\n\n');
    md.appendText(`${i.protocol.toUpperCase()} ${i.user ? i.user + '@' : ''}${i.host}:${i.port}\n\n`);
    if (i.group) md.appendText(vscode.l10n.t('Group: {0}', i.group) + '\n\n');
    if (i.region) md.appendText(vscode.l10n.t('Region: {0}', i.region) + '\n\n');
    if (i.cloudInstanceId) md.appendText(vscode.l10n.t('Cloud instance: {0}', i.cloudInstanceId) + '\n\n');
    md.appendText(vscode.l10n.t('Reachability: {0}', reachText(info)) + '\n\n');
    if (info?.checkedAt) md.appendText(vscode.l10n.t('Last check: {0}', new Date(info.checkedAt).toLocaleTimeString()) + '\n\n');
    md.appendText(verdict ? vscode.l10n.t('Last verdict: {0} — {1}', verdict.code, verdict.title) : vscode.l10n.t('Not diagnosed yet'));
    item.tooltip = md;
    item.accessibilityInformation = { label: `${i.name}, ${reachText(info)}${verdict ? ', ' + verdict.code : ''}` };
    return item;
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
