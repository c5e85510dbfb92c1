/** The CLI's `--json` output: the report object itself (DESIGN.md "CLI contract"). */
import type { Report } from '../model';

/**
 * JSON.stringify escapes C0 controls but writes DEL and the C1 controls (U+0080–U+009F, e.g.
 * U+009B, a one-character CSI) raw: from a hostile banner they would reach the terminal that
 * shows the output. They become \u escapes, as the text renderer makes them visible; the
 * parsed strings are unchanged. (Inside JSON text these characters occur only in strings.)
 */
export function renderJson(report: Report): string {
  return safeJson(report, 2) + '\n';
}

/** One line of JSON Lines (`sweep --json`): the same object, escaped the same way. */
export function renderJsonLine(value: object): string {
  return safeJson(value) + '\n';
}

function safeJson(value: object, indent?: number): string {
  return JSON.stringify(value, null, indent).replace(/[\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
