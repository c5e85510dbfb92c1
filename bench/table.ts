/** Plain-text tables for the benchmark output: fixed-width columns, no colour codes. */

export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (c ?? '').padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export const ms = (v: number | undefined): string => (v === undefined ? '-' : v < 10 ? `${v.toFixed(1)} ms` : `${Math.round(v)} ms`);
export const ratio = (a: number | undefined, b: number | undefined): string =>
  a === undefined || b === undefined || b <= 0 ? '-' : `${(a / b).toFixed(1)}x`;

/** One benchmark target line: what was measured, against what, and whether it held. */
export interface TargetRow { metric: string; measured: string; target: string; pass: boolean; note?: string }

export function targetTable(rows: TargetRow[]): string {
  return table(['metric', 'measured', 'target', 'result', 'note'],
    rows.map((r) => [r.metric, r.measured, r.target, r.pass ? 'PASS' : 'MISS', r.note ?? '']));
}
