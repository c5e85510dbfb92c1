/**
 * The cloud's part of a diagnosis: an inspector for a saved Tencent Cloud instance, and the
 * user's consent to read-only in-guest checks (asked in a modal each time, or "always" for an
 * instance — kept in globalState and dropped with the instance).
 */
import * as vscode from 'vscode';
import type { CloudInspector } from '../../core/probeContract';
import type { Instance } from '../../core/savedInstance';
import type { InstanceStore } from '../instances/store';
import { Disposable } from '../lifecycle';
import type { Logger } from '../log';
import type { TencentCredentials } from './credentials';
import { loadCloud } from './sdk';
import { readTencentSettings } from './tencentSettings';
import { t } from '../i18n';

/** globalState key (no secrets): per-instance "always" consent. */
export const CONSENT_KEY = 'cvmDoctor.tencent.guestConsent';

export class CloudInspection extends Disposable {
  constructor(
    private readonly state: vscode.Memento,
    store: InstanceStore,
    private readonly credentials: TencentCredentials,
    private readonly log: Logger,
  ) {
    super();
    // A removed instance's "always" consent goes with it.
    this._register(store.onDidChange(() => {
      const c = this.consents();
      const keep = Object.fromEntries(Object.entries(c).filter(([id]) => !!store.get(id)));
      if (Object.keys(keep).length !== Object.keys(c).length) void this.state.update(CONSENT_KEY, keep);
    }));
  }

  private consents(): Record<string, 'always'> {
    const v = this.state.get<Record<string, unknown>>(CONSENT_KEY, {});
    const out: Record<string, 'always'> = {};
    if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) if (x === 'always') out[k] = 'always';
    return out;
  }

  /** The modal; true when in-guest checks may run this time. */
  private async guestConsent(inst: Pick<Instance, 'id' | 'name'>): Promise<boolean> {
    if (this.consents()[inst.id] === 'always') return true;
    const once: vscode.MessageItem = { title: t('Allow once') };
    const always: vscode.MessageItem = { title: t('Always for this instance') };
    const no: vscode.MessageItem = { title: t('Don\'t allow'), isCloseAffordance: true };
    const a = await vscode.window.showInformationMessage(
      t('Run read-only checks inside the instance (Tencent Automation Tools)?'),
      { modal: true, detail: t('CVM Doctor asks TAT to run a fixed read-only script as root on "{0}": whether sshd runs, the ports it listens on, its configuration test, firewall rules and host key fingerprints. It changes nothing.', inst.name) },
      once, always, no,
    );
    if (a === always) await this.state.update(CONSENT_KEY, { ...this.consents(), [inst.id]: 'always' });
    return a === once || a === always;
  }

  /** The cloud's part of a diagnosis, or undefined (no cloud instance, no credentials, bad
   *  settings: the diagnosis then runs on probes alone). */
  async forDiagnosis(spec: Partial<Pick<Instance, 'id' | 'name' | 'cloudInstanceId' | 'region'>>): Promise<{ cloud: CloudInspector; guestChecks: boolean } | undefined> {
    if (!spec.cloudInstanceId || !spec.region) return undefined;
    const creds = await this.credentials.get();
    if (!creds) {
      this.log.info('cloud', `${spec.cloudInstanceId}: no Tencent Cloud credentials saved; probes only`);
      const set = t('Set Credentials');
      void vscode.window.showInformationMessage(t('Save Tencent Cloud credentials to include the cloud\'s view (instance state, security groups, network ACL) in the diagnosis.'), set)
        .then((a) => (a === set ? this.credentials.prompt() : undefined));
      return undefined;
    }
    const s = readTencentSettings(this.log);
    if (!s) return undefined;
    const guestChecks = spec.id ? await this.guestConsent({ id: spec.id, name: spec.name ?? spec.cloudInstanceId }) : false;
    this.log.info('cloud', `${spec.cloudInstanceId} (${spec.region}): cloud view on, in-guest checks ${guestChecks ? 'allowed' : 'not allowed'}`);
    return { cloud: (await loadCloud()).createTencentInspector({ ...s, ...creds }), guestChecks };
  }

  /** The cloud's part of a fleet run ("Diagnose all"): one inspector for every instance, the
   *  account's security groups and ACLs read once (a shared read cache); no in-guest checks,
   *  since a consent modal per instance would stall the run. Undefined without credentials. */
  async forSweep(): Promise<CloudInspector | undefined> {
    const creds = await this.credentials.get();
    if (!creds) {
      this.log.info('cloud', 'diagnose all: no Tencent Cloud credentials saved; probes only');
      return undefined;
    }
    const s = readTencentSettings(this.log);
    if (!s) return undefined;
    return (await loadCloud()).createTencentInspector({ ...s, ...creds, readCache: new Map() });
  }
}
