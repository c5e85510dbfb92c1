/**
 * The self-contained HTML report (CLI `--html`, "Save HTML" in the extension). Every string
 * is escaped — a server banner is hostile input — and the page carries a CSP that allows
 * no script at all and only its own stylesheet (by hash), so even a missed escape could not
 * run code.
 */
import { createHash } from 'crypto';
import { sortChecks } from '../checkOrder';
import { verdictPassed, type Report } from '../model';
import { msg, type MessageKey } from '../messages';
import { isReadinessCheck } from '../readinessChecks';
import { escapeHtml as h, formatLocalTime, formatMs, visible } from '../format';
import { checkName, pathText } from '../jump';

const STYLE = `
:root { color-scheme: light dark; --fg: #1f2328; --bg: #ffffff; --muted: #59636e; --line: #d1d9e0; --quote: #f6f8fa;
  --ok: #116329; --bad: #b42318; --warn: #7a4b00; --code: #eff2f5; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6edf3; --bg: #1e1e1e; --muted: #a8b0b9; --line: #3d444d; --quote: #252526;
  --ok: #4fc866; --bad: #ff7b72; --warn: #e3b341; --code: #2b2b2b; } }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", "Malgun Gothic", "Apple SD Gothic Neo", sans-serif;
  color: var(--fg); background: var(--bg); max-width: 960px; margin: 0 auto; padding: 0 20px 24px; }
.top { display: flex; gap: 12px; align-items: baseline; flex-wrap: wrap; margin-top: 16px; }
.heading { font-weight: 600; color: var(--muted); }
.target, code, pre, .verdict-code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.verdict { border-left: 6px solid var(--bad); padding: 8px 16px; margin: 12px 0; background: var(--quote); }
.verdict.ok { border-left-color: var(--ok); }
.verdict.warn { border-left-color: var(--warn); }
.verdict-heading { font-size: 1.7em; margin: 4px 0; display: flex; gap: 14px; flex-wrap: wrap; align-items: baseline; }
.verdict-code { font-weight: 700; }
.verdict-title { font-weight: 400; }
.verdict-summary { font-size: 1.1em; margin: 4px 0 8px; }
h2 { font-size: 1.15em; margin: 20px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
.remediation .step { margin: 8px 0; }
code, pre { background: var(--code); border-radius: 3px; padding: 1px 4px; }
pre { padding: 8px; overflow-x: auto; white-space: pre-wrap; word-break: break-all; margin: 4px 0; }
a { color: #0b62c4; }
@media (prefers-color-scheme: dark) { a { color: #6cb6ff; } }
.timeline { list-style: none; padding: 0; margin: 0; border-left: 2px solid var(--line); }
.check { padding: 6px 0 6px 14px; }
.check-head { display: flex; gap: 10px; align-items: baseline; }
.check-name { font-weight: 600; }
.check-time { color: var(--muted); margin-left: auto; font-variant-numeric: tabular-nums; }
.badge { font-size: .85em; padding: 0 6px; border-radius: 8px; border: 1px solid currentColor; min-width: 3em; text-align: center; }
.badge-pass { color: var(--ok); } .badge-fail { color: var(--bad); } .badge-warn { color: var(--warn); } .badge-skip { color: var(--muted); }
details summary { cursor: pointer; color: var(--muted); }
.meta { color: var(--muted); margin-top: 20px; }
`;

/** Only https documentation links are rendered as links. */
function safeHref(url: string): string | undefined {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' ? u.toString() : undefined;
  } catch {
    return undefined;
  }
}

const text = (s: string) => h(visible(s));

/**
 * The same page the report webview shows (src/webview/main.ts: the same sections, class
 * names and order), as one file that needs nothing but itself.
 */
export function renderHtml(report: Report): string {
  const lang = report.lang;
  const t = report.target;
  const v = report.verdict;
  const ok = verdictPassed(v);
  // OK but with the login asked for untested: neither a pass nor a failure.
  const state = ok ? ' ok' : v.code === 'OK' ? ' warn' : '';
  const styleHash = createHash('sha256').update(STYLE).digest('base64');
  const csp = `default-src 'none'; style-src 'sha256-${styleHash}'; img-src 'none'; base-uri 'none'; form-action 'none'`;

  const item = (c: Report['checks'][number]) => `<li class="check status-${c.status}" data-check="${h(c.id)}">
<div class="check-head"><span class="badge badge-${c.status}">${h(msg(lang, `status.${c.status}` as MessageKey))}</span><span class="check-name">${h(checkName(c.id, lang))}</span><span class="check-time">${h(formatMs(c.durationMs))}</span></div>
<div class="check-summary">${text(c.summary)}</div>
${Object.keys(c.evidence ?? {}).length ? `<details class="evidence"><summary>${h(msg(lang, 'report.evidence'))}</summary><pre>${h(JSON.stringify(c.evidence, null, 2))}</pre></details>` : ''}</li>`;
  const sorted = sortChecks(report.checks);
  const checks = sorted.filter((c) => !isReadinessCheck(c)).map(item).join('\n');
  const ready = sorted.filter(isReadinessCheck);
  const readiness = ready.length ? `<h2>${h(msg(lang, 'report.readiness'))}</h2>\n<ol class="timeline">${ready.map(item).join('\n')}</ol>\n` : '';

  const findings = report.findings.length
    ? `<h2>${h(msg(lang, 'report.findings'))}</h2><ul class="findings">${report.findings.map((f) => `<li><code>${h(f.code)}</code> ${text(f.message)}</li>`).join('')}</ul>`
    : '';

  const steps = v.remediation.length
    ? `<h2>${h(msg(lang, 'report.remediation'))}</h2><ol class="remediation">${v.remediation.map((s) => {
      const href = s.doc ? safeHref(s.doc) : undefined;
      return `<li class="step"><div class="step-text">${text(s.text)}</div>${s.command ? `<pre><code>${text(s.command)}</code></pre>` : ''}${href ? `<div><a href="${h(href)}" rel="noreferrer noopener">${h(msg(lang, 'report.docs'))}: ${h(href)}</a></div>` : ''}</li>`;
    }).join('')}</ol>`
    : '';

  const who = `${t.user ? `${t.user}@` : ''}${t.host}:${t.port} (${t.protocol.toUpperCase()})`;
  const title = `${v.code} — ${t.host}:${t.port}`;
  return `<!DOCTYPE html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${text(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header class="top"><div class="heading">${h(msg(lang, 'report.title'))}</div><div class="target">${text(t.name ? `${t.name} — ` : '')}${text(who)}${t.addresses.length ? ' → ' + text(t.addresses.join(', ')) : ''}</div></header>
${pathText(t) ? `<p class="path">${text(msg(lang, 'jump.path', { chain: pathText(t) }))}</p>
` : ''}<section class="verdict${state}">
<h1 class="verdict-heading"><span class="verdict-code">${h(v.code)}</span><span class="verdict-title">${text(v.title)}</span></h1>
<p class="verdict-summary">${text(v.summary)}</p>
</section>
${steps}
${findings}
<h2>${h(msg(lang, 'report.checks'))}</h2>
<ol class="timeline">${checks}</ol>
${readiness}<p class="meta">${h(msg(lang, 'report.duration', { time: formatMs(report.durationMs) }))} · ${h(msg(lang, 'report.started'))} ${h(formatLocalTime(report.startedAt))}</p>
</body>
</html>
`;
}
