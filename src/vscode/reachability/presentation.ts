/**
 * How an instance's state reads, wherever it is shown (tree row, status bar, hovers): the
 * verdict as an icon per class and a short label (its code in the hover), the live
 * reachability in short words, and the hover's details in the report's own sentences (core's
 * tcpCheck/bannerCheck summaries), so the tree never words a fact differently from the report.
 * Everything a hover shows is escaped (core's markdownText): a user@host is not a mail link.
 */
import * as vscode from 'vscode';
import { bannerCheck, tcpCheck } from '../../core/checks';
import { markdownText } from '../../core/format';
import { pathText } from '../../core/jump';
import { isLighthouseId } from '../../core/validate';
import type { Lang, VerdictCode } from '../../core/model';
import type { Instance } from '../../core/savedInstance';
import type { LastVerdict } from '../instances/store';
import type { ReachState } from './lightCheck';
import type { ReachInfo } from './scheduler';
import { t, uiLang, uiLocale } from '../i18n';

/** Codicon id per state; the tree and the status bar colour them differently. */
export const REACH_CODICON: Record<ReachState, string> = {
  reachable: 'pass-filled',
  degraded: 'warning',
  unreachable: 'error',
  checking: 'loading~spin',
  unknown: 'vm',
};

export type VerdictClass = 'ok' | 'untested' | 'network' | 'service' | 'login' | 'instance' | 'local' | 'vscode';

/** Which layer a verdict blames: one icon per class. `Record` makes a new code a compile error here. */
export const VERDICT_CLASS: Record<VerdictCode, VerdictClass> = {
  OK: 'ok',
  HOST_KEY_UNKNOWN: 'untested',
  DNS_FAILURE: 'network',
  HOST_UNREACHABLE: 'network',
  NO_RESPONSE: 'network',
  PORT_FILTERED: 'network',
  PORT_REJECTED: 'network',
  SECURITY_GROUP_BLOCKS: 'network',
  NETWORK_ACL_BLOCKS: 'network',
  GUEST_FIREWALL_BLOCKS: 'network',
  INSTANCE_FIREWALL_BLOCKS: 'network',
  PORT_CLOSED: 'service',
  SERVICE_ON_OTHER_PORT: 'service',
  NOT_SSH: 'service',
  NOT_RDP: 'service',
  BANNER_TIMEOUT: 'service',
  CONNECTION_CLOSED: 'service',
  KEX_FAILED: 'service',
  SSHD_NOT_RUNNING: 'service',
  HOST_KEY_MISMATCH: 'login',
  AUTH_FAILED: 'login',
  AUTH_METHOD_UNAVAILABLE: 'login',
  KEY_FORMAT_UNSUPPORTED: 'login',
  INSTANCE_NOT_RUNNING: 'instance',
  INSTANCE_ISOLATED: 'instance',
  LOCAL_CONFIG_ERROR: 'local',
  LOCAL_KEY_REFUSED: 'local',
  REMOTE_SERVER_UNSUPPORTED: 'vscode',
  DISK_FULL: 'vscode',
  PORT_FORWARDING_DISABLED: 'vscode',
  JUMP_FORWARDING_DENIED: 'network',
  INSTANCE_OVERLOADED: 'instance',
  CLIENT_NETWORK_BLOCKS: 'network',
};

/** Icon and theme colour per class (colours the tests and themes already use for pass/warn/fail). */
export const VERDICT_ICON: Record<VerdictClass, { id: string; color: string }> = {
  ok: { id: 'pass-filled', color: 'testing.iconPassed' },
  untested: { id: 'unverified', color: 'editorWarning.foreground' },
  network: { id: 'debug-disconnect', color: 'testing.iconFailed' },
  service: { id: 'server-process', color: 'testing.iconFailed' },
  login: { id: 'key', color: 'testing.iconFailed' },
  instance: { id: 'vm-outline', color: 'testing.iconFailed' },
  local: { id: 'gear', color: 'testing.iconFailed' },
  // The login works; VS Code's server will not run there.
  vscode: { id: 'vscode', color: 'testing.iconFailed' },
};

export function verdictClass(v: Pick<LastVerdict, 'code' | 'loginTested'>): VerdictClass {
  if (v.code === 'OK' && v.loginTested === false) return 'untested';
  return VERDICT_CLASS[v.code as VerdictCode] ?? 'service';
}

/** A few words per verdict, short enough for the default sidebar width. */
const SHORT: Record<VerdictCode, () => string> = {
  OK: () => t('OK'),
  HOST_KEY_UNKNOWN: () => t('Host key not verified'),
  DNS_FAILURE: () => t('Name does not resolve'),
  HOST_UNREACHABLE: () => t('Host unreachable'),
  NO_RESPONSE: () => t('No response'),
  PORT_FILTERED: () => t('Port filtered'),
  PORT_REJECTED: () => t('Port rejected'),
  SECURITY_GROUP_BLOCKS: () => t('Security group blocks'),
  NETWORK_ACL_BLOCKS: () => t('Network ACL blocks'),
  GUEST_FIREWALL_BLOCKS: () => t('Guest firewall blocks'),
  INSTANCE_FIREWALL_BLOCKS: () => t('Instance firewall blocks'),
  PORT_CLOSED: () => t('Port closed'),
  SERVICE_ON_OTHER_PORT: () => t('Answers on another port'),
  NOT_SSH: () => t('Another service answers'),
  NOT_RDP: () => t('Another service answers'),
  BANNER_TIMEOUT: () => t('No SSH banner'),
  CONNECTION_CLOSED: () => t('Connection closed'),
  KEX_FAILED: () => t('No common algorithm'),
  SSHD_NOT_RUNNING: () => t('sshd not running'),
  HOST_KEY_MISMATCH: () => t('Host key changed'),
  AUTH_FAILED: () => t('Login refused'),
  AUTH_METHOD_UNAVAILABLE: () => t('Login method not offered'),
  KEY_FORMAT_UNSUPPORTED: () => t('Key file unusable'),
  INSTANCE_NOT_RUNNING: () => t('Instance not running'),
  INSTANCE_ISOLATED: () => t('Instance isolated'),
  LOCAL_CONFIG_ERROR: () => t('Local SSH config unusable'),
  LOCAL_KEY_REFUSED: () => t('Key refused on this machine'),
  REMOTE_SERVER_UNSUPPORTED: () => t('VS Code server unsupported'),
  DISK_FULL: () => t('Disk full'),
  PORT_FORWARDING_DISABLED: () => t('TCP forwarding off'),
  JUMP_FORWARDING_DENIED: () => t('Bastion refuses to forward'),
  INSTANCE_OVERLOADED: () => t('Instance overloaded'),
  CLIENT_NETWORK_BLOCKS: () => t('Your network blocks the port'),
};

/** The verdict in a few words: "OK", "Port closed", "Login not tested". */
export function verdictShort(v: Pick<LastVerdict, 'code' | 'loginTested'>): string {
  if (v.code === 'OK' && v.loginTested === false) return t('Login not tested');
  return SHORT[v.code as VerdictCode]?.() ?? v.code;
}

/** The last verdict as a short tag: its code, marked when an OK did not test the login. */
export function verdictTag(verdict: LastVerdict): string {
  return verdict.loginTested === false ? t('{0} (login not tested)', verdict.code) : verdict.code;
}

/** Reachability in a few words, true to what answered: a reset is a closed port (the host
 *  answered), a non-SSH answer is another service, not "no answer". */
export function reachText(info: ReachInfo | undefined): string {
  switch (info?.state) {
    case 'reachable': return t('Reachable ({0} ms)', info.latencyMs ?? 0);
    case 'degraded':
      return info.reason === 'banner-timeout' ? t('No SSH banner')
        : info.reason === 'not-ssh' ? t('Another service answers')
          : t('Closed before the banner');
    case 'unreachable':
      return info.reason === 'refused' ? t('Port closed')
        : info.reason === 'timeout' ? t('No answer')
          : info.reason === 'bastion' ? t('bastion does not answer: {0}', info.detail ?? '')
            : info.reason === 'bastion-login' ? t('no login to the bastion: {0}', info.detail ?? '')
              : t('Unreachable');
    case 'checking': return t('Checking…');
    default: return t('Not checked yet');
  }
}

/** What the last light check saw, in the report's sentences (its TCP and banner checks). */
export function reachDetails(info: ReachInfo | undefined, lang: Lang): string[] {
  if (!info || (info.state !== 'reachable' && info.state !== 'degraded' && info.state !== 'unreachable')) return [];
  const out: string[] = [];
  if (info.tcp) out.push(tcpCheck(info.tcp, lang).summary);
  if (info.banner) out.push(bannerCheck(info.banner, info.timeoutMs ?? info.banner.durationMs, lang).summary);
  if (out.length === 0 && info.detail) out.push(info.detail);
  return out;
}

/** `SSH root@10.0.0.1:22` */
export function targetLine(i: Pick<Instance, 'protocol' | 'user' | 'host' | 'port'>): string {
  const host = i.host.includes(':') ? `[${i.host}]` : i.host;
  return `${i.protocol.toUpperCase()} ${i.user ? i.user + '@' : ''}${host}:${i.port}`;
}

/** The hover for an instance: the same facts wherever it is shown; `footer` adds a hint. */
export function instanceTooltip(i: Instance, info: ReachInfo | undefined, verdict: LastVerdict | undefined, footer?: string, pinned = false): vscode.MarkdownString {
  const md = new vscode.MarkdownString(undefined, false);
  md.isTrusted = false;
  md.supportHtml = false;
  const para = (s: string) => md.appendMarkdown(markdownText(s) + '\n\n');
  md.appendMarkdown('**' + markdownText(i.name) + '**' + (pinned ? ' · ' + markdownText(t('pinned to the status bar')) : '') + '\n\n');
  para(targetLine(i));
  if (i.jump?.length) para(t('Through: {0}', pathText(i)));
  if (i.group) para(t('Group: {0}', i.group));
  if (i.region) para(t('Region: {0}', i.region));
  if (i.cloudInstanceId) para(t('Cloud instance: {0}', isLighthouseId(i.cloudInstanceId) ? `${i.cloudInstanceId} (Lighthouse)` : i.cloudInstanceId));
  para(t('Reachability: {0}', reachText(info)));
  for (const d of reachDetails(info, uiLang())) para(d);
  if (info?.checkedAt) para(t('Last check: {0}', new Date(info.checkedAt).toLocaleTimeString(uiLocale())));
  para(verdict ? t('Last verdict: {0} — {1}', verdictWithCode(verdict), verdict.titles?.[uiLang()] ?? verdict.title) : t('Not diagnosed yet'));
  if (footer) para(footer);
  return md;
}

/** "Port closed (PORT_CLOSED)"; just "OK" where the words are the code. */
export function verdictWithCode(v: LastVerdict): string {
  const short = verdictShort(v);
  const tag = verdictTag(v);
  return short === tag ? tag : `${short} (${tag})`;
}

/** Screen-reader label: name, the verdict and the reachability. */
export function instanceAccessibilityLabel(i: Instance, info: ReachInfo | undefined, verdict: LastVerdict | undefined): string {
  return `${i.name}, ${reachText(info)}${verdict ? ', ' + verdictWithCode(verdict) : ''}`;
}
