/**
 * The self-contained HTML report (CLI `--html`, "Save HTML" in the extension). Every string
 * is escaped — a server banner is hostile input — and the page carries a CSP that allows
 * no script at all and only its own stylesheet (by hash), so even a missed escape could not
 * run code.
 */
import { createHash } from 'crypto';
import { verdictPassed, type CheckStatus, type Report } from '../model';
import { msg } from '../messages';
import { isReadinessCheck } from '../readinessChecks';
import { escapeHtml as h, formatMs, visible } from '../format';

const STYLE = `
:root { color-scheme: light dark; --fg: #1f2328; --bg: #ffffff; --muted: #59636e; --line: #d1d9e0;
  --ok: #1a7f37; --bad: #cf222e; --warn: #9a6700; --code: #f6f8fa; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6edf3; --bg: #0d1117; --muted: #9198a1; --line: #3d444d;
  --ok: #3fb950; --bad: #f85149; --warn: #d29922; --code: #151b23; } }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", "Malgun Gothic", "Apple SD Gothic Neo", sans-serif;
  color: var(--fg); background: var(--bg); max-width: 960px; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.1rem; color: var(--muted); font-weight: 600; margin: 0 0 1rem; }
.verdict { border: 2px solid var(--bad); border-radius: 8px; padding: 1rem 1.25rem; }
.verdict.ok { border-color: var(--ok); }
.verdict h2 { margin: 0 0 .5rem; font-size: 1.6rem; }
.code { font: 600 .95rem ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; padding: .1rem .4rem;
  border-radius: 4px; background: var(--bad); color: #fff; margin-right: .5rem; vertical-align: middle; }
.ok .code { background: var(--ok); }
.verdict.warn { border-color: var(--warn); }
.warn .code { background: var(--warn); }
table { border-collapse: collapse; width: 100%; margin: .5rem 0; }
td, th { border-bottom: 1px solid var(--line); padding: .35rem .5rem; text-align: left; vertical-align: top; }
td.t { color: var(--muted); white-space: nowrap; text-align: right; }
.s-pass { color: var(--ok); } .s-fail { color: var(--bad); } .s-warn { color: var(--warn); } .s-skip { color: var(--muted); }
pre, code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: var(--code); border-radius: 4px; }
pre { padding: .5rem; overflow-x: auto; white-space: pre-wrap; word-break: break-all; font-size: .85rem; }
code { padding: .1rem .3rem; }
ol li { margin-bottom: .6rem; }
details summary { cursor: pointer; color: var(--muted); }
footer { color: var(--muted); margin-top: 2rem; font-size: .85rem; }
`;

const MARK: Record<CheckStatus, string> = { pass: '✓', fail: '✗', warn: '!', skip: '–' };

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

export function renderHtml(report: Report): string {
  const lang = report.lang;
  const t = report.target;
  const v = report.verdict;
  const ok = verdictPassed(v);
  // OK but with the login asked for untested: neither a pass nor a failure.
  const state = ok ? ' ok' : v.code === 'OK' ? ' warn' : '';
  const styleHash = createHash('sha256').update(STYLE).digest('base64');
  const csp = `default-src 'none'; style-src 'sha256-${styleHash}'; img-src 'none'; base-uri 'none'; form-action 'none'`;

  const row = (c: Report['checks'][number]) => `<tr>
<td class="s-${c.status}">${MARK[c.status]} ${h(msg(lang, `check.${c.id}`))}</td>
<td>${text(c.summary)}<details><summary>${h(msg(lang, 'report.evidence'))}</summary><pre>${h(JSON.stringify(c.evidence, null, 2))}</pre></details></td>
<td class="t">${h(formatMs(c.durationMs))}</td></tr>`;
  const checks = report.checks.filter((c) => !isReadinessCheck(c)).map(row).join('\n');
  const ready = report.checks.filter(isReadinessCheck);
  const readiness = ready.length ? `<h3>${h(msg(lang, 'report.readiness'))}</h3>\n<table>${ready.map(row).join('\n')}</table>\n` : '';

  const findings = report.findings.length
    ? `<h3>${h(msg(lang, 'report.findings'))}</h3><ul>${report.findings.map((f) => `<li><code>${h(f.code)}</code> ${text(f.message)}</li>`).join('')}</ul>`
    : '';

  const steps = v.remediation.length
    ? `<h3>${h(msg(lang, 'report.remediation'))}</h3><ol>${v.remediation.map((s) => {
      const href = s.doc ? safeHref(s.doc) : undefined;
      return `<li>${text(s.text)}${s.command ? `<pre>${text(s.command)}</pre>` : ''}${href ? ` <a href="${h(href)}" rel="noreferrer noopener">${h(msg(lang, 'report.docs'))}</a>` : ''}</li>`;
    }).join('')}</ol>`
    : '';

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
<h1>${h(msg(lang, 'report.title'))} · ${text(t.name ? `${t.name} — ` : '')}${text(`${t.host}:${t.port}`)} (${t.protocol.toUpperCase()})${t.addresses.length ? ' → ' + text(t.addresses.join(', ')) : ''}</h1>
<section class="verdict${state}">
<h2><span class="code">${h(v.code)}</span>${text(v.title)}</h2>
<p>${text(v.summary)}</p>
</section>
${steps}
${findings}
<h3>${h(msg(lang, 'report.checks'))}</h3>
<table>${checks}</table>
${readiness}<footer>${h(msg(lang, 'report.duration', { time: formatMs(report.durationMs) }))} · ${h(msg(lang, 'report.started'))} ${h(report.startedAt)}</footer>
</body>
</html>
`;
}
