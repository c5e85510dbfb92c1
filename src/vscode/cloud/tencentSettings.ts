/**
 * The cvmDoctor.tencent.* settings, checked with the cloud layer's own validators. Each bad
 * value is a warning naming its setting; an unusable endpoint stops everything (no call may go
 * anywhere unintended).
 */
import * as vscode from 'vscode';
import type { TencentConfig } from '../../cloud';
import { parseCallerIp, parseCallerIpUrl, resolveEndpoint } from '../../cloud/config';
import type { Logger } from '../log';
import { Keys, SECTION } from '../settings';
import { errorMessage } from '../errorText';
import { t } from '../i18n';

export type TencentSettings = Omit<TencentConfig, 'secretId' | 'secretKey'>;

/** A setting of ours that cannot be used: said in the log and to the user, naming it. */
export function warnInvalidSetting(log: Logger, key: string, detail: string): void {
  const text = t('The setting {0} is not valid: {1}', `${SECTION}.${key}`, detail);
  log.warn('cloud', text);
  void vscode.window.showWarningMessage(text);
}

/** The settings, or undefined when the endpoint setting is unusable. */
export function readTencentSettings(log: Logger): TencentSettings | undefined {
  const c = vscode.workspace.getConfiguration(SECTION);
  const warn = (key: string, detail: string) => warnInvalidSetting(log, key, detail);
  const out: TencentSettings = { log: (l) => log.trace('cloud', l) };
  const endpoint = (c.get<string>(Keys.tencentEndpoint) ?? '').trim();
  if (endpoint) {
    try {
      resolveEndpoint(endpoint, `${SECTION}.${Keys.tencentEndpoint}`);
      out.endpoint = endpoint;
    } catch (e) {
      log.warn('cloud', `${SECTION}.${Keys.tencentEndpoint}: ${errorMessage(e)}`);
      warn(Keys.tencentEndpoint, t('use a domain suffix such as tencentcloudapi.com or intl.tencentcloudapi.com, or an https:// URL (plain http:// only to a loopback address)'));
      return undefined;
    }
  }
  // The cloud layer's own validators decide, as for the CLI's environment variables.
  const callerIp = (c.get<string>(Keys.tencentCallerIp) ?? '').trim();
  if (callerIp) {
    try { out.callerIp = parseCallerIp(callerIp, Keys.tencentCallerIp); } catch { warn(Keys.tencentCallerIp, t('"{0}" is not an IP address; it is ignored.', callerIp)); }
  }
  const callerIpUrl = (c.get<string>(Keys.tencentCallerIpUrl) ?? '').trim();
  if (callerIpUrl) {
    try { out.callerIpUrl = parseCallerIpUrl(callerIpUrl, Keys.tencentCallerIpUrl); } catch { warn(Keys.tencentCallerIpUrl, t('"{0}" is not an http(s) URL; it is ignored.', callerIpUrl)); }
  }
  return out;
}
