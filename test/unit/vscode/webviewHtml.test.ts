// (unit) The report webview shell: strict CSP, crypto nonce, no inline script or style.
import * as assert from 'assert';
import { buildCsp, buildShellHtml, makeNonce } from '../../../src/vscode/report/webviewHtml';

describe('(unit) webview CSP and shell', () => {
  const src = 'https://abc.vscode-cdn.net';
  it('nonces are random, base64, 144 bits', () => {
    const a = new Set(Array.from({ length: 200 }, makeNonce));
    assert.strictEqual(a.size, 200);
    for (const n of a) assert.match(n, /^[A-Za-z0-9+/]{24}$/);
  });

  it("CSP denies by default and allows scripts only by nonce", () => {
    const n = makeNonce();
    const csp = buildCsp(src, n);
    assert.match(csp, /^default-src 'none'; /);
    assert.ok(csp.includes(`script-src 'nonce-${n}'`));
    assert.ok(csp.includes(`style-src ${src}`));
    assert.ok(!/unsafe-(inline|eval)/.test(csp));
    assert.throws(() => buildCsp(src, "x' 'unsafe-inline"));
    assert.throws(() => buildCsp("x; script-src *", n));
    assert.throws(() => buildCsp('', n));
    // Web hosts (code-server) pass a source list with quotes and spaces.
    assert.ok(buildCsp("'self' https://*.vscode-cdn.net", n).includes("style-src 'self' https://*.vscode-cdn.net;"));
  });

  it('the shell has no inline script, no inline style and escapes its inputs', () => {
    const n = makeNonce();
    const html = buildShellHtml({ cspSource: src, nonce: n, scriptUri: `${src}/media/report.js`, styleUri: `${src}/media/report.css`, lang: 'ko', title: '<img src=x onerror=alert(1)>' });
    const scripts = html.match(/<script[^>]*>[\s\S]*?<\/script>/g) ?? [];
    assert.strictEqual(scripts.length, 1);
    assert.match(scripts[0], new RegExp(`^<script nonce="${n.replace(/[+/]/g, '\\$&')}" src="[^"]+"></script>$`));
    assert.ok(!/<style|style=/.test(html));
    assert.ok(!html.includes('<img'));
    assert.ok(html.includes('&#60;img src=x onerror=alert(1)&#62;'), 'escaped as core escapes every HTML text');
  });
});
