/**
 * The "Diagnose all" summary page: one table grouped by verdict (most serious first, as the
 * CLI's sweep table), one row per instance, each row a button that opens that instance's
 * report. Rendered here from plain data; every remote or user string is escaped, and the only
 * script is the nonce'd click handler. No `vscode` import: unit-tested.
 */
import { escapeHtml } from '../../core/format';
import { verdictPassed } from '../../core/model';
import { groupByVerdict, type SweepResult } from '../../core/sweep';
import { buildWebviewHtml } from '../report/webviewHtml';

export interface SummaryLabels {
  title: string;
  progress: string;
  /** Column headers: instance, address, verdict summary. */
  instance: string;
  address: string;
  summary: string;
  noVerdict: string;
  notFinished: string;
  openHint: string;
}

export interface SummaryView {
  results: readonly SweepResult[];
  /** Instances not diagnosed (yet, or cancelled). */
  pending: ReadonlyArray<{ id: string; name: string; address: string }>;
  running: boolean;
  labels: SummaryLabels;
  lang: string;
}

/** The instance id a result belongs to (SweepItem.source carries it for the extension). */
export const resultId = (r: SweepResult): string => r.item.source ?? '';

/** `styleUris`: the report's stylesheet (badges, theme colours: one home) and the table's. */
export function buildSummaryHtml(v: SummaryView, o: { cspSource: string; nonce: string; styleUris: string[] }): string {
  const e = escapeHtml;
  const address = (r: SweepResult) => {
    const t = r.item.target;
    return `${t.user ? `${t.user}@` : ''}${t.host.includes(':') ? `[${t.host}]` : t.host}:${t.port}`;
  };
  const groups = groupByVerdict(v.results).map((g) => {
    const passed = g.code === 'OK' && g.rows.every((r) => r.report && verdictPassed(r.report.verdict));
    const cls = g.code === undefined ? 'fail' : g.code === 'OK' ? (passed ? 'pass' : 'warn') : 'fail';
    const head = `<tr class="group ${cls}"><th colspan="3" scope="rowgroup"><span class="badge badge-${cls}">${e(g.code ?? v.labels.noVerdict)}</span> ${g.rows.length}</th></tr>`;
    const rows = g.rows.map((r) => {
      const text = r.report ? r.report.verdict.summary : r.error ?? '';
      return `<tr><td><button type="button" class="open" data-id="${e(resultId(r))}" title="${e(v.labels.openHint)}">${e(r.item.label)}</button></td>`
        + `<td class="addr">${e(address(r))}</td><td>${e(text)}</td></tr>`;
    }).join('');
    return `<tbody>${head}${rows}</tbody>`;
  }).join('');
  const pending = v.pending.length ? `<tbody><tr class="group skip"><th colspan="3" scope="rowgroup"><span class="badge badge-skip">${e(v.labels.notFinished)}</span> ${v.pending.length}</th></tr>`
    + v.pending.map((p) => `<tr><td>${e(p.name)}</td><td class="addr">${e(p.address)}</td><td></td></tr>`).join('') + '</tbody>' : '';
  const script = `(function(){const vscode=acquireVsCodeApi();document.addEventListener('click',function(ev){const b=ev.target.closest('button.open');if(b)vscode.postMessage({type:'open',id:b.dataset.id});});})();`;
  return buildWebviewHtml({
    cspSource: o.cspSource, nonce: o.nonce, lang: v.lang, title: v.labels.title, styleUris: o.styleUris, script: { inline: script },
    body: `<main>
<h1>${e(v.labels.title)}</h1>
<p class="progress" aria-live="polite"${v.running ? ' data-running="true"' : ''}>${e(v.labels.progress)}</p>
<table>
<thead><tr><th scope="col">${e(v.labels.instance)}</th><th scope="col">${e(v.labels.address)}</th><th scope="col">${e(v.labels.summary)}</th></tr></thead>
${groups}${pending}
</table>
</main>`,
  });
}
