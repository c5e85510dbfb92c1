/**
 * Saved instances: plain data in globalState, secrets in SecretStorage (never in globalState,
 * settings or logs). Fires `onDidChange` after every write so the tree, the scheduler and
 * the status bar follow.
 */
import { randomBytes } from 'crypto';
import * as vscode from 'vscode';
import { Disposable } from '../lifecycle';
import type { Lang, Report } from '../../core/model';
import { connectionChanged, sanitizeInstance, secretKey, type Instance, type SecretKind } from '../../core/savedInstance';

const INSTANCES_KEY = 'cvmDoctor.instances';
const PINNED_KEY = 'cvmDoctor.pinned';
const VERDICTS_KEY = 'cvmDoctor.lastVerdicts';

export interface LastVerdict {
  code: string;
  title: string;
  /** The title in each language, so the tooltip follows cvmDoctor.language after a switch. */
  titles?: Partial<Record<Lang, string>>;
  at: string;
  /** false when the verdict is OK but the login asked for was not tested (core's verdictPassed). */
  loginTested?: false;
}

/** What the tree and the status bar keep of a report: one shape, from one place. */
export function lastVerdictOf(report: Pick<Report, 'verdict' | 'startedAt'>, titles?: LastVerdict['titles']): LastVerdict {
  const v = report.verdict;
  return { code: v.code, title: v.title, ...(titles ? { titles } : {}), at: report.startedAt, ...(v.loginTested === false ? { loginTested: false as const } : {}) };
}

export class InstanceStore extends Disposable {
  private readonly emitter = this._register(new vscode.EventEmitter<void>());
  readonly onDidChange = this.emitter.event;
  private verdictWrites: Promise<void> = Promise.resolve();

  constructor(private readonly state: vscode.Memento, private readonly secrets: vscode.SecretStorage) {
    super();
  }

  list(): Instance[] {
    const raw = this.state.get<unknown[]>(INSTANCES_KEY, []);
    return (Array.isArray(raw) ? raw : []).map(sanitizeInstance).filter((i): i is Instance => !!i);
  }

  get(id: string): Instance | undefined {
    return this.list().find((i) => i.id === id);
  }

  private async write(list: Instance[]): Promise<void> {
    await this.state.update(INSTANCES_KEY, list);
    this.emitter.fire();
  }

  async add(data: Omit<Instance, 'id'>): Promise<Instance> {
    const inst: Instance = { ...data, id: randomBytes(8).toString('hex') };
    await this.write([...this.list(), inst]);
    return inst;
  }

  /** Saves `inst`. When it now connects differently (host, port, protocol, user, key), its
   *  last verdict described another target and is dropped: the tree must not show it. */
  async update(inst: Instance): Promise<void> {
    const list = this.list();
    const i = list.findIndex((x) => x.id === inst.id);
    if (i < 0) throw new Error(`unknown instance ${inst.id}`);
    const stale = connectionChanged(list[i], inst) && this.verdicts()[inst.id] !== undefined;
    list[i] = inst;
    if (stale) await this.changeVerdicts((v) => { delete v[inst.id]; });
    await this.write(list);
  }

  async remove(id: string): Promise<void> {
    await this.write(this.list().filter((i) => i.id !== id));
    await Promise.all((['password', 'passphrase'] as SecretKind[]).map((k) => this.secrets.delete(secretKey(id, k))));
    if (this.pinned() === id) await this.setPinned(undefined);
    await this.changeVerdicts((v) => { delete v[id]; });
  }

  getSecret(id: string, kind: SecretKind): Thenable<string | undefined> {
    return this.secrets.get(secretKey(id, kind));
  }

  async setSecret(id: string, kind: SecretKind, value: string | undefined): Promise<void> {
    if (value) await this.secrets.store(secretKey(id, kind), value);
    else await this.secrets.delete(secretKey(id, kind));
  }

  pinned(): string | undefined {
    const p = this.state.get<string>(PINNED_KEY);
    return p && this.get(p) ? p : undefined;
  }

  async setPinned(id: string | undefined): Promise<void> {
    await this.state.update(PINNED_KEY, id);
    this.emitter.fire();
  }

  verdicts(): Record<string, LastVerdict> {
    const v = this.state.get<Record<string, LastVerdict>>(VERDICTS_KEY, {});
    return v && typeof v === 'object' ? v : {};
  }

  async setVerdict(id: string, v: LastVerdict): Promise<void> {
    await this.changeVerdicts((all) => { all[id] = v; });
    this.emitter.fire();
  }

  /** Read-modify-write of the verdict map, one at a time: verdicts that land together (a
   *  "Diagnose all") would otherwise each start from the same old map and lose one another. */
  private changeVerdicts(change: (v: Record<string, LastVerdict>) => void): Promise<void> {
    const next = this.verdictWrites.then(async () => {
      const v = { ...this.verdicts() };
      change(v);
      await this.state.update(VERDICTS_KEY, v);
    });
    this.verdictWrites = next.catch(() => undefined);
    return next;
  }
}
