/**
 * Wires the one ReachabilityScheduler to VS Code: the watched set follows the store, the
 * interval and concurrency follow settings, checks pause while the window is unfocused, and
 * each result refreshes the tree and the status bar through `onDidChange`.
 */
import * as vscode from 'vscode';
import type { InstanceStore } from '../instances/store';
import { Disposable } from '../lifecycle';
import type { Logger } from '../log';
import { affects, Keys, readSettings } from '../settings';
import { buildTarget } from '../diagnosis/instanceDiagnosis';
import { expandHome } from '../../probes/homePath';
import { createChainCheck, withChains } from './jumpLightCheck';
import { lightCheck, type LightCheck } from './lightCheck';
import { ReachabilityScheduler, type ReachInfo } from './scheduler';

export class ReachabilityService extends Disposable {
  private readonly emitter = this._register(new vscode.EventEmitter<string>());
  readonly onDidChange = this.emitter.event;
  private readonly scheduler: ReachabilityScheduler;

  constructor(private readonly store: InstanceStore, private readonly log: Logger, check?: LightCheck) {
    super();
    const s = readSettings();
    // Behind bastions: through the chain, each bastion's failure shared for one interval.
    const chain = createChainCheck({ intervalMs: () => this.timing(readSettings()).intervalMs, ...(process.env.SSH_AUTH_SOCK ? { agent: process.env.SSH_AUTH_SOCK } : {}) });
    this.scheduler = new ReachabilityScheduler({
      check: check ?? withChains(lightCheck, chain),
      ...this.timing(s),
      onChange: (id, info) => {
        this.log.trace('reach', `${store.get(id)?.name ?? id} (${id}): ${info.state}${info.latencyMs !== undefined ? ` ${info.latencyMs} ms` : ''} ${info.detail ?? ''}`);
        this.emitter.fire(id);
      },
    });
    this.scheduler.setFocused(vscode.window.state.focused);
    this._register({ dispose: () => this.scheduler.dispose() });
    this._register(store.onDidChange(() => this.sync()));
    this._register(vscode.window.onDidChangeWindowState((w) => this.scheduler.setFocused(w.focused)));
    this._register(vscode.workspace.onDidChangeConfiguration((e) => {
      if ([Keys.pollIntervalSeconds, Keys.maxConcurrentChecks, Keys.probeTimeoutMs].some((k) => affects(e, k))) {
        this.scheduler.configure(this.timing(readSettings()));
        this.sync();
      }
    }));
    this.sync();
  }

  private timing(s: ReturnType<typeof readSettings>) {
    return {
      // 0 disables polling; a day is "practically never" without special-casing the scheduler.
      intervalMs: (s.pollIntervalSeconds || 86_400) * 1000,
      timeoutMs: Math.min(s.probeTimeoutMs, 10_000),
      maxConcurrent: s.maxConcurrentChecks,
    };
  }

  private sync(): void {
    const enabled = readSettings().pollIntervalSeconds > 0;
    const pinned = this.store.pinned();
    // Polling off: only the pinned instance is watched, so the status bar still means something.
    const list = this.store.list().filter((i) => enabled || i.id === pinned);
    const settings = readSettings();
    this.scheduler.setTargets(list.map((i) => {
      if (!i.jump?.length) return { id: i.id, host: i.host, port: i.port, protocol: i.protocol };
      // The same chain, users and key files a diagnosis uses (instanceDiagnosis.ts buildTarget).
      const t = buildTarget(i, settings);
      return {
        id: i.id, host: i.host, port: i.port, protocol: i.protocol, jump: t.jump,
        ...(i.identityFile ? { identityFile: expandHome(i.identityFile) } : {}),
        ...(t.knownHostsPath ? { knownHostsPath: t.knownHostsPath } : {}),
      };
    }));
  }

  get(id: string): ReachInfo | undefined {
    return this.scheduler.get(id);
  }

  checkNow(id: string): void {
    this.scheduler.checkNow(id);
  }

  /** Checks every watched instance now; resolves when all have answered (bounded: a paused
   *  or stuck scheduler cannot keep a progress bar spinning). */
  async checkAll(): Promise<void> {
    const ids = this.store.list().map((i) => i.id);
    const s = readSettings();
    const rounds = Math.ceil(ids.length / Math.max(1, s.maxConcurrentChecks));
    const bound = this.timing(s).timeoutMs * (rounds + 1) + 5000;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.scheduler.checkNowAndWait(ids),
      new Promise<void>((r) => { timer = setTimeout(r, bound); }),
    ]);
    clearTimeout(timer);
  }
}
