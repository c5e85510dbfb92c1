/**
 * The Tencent Cloud account's credentials: in SecretStorage only — never settings,
 * globalState, logs (both halves are registered with the log's redaction) or reports.
 * `config()` joins them with the settings for a call to the cloud.
 */
import * as vscode from 'vscode';
import type { TencentConfig } from '../../cloud';
import type { Logger } from '../log';
import { readTencentSettings } from './tencentSettings';
import { t } from '../i18n';

/** SecretStorage keys. */
export const SECRET_ID_KEY = 'cvmDoctor.tencent.secretId';
export const SECRET_KEY_KEY = 'cvmDoctor.tencent.secretKey';

export class TencentCredentials {
  constructor(private readonly secrets: vscode.SecretStorage, private readonly log: Logger) {}

  async get(): Promise<{ secretId: string; secretKey: string } | undefined> {
    const [secretId, secretKey] = await Promise.all([this.secrets.get(SECRET_ID_KEY), this.secrets.get(SECRET_KEY_KEY)]);
    if (!secretId || !secretKey) return undefined;
    this.log.addSecret(secretId);
    this.log.addSecret(secretKey);
    return { secretId, secretKey };
  }

  async set(secretId: string, secretKey: string): Promise<void> {
    this.log.addSecret(secretId);
    this.log.addSecret(secretKey);
    await this.secrets.store(SECRET_ID_KEY, secretId);
    await this.secrets.store(SECRET_KEY_KEY, secretKey);
    this.log.info('cloud', 'Tencent Cloud credentials saved in secret storage');
  }

  async clear(notify = false): Promise<void> {
    await this.secrets.delete(SECRET_ID_KEY);
    await this.secrets.delete(SECRET_KEY_KEY);
    this.log.info('cloud', 'Tencent Cloud credentials removed');
    if (notify) void vscode.window.showInformationMessage(t('Tencent Cloud credentials removed.'));
  }

  /** The two input boxes; true when credentials were saved. */
  async prompt(): Promise<boolean> {
    const title = t('Set Tencent Cloud Credentials');
    const secretId = await vscode.window.showInputBox({
      title: `${title} (1/2)`,
      prompt: t('SecretId of a CAM user or role key (stored in VS Code secret storage)'),
      placeHolder: 'AKID…',
      ignoreFocusOut: true,
      validateInput: (v) => (/^[A-Za-z0-9]{8,128}$/.test(v.trim()) ? undefined : t('A SecretId has letters and digits only, e.g. "AKID…".')),
    });
    if (secretId === undefined) return false;
    const secretKey = await vscode.window.showInputBox({
      title: `${title} (2/2)`,
      prompt: t('SecretKey (stored in VS Code secret storage, never in settings or logs)'),
      password: true,
      ignoreFocusOut: true,
      validateInput: (v) => (/^\S{8,256}$/.test(v.trim()) ? undefined : t('Enter the SecretKey (no spaces).')),
    });
    if (secretKey === undefined) return false;
    await this.set(secretId.trim(), secretKey.trim());
    void vscode.window.showInformationMessage(t('Tencent Cloud credentials saved in VS Code secret storage.'));
    return true;
  }

  /** Credentials + settings for a call, asking for credentials when none are saved (when `ask`). */
  async config(ask: boolean): Promise<TencentConfig | undefined> {
    let creds = await this.get();
    if (!creds && ask) {
      const set = t('Set Credentials');
      const a = await vscode.window.showWarningMessage(t('No Tencent Cloud credentials are saved yet.'), set);
      if (a !== set || !(await this.prompt())) return undefined;
      creds = await this.get();
    }
    if (!creds) return undefined;
    const s = readTencentSettings(this.log);
    return s ? { ...s, ...creds } : undefined;
  }
}
