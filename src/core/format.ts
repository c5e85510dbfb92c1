/** Text formatting shared by the message catalogues and the renderers: templates, escaping,
 *  durations, terminal widths, visible control characters. Pure. */
import { isJosaPair, withJosa } from './josa';
import type { Lang } from './model';

export type Bilingual = Record<Lang, string>;
export type TemplateArgs = Record<string, string | number | undefined>;

/** Replaces `{name}` with args.name, and `{name|이/가}` with it and the Korean particle its
 *  sound takes (josa.ts: "포트 {port|이/가}" → "포트 22가"); a missing arg stays visible as
 *  `{name}` so gaps show in tests. */
export function format(template: string, args: TemplateArgs = {}): string {
  return template.replace(/\{(\w+)(?:\|([^{}|]+))?\}/g, (whole, name: string, pair: string | undefined) => {
    const v = args[name];
    if (v === undefined || (pair !== undefined && !isJosaPair(pair))) return whole;
    return pair === undefined ? String(v) : withJosa(String(v), pair);
  });
}

/**
 * Makes a remote string safe for a terminal or a single-line display: control characters
 * (C0, DEL, C1 — an ANSI escape in a hostile banner would otherwise drive the terminal)
 * become visible \xNN escapes.
 */
export function visible(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => '\\x' + c.charCodeAt(0).toString(16).padStart(2, '0'));
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"'`]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Milliseconds for display: "0.4 ms", "12 ms", "1.52 s". */
export function formatMs(ms: number): string {
  if (ms > 0 && ms < 1) return `${Math.max(0.01, Math.round(ms * 100) / 100)} ms`;
  if (ms < 10) return `${Math.round(ms * 10) / 10} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}

/** Terminal columns a string takes: Hangul, CJK and full-width forms take two. */
export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    const wide = (c >= 0x1100 && c <= 0x115f) || (c >= 0x2e80 && c <= 0xa4cf) || (c >= 0xac00 && c <= 0xd7a3)
      || (c >= 0xf900 && c <= 0xfaff) || (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xff60) || (c >= 0xffe0 && c <= 0xffe6);
    w += wide ? 2 : 1;
  }
  return w;
}

export function padEndWidth(s: string, width: number): string {
  return s + ' '.repeat(Math.max(0, width - displayWidth(s)));
}

/**
 * Text for a Markdown hover (VS Code's MarkdownString): every ASCII punctuation character
 * backslash-escaped (CommonMark allows it for each), so nothing a user or a server wrote can
 * become emphasis, a link — `root@10.231.1.2` an e-mail autolink, `www.x` or `http://` a web
 * one — or HTML; control characters become visible, line breaks spaces.
 */
export function markdownText(s: string): string {
  return visible(s.replace(/\r?\n/g, ' ')).replace(/[!-/:-@[-`{-~]/g, '\\$&');
}
