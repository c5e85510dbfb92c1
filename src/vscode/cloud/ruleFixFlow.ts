/**
 * The one flow of a one-rule cloud fix — "Open port for my IP" in a security group
 * (openPortFix.ts) or in a Lighthouse instance's firewall (firewallFix.ts) — and its undo:
 * the Tencent credentials and the caller's address (callerAddress.ts, never a silent
 * 0.0.0.0/0), the exact rule in a modal, the cloud call under a cancellable progress, an undo
 * record per instance in globalState (no secrets), and the undo that removes exactly the
 * recorded rules. Each fix supplies only its own words, preview and cloud calls.
 */
import * as vscode from 'vscode';
import type { TencentConfig } from '../../cloud';
import type { StoredRuleUndo } from '../../cloud/storedUndo';
import { isCancelled } from '../../core/model';
import { withCancellableProgress } from '../cancellation';
import { userMessage } from '../errors';
import { errorMessage } from '../errorText';
import { t } from '../i18n';
import { Disposable } from '../lifecycle';
import type { Logger } from '../log';
import { Keys, SECTION } from '../settings';
import { callerAddressFor, type FixTarget } from './callerAddress';
import type { TencentCredentials } from './credentials';

/** One fix's undo records under a globalState key, read back through its sanitizer. */
export class UndoRecords<R extends StoredRuleUndo<unknown>> extends Disposable {
  private readonly emitter = this._register(new vscode.EventEmitter<void>());
  /** Fires when the records change (report panels show or hide their Undo button). */
  readonly onDidChange = this.emitter.event;

  constructor(private readonly state: vscode.Memento, private readonly key: string, private readonly sanitize: (v: unknown) => R[]) {
    super();
  }

  list(instanceId?: string): R[] {
    const all = this.sanitize(this.state.get<unknown>(this.key, []));
    return instanceId ? all.filter((u) => u.instanceId === instanceId) : all;
  }

  async add(r: R): Promise<void> {
    await this.write([...this.list(), r]);
  }

  async remove(r: R): Promise<void> {
    await this.write(this.list().filter((x) => JSON.stringify(x) !== JSON.stringify(r)));
  }

  private async write(list: R[]): Promise<void> {
    await this.state.update(this.key, list);
    this.emitter.fire();
  }
}

/** The credentials and the caller's address; undefined when either is not given.
 *  `alreadyAccepted`: the fix's own words for an address its rules accept already (no rule
 *  is added then), given the address, the port and the caller-address setting. */
export async function callerForFix(credentials: TencentCredentials, c: FixTarget, alreadyAccepted: (ip: string, port: number, setting: string) => string): Promise<{ cfg: TencentConfig; caller: { ip: string; anySource: boolean } } | undefined> {
  const cfg = await credentials.config(true);
  if (!cfg) return undefined;
  const caller = await callerAddressFor(cfg, c, (ip) => alreadyAccepted(ip, c.port, `${SECTION}.${Keys.tencentCallerIp}`));
  return caller ? { cfg, caller } : undefined;
}

/** The modal that shows exactly the rule; true only when "Add Rule" was chosen. */
export async function confirmRule(question: string, detail: readonly string[]): Promise<boolean> {
  const add: vscode.MessageItem = { title: t('Add Rule') };
  return await vscode.window.showWarningMessage(question, { modal: true, detail: detail.join('\n') }, add) === add;
}

/** The cloud call that adds the rule, under a cancellable progress; undefined when cancelled
 *  or failed (the failure logged under `logWhat` and shown). */
export async function addRule<T>(log: Logger, logWhat: string, progress: string, run: (signal: AbortSignal) => Promise<T>): Promise<T | undefined> {
  try {
    return await withCancellableProgress(progress, async (_p, signal) => run(signal));
  } catch (e) {
    if (isCancelled(e)) return undefined;
    log.error('cloud', `${logWhat}: ${errorMessage(e)}`);
    void vscode.window.showErrorMessage(t('The rule could not be added: {0}', userMessage(e)));
    return undefined;
  }
}

/** How one fix removes one recorded rule, and what it says. */
export interface RuleRemoval<U> {
  remove(cfg: TencentConfig, undo: U, signal: AbortSignal): Promise<{ removed: boolean }>;
  describe(undo: U): string;
  /** The log line's prefix when removing fails. */
  logWhat: string;
  /** Said when every recorded rule was gone already. */
  alreadyGone: string;
}

/** Removes every rule recorded for the instance; true when the cloud changed (or the records
 *  were all stale and are dropped). Each record goes as soon as its rule is gone, so a
 *  failure later keeps only the rest. */
export async function removeRecordedRules<U>(records: UndoRecords<StoredRuleUndo<U>>, instanceId: string, credentials: TencentCredentials, log: Logger, how: RuleRemoval<U>): Promise<boolean> {
  const mine = records.list(instanceId);
  if (!mine.length) return false;
  const cfg = await credentials.config(true);
  if (!cfg) return false;
  let removed = 0;
  try {
    await withCancellableProgress(t('Removing the rule CVM Doctor added…'), async (_p, signal) => {
      for (const u of mine) {
        const r = await how.remove(cfg, u.undo, signal);
        if (r.removed) removed++;
        log.info('cloud', `${r.removed ? 'removed' : 'already gone'}: ${how.describe(u.undo)}`);
        await records.remove(u);
      }
    });
  } catch (e) {
    if (isCancelled(e)) return removed > 0;
    log.error('cloud', `${how.logWhat}: ${errorMessage(e)}`);
    void vscode.window.showErrorMessage(t('The rule could not be removed: {0}', userMessage(e)));
    return removed > 0;
  }
  if (removed === 0) void vscode.window.showInformationMessage(how.alreadyGone);
  return true;
}
