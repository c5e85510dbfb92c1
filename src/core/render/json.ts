/** The CLI's `--json` output: the report object itself (DESIGN.md "CLI contract"). */
import type { Report } from '../model';

export function renderJson(report: Report): string {
  return JSON.stringify(report, null, 2) + '\n';
}
