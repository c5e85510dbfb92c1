/**
 * Markdown for "Copy report as Markdown" (issues, chat with support). The report never holds
 * credentials; remote strings go in code spans so Markdown in a banner renders inert.
 */
import type { Report } from '../model';
import { msg } from '../messages';
import { formatLocalTime, formatMs, visible } from '../format';
import { checkName, pathText } from '../jump';

/** An inline code span that survives backticks inside the text. */
function code(s: string): string {
  const text = visible(s).replace(/\r?\n/g, ' ');
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((m) => m.length));
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

/**
 * Text as Markdown that renders as written, escaping only what Markdown would act on: code,
 * emphasis, links and images (brackets), HTML (angle brackets), table cells (pipes),
 * strikethrough, an entity, and what would start a heading, list or quote at the line's
 * start. Parentheses, braces and the like stay as they are ("키(SHA256:…)가", not "키\(…\)").
 */
export function plain(s: string): string {
  return visible(s)
    .replace(/[\\`*[\]<>|~]/g, '\\$&')
    // An underscore inside a word (known_hosts) cannot open or close emphasis.
    .replace(/_/g, (u, i: number, all: string) => (/[\p{L}\p{N}]/u.test(all[i - 1] ?? '') && /[\p{L}\p{N}]/u.test(all[i + 1] ?? '') ? u : '\\_'))
    .replace(/&(?=#?\w+;)/g, '\\&')
    .replace(/^(\s*)([#+=-]|\d+(?=[.)]))/gm, (m, sp: string, c: string) => `${sp}${/\d/.test(c) ? `${c}\\` : `\\${c}`}`);
}

export function renderMarkdown(report: Report): string {
  const lang = report.lang;
  const t = report.target;
  const v = report.verdict;
  const out: string[] = [];
  out.push(`## ${msg(lang, 'report.title')}: ${code(v.code)} ${plain(v.title)}`);
  out.push('');
  out.push(`**${msg(lang, 'report.target')}:** ${code(`${t.host}:${t.port}`)} (${t.protocol.toUpperCase()})${t.addresses.length ? ' → ' + t.addresses.map(code).join(', ') : ''}`);
  out.push('');
  if (pathText(t)) {
    out.push(plain(msg(lang, 'jump.path', { chain: pathText(t) })));
    out.push('');
  }
  out.push(plain(v.summary));
  out.push('');
  out.push(`### ${msg(lang, 'report.checks')}`);
  out.push('');
  const col = (k: 'check' | 'status' | 'time' | 'summary') => msg(lang, `report.column.${k}`);
  out.push(`| ${col('check')} | ${col('status')} | ${col('time')} | ${col('summary')} |`);
  out.push('|---|---|--:|---|');
  for (const ch of report.checks) {
    out.push(`| ${checkName(ch.id, lang)} | ${msg(lang, `status.${ch.status}`)} | ${formatMs(ch.durationMs)} | ${plain(ch.summary)} |`);
  }
  if (report.findings.length) {
    out.push('');
    out.push(`### ${msg(lang, 'report.findings')}`);
    out.push('');
    for (const f of report.findings) out.push(`- ${code(f.code)} ${plain(f.message)}`);
  }
  if (v.remediation.length) {
    out.push('');
    out.push(`### ${msg(lang, 'report.remediation')}`);
    out.push('');
    v.remediation.forEach((s, i) => {
      out.push(`${i + 1}. ${plain(s.text)}${s.doc ? ` ([${msg(lang, 'report.docs')}](${encodeURI(s.doc)}))` : ''}`);
      if (s.command) out.push(`   ${code(s.command)}`);
    });
  }
  out.push('');
  out.push(`_${msg(lang, 'report.duration', { time: formatMs(report.durationMs) })} · ${msg(lang, 'report.started')} ${formatLocalTime(report.startedAt)}_`);
  return out.join('\n') + '\n';
}
