/**
 * Tencent Cloud in the extension: the account's credentials (SecretStorage only — never
 * settings, globalState, logs or reports), the `cvmDoctor.tencent.*` settings checked with the
 * cloud layer's own validators, Import from Tencent Cloud (re-sync keeps the user's edits),
 * the cloud inspector for a diagnosis with the user's consent to in-guest checks, and the
 * least-privilege "Open port for my IP" fix with its undo. Cancellation → AbortSignal here.
 */
import * as net from 'net';
import * as vscode from 'vscode';
import type { CloudInstanceSummary, TencentConfig } from '../../cloud';
import { resolveEndpoint } from '../../cloud/config';
import { InputError, isRegion } from '../../core/validate';
import { isCancelled, type Report } from '../../core/model';
import type { CloudInspector } from '../../core/probes';
import { toAbortSignal } from '../cancellation';
import type { Instance } from '../../core/savedInstance';
import type { InstanceStore } from '../instances/store';
import type { Logger } from '../log';
import { Keys, SECTION } from '../settings';
import { planImport } from '../../cloud/importPlan';
import { alreadyAccepted, describeUndo, openPortCandidate, openPortRequest, parseCallerIpInput, sanitizeUndos, type StoredUndo } from './openPortPlan';
import { COMMON_REGIONS, parseRegions } from '../../cloud/regions';

/**
 * The Tencent Cloud SDK is the heaviest part of the bundle: it is loaded the first time a
 * cloud feature runs, never at activation (most sessions never touch the cloud).
 */
const loadCloud = () => import('../../cloud');

export const TencentCommands = {
  setCredentials: 'cvmDoctor.setTencentCredentials',
  clearCredentials: 'cvmDoctor.clearTencentCredentials',
  importInstances: 'cvmDoctor.importTencent',
  undoOpenPort: 'cvmDoctor.undoOpenPort',
} as const;

/** SecretStorage keys. */
export const SECRET_ID_KEY = 'cvmDoctor.tencent.secretId';
export const SECRET_KEY_KEY = 'cvmDoctor.tencent.secretKey';
/** globalState keys (no secrets): per-instance "always" consent and the undo records. */
export const CONSENT_KEY = 'cvmDoctor.tencent.guestConsent';
export const UNDO_KEY = 'cvmDoctor.tencent.openPortUndo';

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

type Settings = Omit<TencentConfig, 'secretId' | 'secretKey'>;

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export class TencentCloud implements vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<void>();
  /** Fires when the undo records change (report panels show or hide their Undo button). */
  readonly onDidChange = this.emitter.event;
  private readonly disposables: vscode.Disposable[] = [this.emitter];

  constructor(
    private readonly state: vscode.Memento,
    private readonly secrets: vscode.SecretStorage,
    private readonly store: InstanceStore,
    private readonly log: Logger,
  ) {
    // A removed instance's "always" consent goes with it. (Undo records stay: the rule they
    // name is still in the cloud until removed.)
    this.disposables.push(store.onDidChange(() => {
      const c = this.consents();
      const keep = Object.fromEntries(Object.entries(c).filter(([id]) => !!store.get(id)));
      if (Object.keys(keep).length !== Object.keys(c).length) void this.state.update(CONSENT_KEY, keep);
    }));
  }

  register(): vscode.Disposable[] {
    const r = (id: string, fn: (arg?: unknown) => unknown) =>
      vscode.commands.registerCommand(id, async (arg?: unknown) => {
        try {
          return await fn(arg);
        } catch (e) {
          if (isCancelled(e)) return undefined;
          this.log.error('cloud', `${id}: ${message(e)}`);
          void vscode.window.showErrorMessage(message(e));
          return undefined;
        }
      });
    return [
      r(TencentCommands.setCredentials, () => this.promptCredentials()),
      r(TencentCommands.clearCredentials, () => this.clearCredentials(true)),
      r(TencentCommands.importInstances, (a) => this.importInstances(a && typeof a === 'object' && !('kind' in a) ? a as ImportArgs : undefined)),
      r(TencentCommands.undoOpenPort, (a) => this.undoCommand(a)),
    ];
  }

  // -------------------------------------------------------------------------------------------
  // Credentials (SecretStorage only)

  async credentials(): Promise<{ secretId: string; secretKey: string } | undefined> {
    const [secretId, secretKey] = await Promise.all([this.secrets.get(SECRET_ID_KEY), this.secrets.get(SECRET_KEY_KEY)]);
    if (!secretId || !secretKey) return undefined;
    this.log.addSecret(secretId);
    this.log.addSecret(secretKey);
    return { secretId, secretKey };
  }

  async setCredentials(secretId: string, secretKey: string): Promise<void> {
    this.log.addSecret(secretId);
    this.log.addSecret(secretKey);
    await this.secrets.store(SECRET_ID_KEY, secretId);
    await this.secrets.store(SECRET_KEY_KEY, secretKey);
    this.log.info('cloud', 'Tencent Cloud credentials saved in secret storage');
  }

  async clearCredentials(notify = false): Promise<void> {
    await this.secrets.delete(SECRET_ID_KEY);
    await this.secrets.delete(SECRET_KEY_KEY);
    this.log.info('cloud', 'Tencent Cloud credentials removed');
    if (notify) void vscode.window.showInformationMessage(vscode.l10n.t('Tencent Cloud credentials removed.'));
  }

  /** The two input boxes; true when credentials were saved. */
  async promptCredentials(): Promise<boolean> {
    const title = vscode.l10n.t('Set Tencent Cloud Credentials');
    const secretId = await vscode.window.showInputBox({
      title: `${title} (1/2)`,
      prompt: vscode.l10n.t('SecretId of a CAM user or role key (stored in VS Code secret storage)'),
      placeHolder: 'AKID…',
      ignoreFocusOut: true,
      validateInput: (v) => (/^[A-Za-z0-9]{8,128}$/.test(v.trim()) ? undefined : vscode.l10n.t('A SecretId has letters and digits only, e.g. "AKID…".')),
    });
    if (secretId === undefined) return false;
    const secretKey = await vscode.window.showInputBox({
      title: `${title} (2/2)`,
      prompt: vscode.l10n.t('SecretKey (stored in VS Code secret storage, never in settings or logs)'),
      password: true,
      ignoreFocusOut: true,
      validateInput: (v) => (/^\S{8,256}$/.test(v.trim()) ? undefined : vscode.l10n.t('Enter the SecretKey (no spaces).')),
    });
    if (secretKey === undefined) return false;
    await this.setCredentials(secretId.trim(), secretKey.trim());
    void vscode.window.showInformationMessage(vscode.l10n.t('Tencent Cloud credentials saved in VS Code secret storage.'));
    return true;
  }

  // -------------------------------------------------------------------------------------------
  // Settings

  /** The cvmDoctor.tencent.* settings; each bad value is a warning naming its setting.
   *  undefined when the endpoint is unusable (no call may go anywhere unintended). */
  private settings(): Settings | undefined {
    const c = vscode.workspace.getConfiguration(SECTION);
    const warn = (key: string, detail: string) => {
      const text = vscode.l10n.t('The setting {0} is not valid: {1}', `${SECTION}.${key}`, detail);
      this.log.warn('cloud', text);
      void vscode.window.showWarningMessage(text);
    };
    const out: Settings = { log: (l) => this.log.trace('cloud', l) };
    const endpoint = (c.get<string>(Keys.tencentEndpoint) ?? '').trim();
    if (endpoint) {
      try {
        resolveEndpoint(endpoint, `${SECTION}.${Keys.tencentEndpoint}`);
        out.endpoint = endpoint;
      } catch (e) {
        warn(Keys.tencentEndpoint, e instanceof InputError ? e.message.slice(e.field.length + 2) : message(e));
        return undefined;
      }
    }
    const callerIp = (c.get<string>(Keys.tencentCallerIp) ?? '').trim();
    if (callerIp) {
      if (net.isIP(callerIp)) out.callerIp = callerIp;
      else warn(Keys.tencentCallerIp, vscode.l10n.t('"{0}" is not an IP address; it is ignored.', callerIp));
    }
    const callerIpUrl = (c.get<string>(Keys.tencentCallerIpUrl) ?? '').trim();
    if (callerIpUrl) {
      let ok = false;
      try { ok = ['http:', 'https:'].includes(new URL(callerIpUrl).protocol); } catch { ok = false; }
      if (ok) out.callerIpUrl = callerIpUrl;
      else warn(Keys.tencentCallerIpUrl, vscode.l10n.t('"{0}" is not an http(s) URL; it is ignored.', callerIpUrl));
    }
    return out;
  }

  /** Credentials + settings, asking for credentials when none are saved (when `ask`). */
  private async config(ask: boolean): Promise<TencentConfig | undefined> {
    let creds = await this.credentials();
    if (!creds && ask) {
      const set = vscode.l10n.t('Set Credentials');
      const a = await vscode.window.showWarningMessage(vscode.l10n.t('No Tencent Cloud credentials are saved yet.'), set);
      if (a !== set || !(await this.promptCredentials())) return undefined;
      creds = await this.credentials();
    }
    if (!creds) return undefined;
    const s = this.settings();
    return s ? { ...s, ...creds } : undefined;
  }

  // -------------------------------------------------------------------------------------------
  // Import

  private async pickRegions(): Promise<string[] | undefined> {
    const { regions, invalid } = parseRegions(vscode.workspace.getConfiguration(SECTION).get(Keys.tencentRegions));
    if (invalid.length) {
      void vscode.window.showWarningMessage(vscode.l10n.t('The setting {0} is not valid: {1}', `${SECTION}.${Keys.tencentRegions}`,
        vscode.l10n.t('not region IDs: {0}', invalid.join(', '))));
    }
    if (regions.length) return regions;
    const picks = await vscode.window.showQuickPick(COMMON_REGIONS.map((id) => ({ label: id })), {
      canPickMany: true,
      title: vscode.l10n.t('Import from Tencent Cloud'),
      placeHolder: vscode.l10n.t('Choose the regions to list instances in (setting {0} skips this step)', `${SECTION}.${Keys.tencentRegions}`),
      ignoreFocusOut: true,
    });
    return picks?.length ? picks.map((p) => p.label) : undefined;
  }

  async importInstances(args?: ImportArgs): Promise<ImportResult | undefined> {
    const cfg = await this.config(true);
    if (!cfg) return undefined;
    const regions = args?.regions?.filter(isRegion) ?? await this.pickRegions();
    if (!regions?.length) return undefined;
    let found: CloudInstanceSummary[];
    try {
      found = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Listing Tencent Cloud instances in {0}…', regions.join(', ')), cancellable: true },
        async (_p, token) => {
          const abort = toAbortSignal(token);
          try { return await (await loadCloud()).listInstances(cfg, regions, abort.signal); } finally { abort.dispose(); }
        },
      );
    } catch (e) {
      if (isCancelled(e)) return undefined;
      const text = e instanceof Error && e.name === 'CloudApiError' ? e.message : message(e);
      this.log.error('import', `Tencent Cloud import: ${text}`);
      void vscode.window.showErrorMessage(vscode.l10n.t('Import from Tencent Cloud failed: {0}', text));
      return undefined;
    }
    this.log.info('import', `Tencent Cloud: ${found.length} instance(s) in ${regions.join(', ')}`);
    if (found.length === 0) {
      void vscode.window.showInformationMessage(vscode.l10n.t('No instances found in {0}.', regions.join(', ')));
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
        description: `${s.instanceId} · ${s.region} · ${s.state}`,
        detail: `${s.publicIps[0] ?? s.privateIps[0] ?? '-'}${s.publicIps.length ? '' : ` (${vscode.l10n.t('private address only')})`}`
          + (saved.has(s.instanceId) ? ` · ${vscode.l10n.t('already saved: updates its address and state')}` : ''),
        picked: true,
        summary: s,
      })), { canPickMany: true, title: vscode.l10n.t('Import from Tencent Cloud'), placeHolder: vscode.l10n.t('Choose the instances to save'), matchOnDescription: true, ignoreFocusOut: true });
      if (!picks?.length) return undefined;
      chosen = picks.map((p) => p.summary);
    }
    const plan = planImport(existing, chosen);
    const added: Instance[] = [];
    for (const data of plan.add) added.push(await this.store.add(data));
    for (const u of plan.update) await this.store.update(u);
    this.log.info('import', `Tencent Cloud: added ${added.length}, updated ${plan.update.length}, unchanged ${plan.unchanged}`);
    if (plan.privateOnly.length) {
      void vscode.window.showWarningMessage(vscode.l10n.t('No public IP: saved with the private address, reachable only from inside the VPC (or over VPN): {0}', plan.privateOnly.join(', ')));
    }
    if (plan.noAddress.length) {
      void vscode.window.showWarningMessage(vscode.l10n.t('Skipped (the cloud reports no address): {0}', plan.noAddress.join(', ')));
    }
    void vscode.window.showInformationMessage(vscode.l10n.t('Tencent Cloud: {0} added, {1} updated.', added.length, plan.update.length));
    return { added, updated: plan.update, unchanged: plan.unchanged };
  }

  // -------------------------------------------------------------------------------------------
  // Diagnosis

  private consents(): Record<string, 'always'> {
    const v = this.state.get<Record<string, unknown>>(CONSENT_KEY, {});
    const out: Record<string, 'always'> = {};
    if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) if (x === 'always') out[k] = 'always';
    return out;
  }

  async forgetConsent(instanceId: string): Promise<void> {
    const c = this.consents();
    delete c[instanceId];
    await this.state.update(CONSENT_KEY, c);
  }

  /** The modal; true when in-guest checks may run this time. */
  private async guestConsent(inst: Pick<Instance, 'id' | 'name'>): Promise<boolean> {
    if (this.consents()[inst.id] === 'always') return true;
    const once: vscode.MessageItem = { title: vscode.l10n.t('Allow once') };
    const always: vscode.MessageItem = { title: vscode.l10n.t('Always for this instance') };
    const no: vscode.MessageItem = { title: vscode.l10n.t('Don\'t allow'), isCloseAffordance: true };
    const a = await vscode.window.showInformationMessage(
      vscode.l10n.t('Run read-only checks inside the instance (Tencent Automation Tools)?'),
      { modal: true, detail: vscode.l10n.t('CVM Doctor asks TAT to run a fixed read-only script as root on "{0}": whether sshd runs, the ports it listens on, its configuration test, firewall rules and host key fingerprints. It changes nothing.', inst.name) },
      once, always, no,
    );
    if (a === always) await this.state.update(CONSENT_KEY, { ...this.consents(), [inst.id]: 'always' });
    return a === once || a === always;
  }

  /** The cloud's part of a diagnosis, or undefined (no cloud instance, no credentials, bad
   *  settings: the diagnosis then runs on probes alone). */
  async forDiagnosis(spec: Partial<Pick<Instance, 'id' | 'name' | 'cloudInstanceId' | 'region'>>): Promise<{ cloud: CloudInspector; guestChecks: boolean } | undefined> {
    if (!spec.cloudInstanceId || !spec.region) return undefined;
    const creds = await this.credentials();
    if (!creds) {
      this.log.info('cloud', `${spec.cloudInstanceId}: no Tencent Cloud credentials saved; probes only`);
      const set = vscode.l10n.t('Set Credentials');
      void vscode.window.showInformationMessage(vscode.l10n.t('Save Tencent Cloud credentials to include the cloud\'s view (instance state, security groups, network ACL) in the diagnosis.'), set)
        .then((a) => (a === set ? this.promptCredentials() : undefined));
      return undefined;
    }
    const s = this.settings();
    if (!s) return undefined;
    const guestChecks = spec.id ? await this.guestConsent({ id: spec.id, name: spec.name ?? spec.cloudInstanceId }) : false;
    this.log.info('cloud', `${spec.cloudInstanceId} (${spec.region}): cloud view on, in-guest checks ${guestChecks ? 'allowed' : 'not allowed'}`);
    return { cloud: (await loadCloud()).createTencentInspector({ ...s, ...creds }), guestChecks };
  }

  // -------------------------------------------------------------------------------------------
  // Open port for my IP, and its undo

  undos(instanceId?: string): StoredUndo[] {
    const all = sanitizeUndos(this.state.get<unknown>(UNDO_KEY, []));
    return instanceId ? all.filter((u) => u.instanceId === instanceId) : all;
  }

  private async writeUndos(list: StoredUndo[]): Promise<void> {
    await this.state.update(UNDO_KEY, list);
    this.emitter.fire();
  }

  canOpenPort(report: Report | undefined, instanceId: string): boolean {
    const inst = this.store.get(instanceId);
    return !!report && !!inst?.cloudInstanceId && !!openPortCandidate(report);
  }

  /** Asks for the caller's address, never offering a default; 0.0.0.0/0 only when typed. */
  private async askCallerIp(port: number, family: 4 | 6): Promise<{ ip: string; anySource: boolean } | undefined> {
    const typed = await vscode.window.showInputBox({
      title: vscode.l10n.t('Open port for my IP'),
      prompt: vscode.l10n.t('Your public IP address as the cloud sees it (CVM Doctor could not tell it). Set {0} to skip this question.', `${SECTION}.${Keys.tencentCallerIp}`),
      placeHolder: family === 6 ? '2001:db8::5' : '203.0.113.5',
      ignoreFocusOut: true,
      validateInput: (v) => {
        const r = parseCallerIpInput(v, family);
        if (r.ok) return undefined;
        if (r.reason === 'family') return vscode.l10n.t('The instance was reached over IPv{0}: type your public IPv{0} address.', family);
        return r.reason === 'unspecified' ? vscode.l10n.t('That is not a usable address; type your public IP address.') : vscode.l10n.t('Type one IP address, e.g. 203.0.113.5.');
      },
    });
    if (typed === undefined) return undefined;
    const r = parseCallerIpInput(typed, family);
    if (!r.ok) return undefined;
    if (r.anySource) {
      const yes: vscode.MessageItem = { title: vscode.l10n.t('Open to the whole Internet') };
      const a = await vscode.window.showWarningMessage(
        vscode.l10n.t('{0} opens port {1} to every address on the Internet, not only yours. Scanners find open SSH and RDP ports within minutes.', r.ip, port),
        { modal: true, detail: vscode.l10n.t('Prefer your own address. Continue only if you really mean everyone.') },
        yes,
      );
      if (a !== yes) return undefined;
    }
    return { ip: r.ip, anySource: r.anySource };
  }

  /** The whole fix: caller address → the exact rule in a modal → apply → undo record. */
  async openPort(instanceId: string, report: Report): Promise<boolean> {
    const inst = this.store.get(instanceId);
    const c = openPortCandidate(report);
    if (!inst || !c) return false;
    const cfg = await this.config(true);
    if (!cfg) return false;
    // Only an address of the family the port was probed over: a rule for the other would not help.
    const configured = cfg.callerIp && parseCallerIpInput(cfg.callerIp, c.family).ok ? cfg.callerIp : undefined;
    let caller = configured ? { ip: configured, anySource: false } : c.callerIp ? { ip: c.callerIp, anySource: false } : undefined;
    caller ??= await this.askCallerIp(c.port, c.family);
    if (!caller) return false;
    if (!caller.anySource && alreadyAccepted(c, caller.ip)) {
      void vscode.window.showInformationMessage(vscode.l10n.t('The security groups already accept {0} on port {1}: another rule would change nothing. Re-run the diagnosis with your address set ({2}) to see what blocks it.', caller.ip, c.port, `${SECTION}.${Keys.tencentCallerIp}`));
      return false;
    }
    const req = openPortRequest(c, caller.ip, caller.anySource);
    const fix = (await loadCloud()).describeOpenPortFix(req);
    const r = fix.rule;
    const add: vscode.MessageItem = { title: vscode.l10n.t('Add Rule') };
    const a = await vscode.window.showWarningMessage(
      vscode.l10n.t('Add this inbound rule to security group {0}?', fix.securityGroupId),
      {
        modal: true,
        detail: [
          fix.summary,
          `PolicyIndex ${r.PolicyIndex} · ${r.Protocol} ${r.Port} · ${r.CidrBlock ?? r.Ipv6CidrBlock ?? ''} · ${r.Action}`,
          `"${r.PolicyDescription}"`,
          vscode.l10n.t('It applies to every instance in this security group. "Remove the rule CVM Doctor added" deletes exactly this rule later.'),
        ].join('\n'),
      },
      add,
    );
    if (a !== add) return false;
    try {
      const undo = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Adding the rule to {0}…', fix.securityGroupId), cancellable: true },
        async (_p, token) => {
          const abort = toAbortSignal(token);
          try { return await (await loadCloud()).openPortForCaller(cfg, req, abort.signal); } finally { abort.dispose(); }
        },
      );
      await this.writeUndos([...this.undos(), { instanceId, instanceName: inst.name, undo }]);
      this.log.info('cloud', `added ${describeUndo(undo)}`);
      return true;
    } catch (e) {
      if (isCancelled(e)) return false;
      this.log.error('cloud', `open port: ${message(e)}`);
      void vscode.window.showErrorMessage(vscode.l10n.t('The rule could not be added: {0}', message(e)));
      return false;
    }
  }

  /** Removes every rule CVM Doctor added for the instance; true when the cloud changed. */
  async undo(instanceId: string): Promise<boolean> {
    const mine = this.undos(instanceId);
    if (!mine.length) return false;
    const cfg = await this.config(true);
    if (!cfg) return false;
    let removed = 0;
    try {
      await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Removing the rule CVM Doctor added…'), cancellable: true },
        async (_p, token) => {
          const abort = toAbortSignal(token);
          try {
            for (const u of mine) {
              const r = await (await loadCloud()).undoOpenPort(cfg, u.undo, abort.signal);
              if (r.removed) removed++;
              this.log.info('cloud', `${r.removed ? 'removed' : 'already gone'}: ${describeUndo(u.undo)}`);
              // Gone either way: drop the record at once so a failure later keeps only the rest.
              await this.writeUndos(this.undos().filter((x) => JSON.stringify(x) !== JSON.stringify(u)));
            }
          } finally { abort.dispose(); }
        },
      );
    } catch (e) {
      if (isCancelled(e)) return removed > 0;
      this.log.error('cloud', `undo: ${message(e)}`);
      void vscode.window.showErrorMessage(vscode.l10n.t('The rule could not be removed: {0}', message(e)));
      return removed > 0;
    }
    if (removed === 0) void vscode.window.showInformationMessage(vscode.l10n.t('The rule was already gone from the security group.'));
    return true;
  }

  private async undoCommand(arg: unknown): Promise<boolean> {
    let id = typeof arg === 'string' ? arg : arg && typeof arg === 'object' && (arg as { kind?: string }).kind === 'instance'
      ? (arg as { instance: Instance }).instance.id : undefined;
    if (!id) {
      const all = this.undos();
      if (!all.length) {
        void vscode.window.showInformationMessage(vscode.l10n.t('CVM Doctor has added no security-group rule that is still in place.'));
        return false;
      }
      const pick = await vscode.window.showQuickPick(all.map((u) => ({ label: u.instanceName, description: describeUndo(u.undo), id: u.instanceId })),
        { title: vscode.l10n.t('Remove the rule CVM Doctor added') });
      id = pick?.id;
    }
    return id ? this.undo(id) : false;
  }

  dispose(): void {
    while (this.disposables.length) this.disposables.pop()?.dispose();
  }
}
