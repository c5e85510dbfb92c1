/**
 * The caller's address for a one-rule fix (security group or Lighthouse firewall): the
 * configured address, else the one the evaluation used, else typed by the user — never a
 * default, and 0.0.0.0/0 or ::/0 only when typed and confirmed in a modal. An address the
 * rules accept already gets no rule (it would change nothing).
 */
import * as vscode from 'vscode';
import type { TencentConfig } from '../../cloud';
import { alreadyAccepted, parseCallerIpInput } from '../../cloud/openPortPlan';
import { Keys, SECTION } from '../settings';
import { t } from '../i18n';

export interface FixTarget { port: number; family: 4 | 6; callerIp?: string; acceptedSources?: string[] }

/** Asks for the caller's address, never offering a default; 0.0.0.0/0 only when typed. */
async function askCallerIp(port: number, family: 4 | 6): Promise<{ ip: string; anySource: boolean } | undefined> {
  const typed = await vscode.window.showInputBox({
    title: t('Open port for my IP'),
    prompt: t('Your public IP address as the cloud sees it (CVM Doctor could not tell it). Set {0} to skip this question.', `${SECTION}.${Keys.tencentCallerIp}`),
    placeHolder: family === 6 ? '2001:db8::5' : '203.0.113.5',
    ignoreFocusOut: true,
    validateInput: (v) => {
      const r = parseCallerIpInput(v, family);
      if (r.ok) return undefined;
      if (r.reason === 'family') return t('The instance was reached over IPv{0}: type your public IPv{0} address.', family);
      return r.reason === 'unspecified' ? t('That is not a usable address; type your public IP address.') : t('Type one IP address, e.g. 203.0.113.5.');
    },
  });
  if (typed === undefined) return undefined;
  const r = parseCallerIpInput(typed, family);
  if (!r.ok) return undefined;
  if (r.anySource) {
    const yes: vscode.MessageItem = { title: t('Open to the whole Internet') };
    const a = await vscode.window.showWarningMessage(
      t('{0} opens port {1} to every address on the Internet, not only yours. Scanners find open SSH and RDP ports within minutes.', r.ip, port),
      { modal: true, detail: t('Prefer your own address. Continue only if you really mean everyone.') },
      yes,
    );
    if (a !== yes) return undefined;
  }
  return { ip: r.ip, anySource: r.anySource };
}

/** The address the rule is for, or undefined (cancelled, or the rules accept it already:
 *  `acceptedText` then says so). */
export async function callerAddressFor(cfg: TencentConfig, c: FixTarget, acceptedText: (ip: string) => string): Promise<{ ip: string; anySource: boolean } | undefined> {
  // Only an address of the family the port was probed over: a rule for the other would not help.
  const configured = cfg.callerIp && parseCallerIpInput(cfg.callerIp, c.family).ok ? cfg.callerIp : undefined;
  let caller = configured ? { ip: configured, anySource: false } : c.callerIp ? { ip: c.callerIp, anySource: false } : undefined;
  caller ??= await askCallerIp(c.port, c.family);
  if (!caller) return undefined;
  if (!caller.anySource && alreadyAccepted(c, caller.ip)) {
    void vscode.window.showInformationMessage(acceptedText(caller.ip));
    return undefined;
  }
  return caller;
}
