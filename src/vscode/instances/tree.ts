/**
 * The "Instances" tree: saved instances (grouped when any has a group). Each row shows what
 * fits the default sidebar width: an icon per verdict class and the verdict in a few words
 * (before any diagnosis: the live reachability), "Pinned" on the status-bar instance, and a
 * hover with the target, the reachability in the report's words and the verdict code.
 * Clicking a row (or Enter) opens its last report, or diagnoses it when there is none. When a
 * newer reachability check contradicts the verdict, the row says so instead of showing a
 * stale mark. A reachability change refreshes only that row; a store change the tree. Never
 * blanks on error (a warning node is shown instead).
 */
import * as vscode from 'vscode';
import { t } from '../i18n';
import { Disposable } from '../lifecycle';
import { instanceAccessibilityLabel, instanceTooltip, REACH_CODICON, reachText, VERDICT_ICON, verdictClass, verdictShort, type VerdictClass } from '../reachability/presentation';
import type { ReachInfo } from '../reachability/scheduler';
import type { Instance } from '../../core/savedInstance';
import { isLighthouseId } from '../../core/validate';
import type { InstanceStore, LastVerdict } from './store';

export const TREE_VIEW_ID = 'cvmDoctor.instances';

/** The command a row runs when clicked (or on Enter). */
export const OPEN_INSTANCE_COMMAND = 'cvmDoctor.openInstance';

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

/** Whether a reachability result newer than the verdict says otherwise: a verdict that
 *  needed the port to answer (OK, a login, key-exchange or local failure) while it no longer does,
 *  or one that found it failing (network, service, instance) while it now answers SSH. */
export function contradicts(verdict: LastVerdict, info: ReachInfo | undefined): boolean {
  if (!info?.checkedAt || !(info.checkedAt > Date.parse(verdict.at))) return false;
  const cls: VerdictClass = verdictClass(verdict);
  const answered = cls === 'ok' || cls === 'untested' || cls === 'login' || cls === 'local' || verdict.code === 'KEX_FAILED';
  return answered ? info.state === 'unreachable' || info.state === 'degraded' : info.state === 'reachable';
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
    let text: string;
    if (!verdict) {
      item.iconPath = reachIcon(info);
      text = reachText(info);
    } else if (contradicts(verdict, info)) {
      item.iconPath = reachIcon(info);
      text = t('{0} now (last verdict: {1})', reachText(info), verdictShort(verdict));
    } else {
      const icon = VERDICT_ICON[verdictClass(verdict)];
      item.iconPath = new vscode.ThemeIcon(icon.id, new vscode.ThemeColor(icon.color));
      text = verdictShort(verdict);
    }
    // A Lighthouse instance is marked as one (its ID says so: lhins-…).
    if (isLighthouseId(i.cloudInstanceId)) text = `Lighthouse · ${text}`;
    item.description = pinned ? t('Pinned · {0}', text) : text;
    // ".cloud": linked to a Tencent Cloud instance (the VNC console is offered).
    item.contextValue = `${pinned ? 'instance.pinned' : 'instance'}${i.cloudInstanceId ? '.cloud' : ''}`;
    item.tooltip = instanceTooltip(i, info, verdict, verdict ? t('Click to open the last report.') : t('Click to diagnose.'), pinned);
    item.accessibilityInformation = { label: instanceAccessibilityLabel(i, info, verdict) };
    item.command = { command: OPEN_INSTANCE_COMMAND, title: t('Open the last report'), arguments: [i.id] };
    return item;
  }
}
