/**
 * How an instance's live reachability reads, in one place for the tree and the status bar:
 * the state's icon and sentence, and the tooltip (what, where, reachability, last check,
 * last verdict). Remote strings go in as text, never as Markdown.
 */
import { isLighthouseId } from '../../core/validate';
import * as vscode from 'vscode';
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

/** The reason in the UI's language; an errno code (ECONNREFUSED…) is shown as it is. */
function reasonText(info: ReachInfo): string {
  switch (info.reason) {
    case 'timeout': return t('no answer');
    case 'banner-timeout': return t('no SSH banner');
    case 'not-ssh': return t('another protocol answers');
    case 'closed': return t('closed before the banner');
    default: return info.detail ?? '';
  }
}

export function reachText(info: ReachInfo | undefined): string {
  switch (info?.state) {
    case 'reachable': return t('Reachable ({0} ms)', info.latencyMs ?? 0);
    case 'degraded': return t('Port open, no answer ({0})', reasonText(info));
    case 'unreachable': return t('Unreachable ({0})', reasonText(info));
    case 'checking': return t('Checking…');
    default: return t('Not checked yet');
  }
}

/** The hover for an instance: the same facts wherever it is shown; `footer` adds a hint. */
export function instanceTooltip(i: Instance, info: ReachInfo | undefined, verdict: LastVerdict | undefined, footer?: string): vscode.MarkdownString {
  const md = new vscode.MarkdownString(undefined, false);
  md.isTrusted = false;
  md.supportHtml = false;
  md.appendMarkdown('**').appendText(i.name).appendMarkdown('**\n\n');
  md.appendText(`${i.protocol.toUpperCase()} ${i.user ? i.user + '@' : ''}${i.host}:${i.port}\n\n`);
  if (i.group) md.appendText(t('Group: {0}', i.group) + '\n\n');
  if (i.region) md.appendText(t('Region: {0}', i.region) + '\n\n');
  if (i.cloudInstanceId) md.appendText(t('Cloud instance: {0}', isLighthouseId(i.cloudInstanceId) ? `${i.cloudInstanceId} (Lighthouse)` : i.cloudInstanceId) + '\n\n');
  md.appendText(t('Reachability: {0}', reachText(info)) + '\n\n');
  if (info?.checkedAt) md.appendText(t('Last check: {0}', new Date(info.checkedAt).toLocaleTimeString(uiLocale())) + '\n\n');
  md.appendText(verdict ? t('Last verdict: {0} — {1}', verdict.code, verdict.titles?.[uiLang()] ?? verdict.title) : t('Not diagnosed yet'));
  if (footer) md.appendText('\n\n' + footer);
  return md;
}

/** The last verdict as a short tag: its code, marked when an OK did not test the login. */
export function verdictTag(verdict: LastVerdict): string {
  return verdict.loginTested === false ? t('{0} (login not tested)', verdict.code) : verdict.code;
}

/** Screen-reader label: name, reachability and the last verdict code. */
export function instanceAccessibilityLabel(i: Instance, info: ReachInfo | undefined, verdict: LastVerdict | undefined): string {
  return `${i.name}, ${reachText(info)}${verdict ? ', ' + verdictTag(verdict) : ''}`;
}
