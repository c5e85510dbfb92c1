import * as assert from 'assert';
import { SCHEMA_VERSION, type Report, type Target, type VerdictCode } from '../../../src/core/model';
import type { SweepResult } from '../../../src/core/sweep';
import { buildSummaryHtml, type SummaryLabels } from '../../../src/vscode/sweep/summaryHtml';

const target = (host: string): Target => ({ host, port: 22, protocol: 'ssh', user: 'root', altPorts: [], timeoutMs: 1000, icmp: true });
const result = (id: string, label: string, code: VerdictCode, summary: string, index: number): SweepResult => ({
  item: { label, target: target(`10.0.0.${index + 1}`), source: id },
  index,
  report: {
    schemaVersion: SCHEMA_VERSION, target: { host: `10.0.0.${index + 1}`, port: 22, protocol: 'ssh', addresses: [] },
    verdict: { code, title: code, summary, remediation: [] }, findings: [], checks: [], durationMs: 1, startedAt: '', lang: 'en',
  } as Report,
});
const LABELS: SummaryLabels = { title: 'All', progress: '2/3 done', instance: 'Instance', address: 'Address', summary: 'Verdict', noVerdict: 'no verdict', notFinished: 'not diagnosed', openHint: 'Open' };
const NONCE = 'abcdefghijklmnopqrstuv==';

describe('(unit) "Diagnose all" summary page', () => {
  const html = buildSummaryHtml({
    results: [result('id-ok', 'web', 'OK', 'fine', 0), result('id-bad', '<img src=x onerror=alert(1)>', 'PORT_FILTERED', 'banner said <script>alert(2)</script>', 1)],
    pending: [{ id: 'id-wait', name: 'db "main"', address: 'root@10.0.0.9:22' }],
    running: true, labels: LABELS, lang: 'en',
  }, { cspSource: 'vscode-resource:', nonce: NONCE, styleUris: ['vscode-resource:/report.css', 'vscode-resource:/sweep.css'] });

  it('groups by verdict, most serious first, then what is not diagnosed yet', () => {
    const at = (s: string) => html.indexOf(s);
    assert.ok(at('>PORT_FILTERED<') > 0 && at('>PORT_FILTERED<') < at('>OK<') && at('>OK<') < at('>not diagnosed<'));
  });

  it('escapes every name and summary; the only script carries the nonce; the CSP allows nothing else', () => {
    assert.ok(!html.includes('<img src=x'));
    assert.ok(!html.includes('<script>alert'));
    assert.ok(html.includes('&#60;img src=x onerror=alert(1)&#62;'));
    assert.ok(html.includes('db &#34;main&#34;'));
    const scripts = html.match(/<script[^>]*>/g) ?? [];
    assert.deepStrictEqual(scripts, [`<script nonce="${NONCE}">`]);
    const csp = /http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(html)![1]!.replace(/&#39;/g, "'");
    assert.match(csp, /^default-src 'none'; /);
    assert.ok(csp.includes(`script-src 'nonce-${NONCE}'`), csp);
    assert.ok(!/style="/.test(html), 'no inline style');
  });

  it('each diagnosed row is a button naming its instance id, for the click handler', () => {
    assert.match(html, /<button type="button" class="open" data-id="id-ok"[^>]*>web<\/button>/);
    assert.match(html, /data-id="id-bad"/);
    assert.ok(!html.includes('data-id="id-wait"'), 'a pending row has no report to open');
  });
});
