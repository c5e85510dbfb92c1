/**
 * Terminal rendering of a sweep: a table grouped by verdict, most serious first, one row per
 * target (label, address, the verdict's one-line summary), and the progress line shown while
 * it runs. Remote strings pass through `visible()` (a hostile banner is quoted in summaries).
 */
import { verdictPassed, type Lang } from '../model';
import { displayWidth, formatMs, padEndWidth, visible } from '../format';
import { groupByVerdict, type SweepItem, type SweepResult } from '../sweep';
import { sweepText } from '../sweepText';

const ANSI = { red: '\x1b[31m', green: '\x1b[32m', yellow: '\x1b[33m', dim: '\x1b[2m', bold: '\x1b[1m', reset: '\x1b[0m' };
const MAX_LABEL = 32;

export function targetAddress(item: SweepItem): string {
  const h = item.target.host.includes(':') ? `[${item.target.host}]` : item.target.host;
  return `${item.target.user ? `${item.target.user}@` : ''}${h}:${item.target.port}`;
}

function cut(s: string, width: number): string {
  return displayWidth(s) <= width ? s : `${[...s].slice(0, width - 1).join('')}…`;
}

export interface SweepTableInput {
  results: readonly SweepResult[];
  unfinished: readonly SweepItem[];
  /** Known before the sweep: targets that could not be diagnosed, and why. */
  skipped: ReadonlyArray<{ label: string; reason: string }>;
  total: number;
  durationMs: number;
  concurrency: number;
  cancelled: boolean;
  lang: Lang;
  color?: boolean;
}

export function renderSweepTable(s: SweepTableInput): string {
  const c = (k: keyof typeof ANSI, t: string) => (s.color ? ANSI[k] + t + ANSI.reset : t);
  const lines: string[] = [c('bold', sweepText(s.lang, 'sweep.title', { total: s.total })), ''];
  const rows = [...s.results.map((r) => r.item), ...s.unfinished];
  const labelW = Math.min(MAX_LABEL, Math.max(4, ...rows.map((i) => displayWidth(visible(i.label))), ...s.skipped.map((k) => displayWidth(visible(k.label)))));
  const addrW = Math.max(4, ...rows.map((i) => displayWidth(visible(targetAddress(i)))));
  const row = (item: SweepItem, text: string) => {
    const label = padEndWidth(cut(visible(item.label), labelW), labelW);
    // A hosts file's line already is the address: not twice.
    const address = visible(targetAddress(item));
    const addr = padEndWidth(address.endsWith(visible(item.label)) ? '' : address, addrW);
    return `    ${label}  ${c('dim', addr)}  ${visible(text)}`;
  };
  if (s.skipped.length) {
    lines.push(`${c('red', `✗ ${sweepText(s.lang, 'sweep.skipped', { count: s.skipped.length })}`)}`);
    for (const k of s.skipped) lines.push(`    ${padEndWidth(cut(visible(k.label), labelW), labelW)}  ${visible(k.reason)}`);
    lines.push('');
  }
  for (const g of groupByVerdict(s.results)) {
    const untested = g.rows.filter((r) => r.report && !verdictPassed(r.report.verdict)).length;
    const mark = g.code === undefined ? c('red', `✗ ${sweepText(s.lang, 'sweep.noVerdict')}`)
      : g.code === 'OK' ? (untested === g.rows.length ? c('yellow', '! OK') : c('green', '✓ OK'))
        : c('red', `✗ ${g.code}`);
    lines.push(`${mark} (${g.rows.length})`);
    for (const r of g.rows) {
      const text = r.report
        ? `${r.report.verdict.code === 'OK' && !verdictPassed(r.report.verdict) ? '! ' : ''}${r.report.verdict.summary}`
        : sweepText(s.lang, 'sweep.internalError', { message: r.error ?? '' });
      lines.push(row(r.item, text));
    }
    lines.push('');
  }
  if (s.unfinished.length) {
    lines.push(c('yellow', sweepText(s.lang, 'sweep.unfinished', { count: s.unfinished.length })));
    for (const i of s.unfinished) lines.push(row(i, ''));
    lines.push('');
  }
  const bad = s.results.filter((r) => !r.report || !verdictPassed(r.report.verdict)).length + s.unfinished.length + s.skipped.length;
  if (s.cancelled) lines.push(c('yellow', sweepText(s.lang, 'sweep.cancelled')));
  else lines.push(bad === 0 ? c('green', sweepText(s.lang, 'sweep.allOk')) : c('bold', sweepText(s.lang, 'sweep.notAllOk', { count: bad, total: s.total })));
  lines.push(c('dim', sweepText(s.lang, 'sweep.duration', { time: formatMs(s.durationMs), concurrency: s.concurrency })));
  return `${lines.map((l) => l.replace(/\s+$/, '')).join('\n')}\n`;
}

/** One line for a TTY's stderr while the sweep runs: done/total and the verdicts so far. */
export function sweepProgressLine(results: readonly SweepResult[], total: number, lang: Lang): string {
  const counts = new Map<string, number>();
  for (const g of groupByVerdict(results)) counts.set(g.code ?? sweepText(lang, 'sweep.noVerdict'), g.rows.length);
  const parts = [...counts].map(([k, n]) => `${k} ${n}`);
  return `${sweepText(lang, 'sweep.progress', { done: results.length, total })}${parts.length ? ` · ${parts.join(' · ')}` : ''}`;
}
