/**
 * "Open VNC console" (CVM and Lighthouse): a fresh console URL from DescribeInstanceVncUrl,
 * asked for only now (it works once, for seconds), opened at once in the browser through
 * Tencent's VNC page. The URL is a credential: it is never logged, never stored, never put in
 * a message or a report. The opener is injectable (the browser by default).
 */
import * as vscode from 'vscode';
import { isCancelled } from '../../core/model';
import { withCancellableProgress } from '../cancellation';
import { userMessage } from '../errors';
import { errorMessage } from '../errorText';
import { resolveInstance } from '../instances/resolve';
import type { InstanceStore } from '../instances/store';
import type { Logger } from '../log';
import type { TencentCredentials } from './credentials';
import { loadCloud } from './sdk';
import { t } from '../i18n';

/** Opens a URL outside VS Code, exactly as given. */
export type ExternalOpener = (url: string) => Thenable<boolean>;

/**
 * vscode.env.openExternal with the URL as a string. A vscode.Uri would not survive: its
 * query is decoded and written out again, so the console URL inside it arrives mangled (its
 * "?" escaped twice, a "+" of the token read as a space — seen in the e2e test). The extension
 * host's openExternal also takes the string itself, parses it only to check the scheme, and
 * hands the very string to the browser.
 */
export const openExternalExactly: ExternalOpener = (url) => vscode.env.openExternal(url as unknown as vscode.Uri);

export class VncConsole {
  constructor(
    private readonly credentials: TencentCredentials,
    private readonly store: InstanceStore,
    private readonly log: Logger,
    private readonly opener: ExternalOpener = openExternalExactly,
  ) {}

  /** The command (tree item, instance id, or a pick) and the report's button. */
  async open(arg: unknown): Promise<boolean> {
    const inst = await resolveInstance(arg, this.store);
    if (!inst) return false;
    if (!inst.cloudInstanceId || !inst.region) {
      void vscode.window.showInformationMessage(t('"{0}" is not linked to a Tencent Cloud instance: the VNC console needs its instance ID and region (Edit Instance).', inst.name));
      return false;
    }
    const cfg = await this.credentials.config(true);
    if (!cfg) return false;
    const { cloudInstanceId: id, region } = inst;
    let url: string;
    try {
      url = await withCancellableProgress(t('Opening the VNC console of {0}…', inst.name),
        async (_p, signal) => (await loadCloud()).vncConsoleUrl(cfg, id, region, signal));
    } catch (e) {
      if (isCancelled(e)) return false;
      this.log.error('cloud', `${id}: VNC console: ${errorMessage(e)}`);
      void vscode.window.showErrorMessage(t('The VNC console could not be opened: {0}', userMessage(e)));
      return false;
    }
    const opened = await this.opener(url);
    this.log.info('cloud', `${id} (${region}): VNC console ${opened ? 'opened in the browser' : 'not opened'}`);
    return opened;
  }
}
