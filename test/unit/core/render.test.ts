import * as assert from 'assert';
import { renderHtml } from '../../../src/core/render/html';
import { renderJson } from '../../../src/core/render/json';
import { renderMarkdown } from '../../../src/core/render/markdown';
import { renderText } from '../../../src/core/render/text';
import { diagnose } from '../../../src/core/diagnose';
import type { Report, Target } from '../../../src/core/model';
import { createProbes } from '../../../src/probes/index';
import { assertReportSchema } from '../../support/reportSchema';
import { closedPort, sshServer } from '../probes/servers';
import { buildVerdict } from '../../../src/core/verdict';
import { bannerCheck } from '../../../src/core/checks';
import { healthy, ssh } from './evidence';

// A server banner is hostile input: markup, script, an ANSI escape and Markdown tricks.
const HOSTILE = 'SSH-2.0-<script>alert(1)</script><img src=x onerror=alert(2)>\x1b[2J\x1b]0;pwned\x07 `x` [a](javascript:b) "\'&';

function report(lang: 'en' | 'ko' = 'en'): Report {
  const e = healthy();
  return {
    schemaVersion: 1,
    target: { host: 'cvm.example.com', port: 22, protocol: 'ssh', user: 'root', addresses: ['203.0.113.10'] },
    verdict: buildVerdict('NOT_SSH', e, lang),
    findings: [{ code: 'SLOW_BANNER', message: HOSTILE }],
    checks: [bannerCheck({ outcome: 'other', line: HOSTILE, durationMs: 3 }, 2000, lang)],
    durationMs: 42,
    startedAt: '2026-11-26T00:00:00.000Z',
    lang,
  };
}

describe('(unit) renderers', () => {
  it('HTML escapes every remote string and allows no script', () => {
    const html = renderHtml(report());
    assert.ok(!html.includes('<script'), 'raw <script> in output');
    assert.ok(!html.includes('<img'), 'raw <img> in output');
    assert.ok(html.includes('&#60;script&#62;alert(1)&#60;/script&#62;'), 'escaped banner missing');
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1] ?? '';
    assert.match(csp, /default-src 'none'/);
    assert.doesNotMatch(csp, /script-src|unsafe-inline/);
    assert.match(csp, /style-src 'sha256-[A-Za-z0-9+/=]+'/);
    assert.ok(html.includes('NOT_SSH'), 'verdict code shown');
    assert.ok(!html.includes('\x1b'), 'escape character passed through');
  });

  it('HTML style hash matches the style block (the page renders styled)', () => {
    const html = renderHtml(report());
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)![1];
    const hash = require('crypto').createHash('sha256').update(style).digest('base64');
    assert.ok(html.includes(`'sha256-${hash}'`));
  });

  it('text output cannot drive the terminal', () => {
    const out = renderText(report(), { color: false });
    assert.ok(!out.includes('\x1b'), 'ESC reached the terminal');
    assert.ok(!out.includes('\x07'), 'BEL reached the terminal');
    assert.ok(out.includes('\\x1b[2J'), 'escape shown visibly');
    assert.ok(out.includes('NOT_SSH'));
  });

  it('text colour is only added on request', () => {
    assert.ok(renderText(report(), { color: true }).includes('\x1b[31m'));
  });

  it('Markdown keeps the banner inert', () => {
    const md = renderMarkdown(report());
    assert.ok(!md.includes('[a](javascript:b)'), 'live link');
    assert.ok(!md.includes('\x1b'));
    assert.ok(md.includes('`NOT_SSH`'));
  });

  it('JSON of a real diagnosis (loopback sshd, then a closed port) matches the DESIGN.md schema', async function () {
    this.timeout(10_000);
    const srv = await sshServer();
    try {
      for (const port of [srv.port, await closedPort()]) {
        const target: Target = { host: '127.0.0.1', port, protocol: 'ssh', user: 'u', altPorts: [], timeoutMs: 2000, icmp: false, knownHostsPath: '/nonexistent/known_hosts' };
        const r = await diagnose(target, { probes: createProbes() });
        assertReportSchema(JSON.parse(renderJson(r)), `report for port ${port}`);
      }
    } finally {
      await srv.close();
    }
    // The schema is not a formality: a report missing a contract field fails it.
    const broken = JSON.parse(renderJson(report())) as Record<string, unknown>;
    delete broken.checks;
    assert.throws(() => assertReportSchema(broken), /checks/);
  });

  it('JSON keeps evidence', () => {
    const j = JSON.parse(renderJson(report()));
    assertReportSchema(j);
    assert.strictEqual(j.checks[0].evidence.line, HOSTILE, 'evidence is kept verbatim in JSON');
  });

  it('JSON carries no raw DEL or C1 control character (U+009B is a one-character CSI), yet parses back to the same strings', () => {
    const c1 = 'SSH-2.0-x\u009b2J\u009d0;pwned\u0007\u007f\u0085end';
    const r = report();
    r.checks = [bannerCheck({ outcome: 'other', line: c1, durationMs: 3 }, 2000, 'en')];
    const out = renderJson(r);
    assert.doesNotMatch(out, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/, 'a raw control character in the JSON text');
    assert.ok(out.includes('\\u009b2J'), 'CSI written as an escape');
    assert.strictEqual(JSON.parse(out).checks[0].evidence.line, c1);
    assert.ok(!renderText(r, { color: false }).includes('\u009b'), 'the text renderer shows it visibly too');
  });

  it('OK with the login untested renders as neither a pass nor a failure, and the JSON says loginTested false', () => {
    const e = healthy({ credentialsGiven: true, ssh: ssh({ client: 'openssh', login: { outcome: 'not-attempted', tried: [], reasonKind: 'not-tested', notTested: 'the password', untested: [{ kind: 'password-openssh', cause: 'windows' }] } }) });
    const r: Report = { ...report(), verdict: buildVerdict('OK', e, 'en'), findings: [] };
    const text = renderText(r);
    assert.match(text, /^! OK {2}Reachable, but the login was not tested$/m);
    assert.ok(!text.includes('✓ OK') && !text.includes('✗ OK'));
    assert.match(renderHtml(r), /<section class="verdict warn">/);
    const o = JSON.parse(renderJson(r));
    assertReportSchema(o);
    assert.strictEqual(o.verdict.loginTested, false);
    const plain: Report = { ...r, verdict: buildVerdict('OK', healthy(), 'en') };
    assert.match(renderText(plain), /^✓ OK/m);
    assert.match(renderHtml(plain), /<section class="verdict ok">/);
    assert.ok(!('loginTested' in JSON.parse(renderJson(plain)).verdict));
  });

  it('Korean report is Korean', () => {
    const out = renderText(report('ko'), { color: false });
    assert.match(out, /검사 항목/);
    assert.match(out, /해결 방법/);
  });

  it('a report through bastions shows the chain and names each hop\'s checks (text, HTML, Markdown, schema)', () => {
    const r = report();
    r.target = { ...r.target, jump: [{ host: '203.0.113.5', port: 22, user: 'ops' }, { host: '<b>', port: 2222 }] };
    r.checks = r.checks.map((c) => ({ ...c, id: `hop3.${c.id}` as typeof c.id, hop: 3 }));
    r.verdict = { ...r.verdict, hop: 3 };
    assertReportSchema(JSON.parse(renderJson(r)));
    const text = renderText(r);
    assert.match(text, /Path: ops@203\.0\.113\.5 → <b>:2222 → root@cvm\.example\.com:22/);
    assert.match(text, /Hop 3 · SSH banner/);
    const html = renderHtml(r);
    assert.ok(html.includes('ops@203.0.113.5 → &#60;b&#62;:2222 → root@cvm.example.com:22'), 'escaped path in HTML');
    assert.ok(html.includes('Hop 3 · SSH banner'));
    assert.match(renderMarkdown(r), /Hop 3 · SSH banner/);
  });
});
