/**
 * The webviews' HTML document and its Content-Security-Policy (the report's shell here, the
 * sweep summary's page in sweep/summaryHtml.ts). In the report everything dynamic is
 * rendered by media/report.js from typed messages, so the shell has no inline script or
 * style and no remote string ever reaches this HTML. No `vscode` import: unit-tested.
 */
import { escapeHtml } from '../../core/format';
import { randomBytes } from 'crypto';

export function makeNonce(): string {
  return randomBytes(18).toString('base64');
}

export function buildCsp(cspSource: string, nonce: string): string {
  if (!/^[A-Za-z0-9+/=]{16,}$/.test(nonce)) throw new Error('bad nonce');
  // cspSource is a source list chosen by the host (e.g. "'self' https://*.vscode-cdn.net" in
  // web hosts): allow its quotes and spaces, refuse anything that could end the directive.
  if (/[;,\r\n"]/.test(cspSource) || !cspSource.trim()) throw new Error('bad cspSource');
  return [
    "default-src 'none'",
    `img-src ${cspSource} data:`,
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

/** A script of the page: the bundled file, or the page's own small constant handler. Either
 *  runs only by the nonce. */
export type WebviewScript = { src: string } | { inline: string };

/**
 * The one webview document (the report's shell, the sweep summary): the strict CSP with the
 * nonce, the stylesheets, the title, the body (HTML the caller built and escaped) and the
 * script. Every value put into the head is escaped here.
 */
export function buildWebviewHtml(o: { cspSource: string; nonce: string; lang: string; title: string; styleUris: readonly string[]; body: string; script: WebviewScript }): string {
  const e = escapeHtml;
  const script = 'src' in o.script
    ? `<script nonce="${e(o.nonce)}" src="${e(o.script.src)}"></script>`
    : `<script nonce="${e(o.nonce)}">${o.script.inline}</script>`;
  return `<!DOCTYPE html>
<html lang="${e(o.lang)}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${e(buildCsp(o.cspSource, o.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
${o.styleUris.map((u) => `<link rel="stylesheet" href="${e(u)}">`).join('\n')}
<title>${e(o.title)}</title>
</head>
<body>
${o.body}
${script}
</body>
</html>`;
}

export function buildShellHtml(o: { cspSource: string; nonce: string; scriptUri: string; styleUri: string; lang: string; title: string }): string {
  return buildWebviewHtml({
    cspSource: o.cspSource, nonce: o.nonce, lang: o.lang, title: o.title, styleUris: [o.styleUri],
    body: '<main id="app" aria-live="polite"></main>', script: { src: o.scriptUri },
  });
}
