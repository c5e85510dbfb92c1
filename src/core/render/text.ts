/** Terminal rendering of a report. Remote strings pass through `visible()` so a hostile
 *  banner cannot send escape sequences to the user's terminal. */
import { verdictPassed, type CheckStatus, type Report } from '../model';
import { msg } from '../messages';
import { isReadinessCheck } from '../readinessChecks';
import { displayWidth, formatMs, padEndWidth, visible } from '../format';
import { checkName, pathText } from '../jump';

const ANSI = { red: '\x1b[31m', green: '\x1b[32m', yellow: '\x1b[33m', dim: '\x1b[2m', bold: '\x1b[1m', reset: '\x1b[0m' };
const MARK: Record<CheckStatus, string> = { pass: '✓', fail: '✗', warn: '!', skip: '-' };
const COLOUR: Record<CheckStatus, keyof typeof ANSI> = { pass: 'green', fail: 'red', warn: 'yellow', skip: 'dim' };

export function renderText(report: Report, opts: { color?: boolean } = {}): string {
  const c = (k: keyof typeof ANSI, s: string) => (opts.color ? ANSI[k] + s + ANSI.reset : s);
  const lang = report.lang;
  const t = report.target;
  const v = report.verdict;
  const ok = verdictPassed(v);
  // OK but with the login asked for untested: neither a pass nor a failure.
  const mark = ok ? c('green', `✓ ${v.code}`) : v.code === 'OK' ? c('yellow', `! ${v.code}`) : c('red', `✗ ${v.code}`);
  const lines: string[] = [];
  const name = t.name ? `${visible(t.name)} — ` : '';
  lines.push(c('bold', `CVM Doctor — ${name}${visible(t.host)}:${t.port} (${t.protocol.toUpperCase()})`));
  const path = pathText(t);
  if (path) lines.push(msg(lang, 'jump.path', { chain: visible(path) }));
  lines.push('');
  lines.push(mark + '  ' + c('bold', visible(v.title)));
  lines.push('  ' + visible(v.summary));
  lines.push('');
  lines.push(c('bold', msg(lang, 'report.checks')));
  const width = Math.max(...report.checks.map((ch) => displayWidth(checkName(ch.id, lang))), 4);
  const readiness = report.checks.filter(isReadinessCheck);
  for (const ch of report.checks) {
    if (ch === readiness[0]) lines.push(c('bold', msg(lang, 'report.readiness')));
    const label = padEndWidth(checkName(ch.id, lang), width);
    const time = formatMs(ch.durationMs).padStart(8);
    lines.push(`  ${c(COLOUR[ch.status], MARK[ch.status])} ${label} ${c('dim', time)}  ${visible(ch.summary)}`);
  }
  if (report.findings.length) {
    lines.push('');
    lines.push(c('bold', msg(lang, 'report.findings')));
    for (const f of report.findings) lines.push(`  • ${c('yellow', f.code)} ${visible(f.message)}`);
  }
  if (v.remediation.length) {
    lines.push('');
    lines.push(c('bold', msg(lang, 'report.remediation')));
    v.remediation.forEach((s, i) => {
      lines.push(`  ${i + 1}. ${visible(s.text)}`);
      if (s.command) lines.push(`     ${c('bold', '$ ' + visible(s.command))}`);
      if (s.doc) lines.push(`     ${c('dim', msg(lang, 'report.docs') + ': ' + s.doc)}`);
    });
  }
  lines.push('');
  lines.push(c('dim', msg(lang, 'report.duration', { time: formatMs(report.durationMs) })));
  return lines.join('\n') + '\n';
}
