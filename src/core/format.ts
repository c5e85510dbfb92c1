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

/** A bound the user waits for, as a person says it: "5 s", "2.5 s", "800 ms" ("5초" in Korean). */
export function formatWait(ms: number, lang: Lang): string {
  if (ms < 1000) return lang === 'ko' ? `${Math.round(ms)}ms` : `${Math.round(ms)} ms`;
  const s = Math.round(ms / 100) / 10;
  return lang === 'ko' ? `${s}초` : `${s} s`;
}

/**
 * An instant (ISO 8601, as reports store it) in the local time of the machine that shows it,
 * with its offset so a pasted report stays unambiguous: "2026-12-01 21:13:32 (UTC+09:00)".
 * `offsetMinutes` (east of UTC) is for tests; by default the local zone's offset at that instant.
 */
export function formatLocalTime(iso: string, offsetMinutes?: number): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const off = offsetMinutes ?? -d.getTimezoneOffset();
  const local = new Date(d.getTime() + off * 60_000);
  const p = (n: number) => String(n).padStart(2, '0');
  const date = `${local.getUTCFullYear()}-${p(local.getUTCMonth() + 1)}-${p(local.getUTCDate())}`;
  const time = `${p(local.getUTCHours())}:${p(local.getUTCMinutes())}:${p(local.getUTCSeconds())}`;
  const sign = off < 0 ? '-' : '+';
  const abs = Math.abs(off);
  return `${date} ${time} (UTC${sign}${p(Math.floor(abs / 60))}:${p(abs % 60)})`;
}

/** The local date of an instant as YYYY-MM-DD (file names). */
export function localDate(iso: string, offsetMinutes?: number): string {
  return formatLocalTime(iso, offsetMinutes).slice(0, 10);
}
