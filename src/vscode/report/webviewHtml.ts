/**
 * The report webview's HTML shell and its Content-Security-Policy. Everything dynamic is
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

export function buildShellHtml(o: { cspSource: string; nonce: string; scriptUri: string; styleUri: string; lang: string; title: string }): string {
  return `<!DOCTYPE html>
<html lang="${escapeHtml(o.lang)}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(buildCsp(o.cspSource, o.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeHtml(o.styleUri)}">
<title>${escapeHtml(o.title)}</title>
</head>
<body>
<main id="app" aria-live="polite"></main>
<script nonce="${escapeHtml(o.nonce)}" src="${escapeHtml(o.scriptUri)}"></script>
</body>
</html>`;
}
