/**
 * The "Instances" tree: saved instances (grouped when any has a group), each with an icon for
 * its live reachability and a tooltip with the last verdict code. A reachability change
 * refreshes only that instance's row; a store change refreshes the tree. Never blanks on
 * error (a warning node is shown instead).
 */
import * as vscode from 'vscode';
import { Disposable } from '../lifecycle';
import { instanceAccessibilityLabel, instanceTooltip, REACH_CODICON, verdictTag } from '../reachability/presentation';
import type { ReachInfo } from '../reachability/scheduler';
import type { Instance } from '../../core/savedInstance';
import { isLighthouseId } from '../../core/validate';
import type { InstanceStore } from './store';

export type InstanceNode = { kind: 'instance'; instance: Instance };
export type TreeNode = { kind: 'group'; name: string } | InstanceNode | { kind: 'error'; message: string };

const REACH_COLOR: Partial<Record<NonNullable<ReachInfo['state']>, string>> = {
  reachable: 'testing.iconPassed',
  degraded: 'editorWarning.foreground',
  unreachable: 'testing.iconFailed',
};

export function reachIcon(info: ReachInfo | undefined): vscode.ThemeIcon {
  const state = info?.state ?? 'unknown';
  const color = REACH_COLOR[state];
  return new vscode.ThemeIcon(REACH_CODICON[state], color ? new vscode.ThemeColor(color) : undefined);
}

export class InstanceTreeProvider extends Disposable implements vscode.TreeDataProvider<TreeNode> {
  private readonly emitter = this._register(new vscode.EventEmitter<TreeNode | undefined | void>());
  readonly onDidChangeTreeData = this.emitter.event;
  /** One node object per instance id: VS Code finds the row to refresh by the element. */
  private readonly nodes = new Map<string, InstanceNode>();

  constructor(private readonly store: InstanceStore, private readonly reach: (id: string) => ReachInfo | undefined) {
    super();
    this._register(store.onDidChange(() => this.refresh()));
  }

  refresh(): void {
    this.emitter.fire();
  }

  /** Re-render one instance's row (its reachability changed); unknown ids are ignored. */
  refreshInstance(id: string): void {
    const node = this.nodes.get(id);
    if (node) this.emitter.fire(node);
  }

  private node(instance: Instance): InstanceNode {
    const n = this.nodes.get(instance.id);
    if (n) {
      n.instance = instance;
      return n;
    }
    const fresh: InstanceNode = { kind: 'instance', instance };
    this.nodes.set(instance.id, fresh);
    return fresh;
  }

  getChildren(node?: TreeNode): TreeNode[] {
    try {
      const list = this.store.list().sort((a, b) => a.name.localeCompare(b.name));
      const ids = new Set(list.map((i) => i.id));
      for (const id of this.nodes.keys()) if (!ids.has(id)) this.nodes.delete(id);
      if (!node) {
        const groups = [...new Set(list.map((i) => i.group).filter((g): g is string => !!g))].sort();
        if (groups.length === 0) return list.map((i) => this.node(i));
        return [
          ...groups.map((name): TreeNode => ({ kind: 'group', name })),
          ...list.filter((i) => !i.group).map((i) => this.node(i)),
        ];
      }
      if (node.kind === 'group') return list.filter((i) => i.group === node.name).map((i) => this.node(i));
      return [];
    } catch (e) {
      return [{ kind: 'error', message: e instanceof Error ? e.message : String(e) }];
    }
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
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
    // A Lighthouse instance is marked as one (its ID says so: lhins-…).
    item.description = `${isLighthouseId(i.cloudInstanceId) ? 'Lighthouse · ' : ''}${i.user ? i.user + '@' : ''}${i.host}:${i.port}${verdict ? ' · ' + verdictTag(verdict) : ''}`;
    item.iconPath = reachIcon(info);
    // ".cloud": linked to a Tencent Cloud instance (the VNC console is offered).
    item.contextValue = `${pinned ? 'instance.pinned' : 'instance'}${i.cloudInstanceId ? '.cloud' : ''}`;
    item.tooltip = instanceTooltip(i, info, verdict);
    item.accessibilityInformation = { label: instanceAccessibilityLabel(i, info, verdict) };
    return item;
  }
}
