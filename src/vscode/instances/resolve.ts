/**
 * What a command was invoked on: an instance id (status bar, tests, other commands), a tree
 * node (context menus), or nothing (the command palette), in which case `pick` asks.
 * One resolver for every command that acts on a saved instance.
 */
import * as vscode from 'vscode';
import type { Instance } from '../../core/savedInstance';
import type { InstanceStore } from './store';
import { t } from '../i18n';

export function instanceFromArg(arg: unknown, store: InstanceStore): Instance | undefined {
  if (typeof arg === 'string') return store.get(arg);
  if (arg && typeof arg === 'object' && (arg as { kind?: unknown }).kind === 'instance') {
    const node = arg as { instance?: { id?: unknown } };
    return typeof node.instance?.id === 'string' ? store.get(node.instance.id) : undefined;
  }
  return undefined;
}

/** `arg` when it names an instance; else, when nothing was given, the user's pick. */
export async function resolveInstance(arg: unknown, store: InstanceStore, pick: () => Promise<Instance | undefined> = () => pickInstance(store)): Promise<Instance | undefined> {
  if (arg !== undefined && arg !== null) return instanceFromArg(arg, store);
  return pick();
}

/** A quick pick of the saved instances (a message instead when there are none). */
export async function pickInstance(store: InstanceStore, placeHolder = t('Choose an instance')): Promise<Instance | undefined> {
  const list = store.list();
  if (list.length === 0) {
    void vscode.window.showInformationMessage(t('No saved instances yet. Add one first.'));
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(list.map((i) => ({ label: i.name, description: `${i.host}:${i.port}`, id: i.id })), { placeHolder });
  return picked ? store.get(picked.id) : undefined;
}
