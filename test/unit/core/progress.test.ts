// (unit) What a run announces while a step waits, the one order of checks, and the times and
// words the reports show: local time with its offset, "5 s" bounds, an SSH server.
import * as assert from 'assert';
import { CHECK_ORDER, sortChecks } from '../../../src/core/checkOrder';
import { formatLocalTime, formatWait, localDate } from '../../../src/core/format';
import { checkStartText, type CheckStart } from '../../../src/core/progress';
import { MESSAGE_KEYS } from '../../../src/core/messages';
import { altPortsCheck, bannerCheck, dnsCheck } from '../../../src/core/checks';
import type { Report } from '../../../src/core/model';
import { renderHtml } from '../../../src/core/render/html';
import { renderMarkdown } from '../../../src/core/render/markdown';
import { buildVerdict } from '../../../src/core/verdict';
import { alt, banner, dnsOk, healthy, tcp, target } from './evidence';

const HANGUL = /[\uac00-\ud7a3]/;
/** The particle pairs and detached particles helper-common.md forbids. */
const BAD_KO = /\((?:이|가|은|는|을|를|와|과|으로|로)\)|\S (?:이|가|은|는|을|를|에|에서|의|로|으로)(?=\s|$|[.,])/;

describe('(unit) progress: a step under way', () => {
  const starts: CheckStart[] = [
    { id: 'dns', waitFor: 'resolve', boundMs: 5000, host: 'cvm.example.com' },
    { id: 'icmp', waitFor: 'echo', boundMs: 5000, address: '203.0.113.10' },
    { id: 'tcp', waitFor: 'connect', boundMs: 5000, address: '203.0.113.10', port: 22 },
    { id: 'banner', waitFor: 'banner', boundMs: 2500, port: 22 },
    { id: 'kex', waitFor: 'ssh', boundMs: 5000 },
    { id: 'rdp', waitFor: 'rdp', boundMs: 800 },
    { id: 'altports', waitFor: 'altports', boundMs: 10_000, ports: [2222, 22222] },
  ];

  it('says what it waits for and how long at most, in both languages', () => {
    assert.strictEqual(checkStartText(starts[2]!, 'en'), 'waiting up to 5 s for an answer on port 22 (203.0.113.10)');
    assert.strictEqual(checkStartText(starts[2]!, 'ko'), '포트 번호 22에서 응답을 최대 5초 기다리는 중입니다(203.0.113.10)');
    assert.strictEqual(checkStartText(starts[3]!, 'en'), 'waiting up to 2.5 s for the server to identify itself');
    assert.strictEqual(checkStartText(starts[6]!, 'en'), 'trying ports 2222, 22222: waiting up to 10 s');
    assert.strictEqual(checkStartText(starts[5]!, 'en'), 'waiting up to 800 ms for the RDP handshake');
    for (const s of starts) {
      const en = checkStartText(s, 'en');
      const ko = checkStartText(s, 'ko');
      assert.doesNotMatch(`${en} ${ko}`, /\{|undefined/, s.waitFor);
      assert.ok(!HANGUL.test(en) && HANGUL.test(ko), `${s.waitFor}: ${en} / ${ko}`);
      assert.doesNotMatch(ko, BAD_KO, `particle rule: ${ko}`);
      assert.match(ko, /최대 /, `the bound is named: ${ko}`);
    }
  });

  it('bounds read as a person says them', () => {
    assert.strictEqual(formatWait(5000, 'en'), '5 s');
    assert.strictEqual(formatWait(5000, 'ko'), '5초');
    assert.strictEqual(formatWait(1250, 'en'), '1.3 s');
    assert.strictEqual(formatWait(400, 'ko'), '400ms');
  });
});

describe('(unit) check order', () => {
  it('sorts layer by layer, stable within an id, unknown ids last', () => {
    const ids = ['login', 'cloud.guest', 'icmp', 'tcp', 'dns', 'altports', 'banner'] as const;
    assert.deepStrictEqual(sortChecks(ids.map((id) => ({ id }))).map((c) => c.id), ['dns', 'icmp', 'tcp', 'altports', 'banner', 'login', 'cloud.guest']);
    assert.strictEqual(new Set(CHECK_ORDER).size, CHECK_ORDER.length);
    // Every check the reports name (messages.ts check.*) has its place in the order.
    const named = MESSAGE_KEYS.filter((k) => k.startsWith('check.')).map((k) => k.slice('check.'.length));
    assert.deepStrictEqual(named.filter((id) => !(CHECK_ORDER as readonly string[]).includes(id)), []);
    const a = { id: 'tcp' as const, n: 1 };
    const b = { id: 'tcp' as const, n: 2 };
    assert.deepStrictEqual(sortChecks([b, a]).map((c) => c.n), [2, 1]);
  });
});

describe('(unit) local time', () => {
  it('shows the instant in the given zone with its offset', () => {
    assert.strictEqual(formatLocalTime('2026-12-01T21:13:32.000Z', 9 * 60), '2026-12-02 06:13:32 (UTC+09:00)');
    assert.strictEqual(formatLocalTime('2026-12-01T21:13:32.000Z', -(5 * 60 + 30)), '2026-12-01 15:43:32 (UTC-05:30)');
    assert.strictEqual(formatLocalTime('2026-12-01T21:13:32.000Z', 0), '2026-12-01 21:13:32 (UTC+00:00)');
    assert.strictEqual(localDate('2026-12-01T21:13:32.000Z', 9 * 60), '2026-12-02');
    assert.strictEqual(formatLocalTime('not a time'), 'not a time');
  });

  it('defaults to this machine\'s zone', () => {
    const iso = '2026-06-01T12:00:00.000Z';
    assert.strictEqual(formatLocalTime(iso), formatLocalTime(iso, -new Date(iso).getTimezoneOffset()));
  });
});

describe('(unit) what a careful user noticed in the report', () => {
  it('an alternative-port scan that ran and found nothing is a result (fail), not a skip', () => {
    const none = altPortsCheck([alt(2222, 'refused'), alt(22222, 'timeout')], 'ssh', 900, 'en');
    assert.strictEqual(none.status, 'fail');
    assert.match(none.summary, /No SSH server on ports 2222, 22222/);
    assert.strictEqual(altPortsCheck([alt(2222, 'connected', 'ssh')], 'ssh', 900, 'en').status, 'warn');
  });

  it('"an SSH server", not "a SSH server"', () => {
    const v = buildVerdict('SERVICE_ON_OTHER_PORT', healthy({ tcp: tcp('refused'), banner: undefined, ssh: undefined, altPorts: [alt(2222, 'connected', 'ssh')] }), 'en');
    assert.match(v.summary, /but an SSH server answers on port 2222/);
    assert.doesNotMatch(JSON.stringify(v), /\ba SSH\b|\ba RDP\b/);
  });

  it('CONNECTION_CLOSED after a line says in the summary what the server sent (made visible, kept short)', () => {
    for (const [line, want] of [
      ['go away\x1b[2J', /it sent: "go away\\x1b\[2J"/],
      ['Exceeded MaxStartups', /it sent: "Exceeded MaxStartups"/],
      ['x'.repeat(200), /it sent: "x{120}…"/],
    ] as const) {
      const v = buildVerdict('CONNECTION_CLOSED', healthy({ banner: { ...banner('closed', line), softwareVersion: undefined }, ssh: undefined }), 'en');
      assert.match(v.summary, want, v.summary);
      assert.ok(!v.summary.includes('\x1b'), 'control character passed through');
      const ko = buildVerdict('CONNECTION_CLOSED', healthy({ banner: banner('closed', line), ssh: undefined }), 'ko');
      assert.match(ko.summary, /보낸 내용: "/, ko.summary);
    }
    // Without a line it still says how it ended.
    const bare = buildVerdict('CONNECTION_CLOSED', healthy({ banner: { outcome: 'closed', durationMs: 1 }, ssh: undefined }), 'en');
    assert.match(bare.summary, /\(EOF\)/);
  });

  it('the connect command is the tree\'s Copy SSH Command: the key and known_hosts file used, the user tested', () => {
    const t = target({ port: 2200, user: 'ubuntu', knownHostsPath: '/home/u/.ssh/kh' });
    const ok = buildVerdict('OK', healthy({ target: t, identityFile: '/home/u/.ssh/my key' }), 'en');
    const connect = ok.remediation.find((s) => s.text === 'Connect:');
    assert.strictEqual(connect?.command, "ssh -p 2200 -i '/home/u/.ssh/my key' -o UserKnownHostsFile=/home/u/.ssh/kh -l ubuntu cvm.example.com");
    const moved = buildVerdict('SERVICE_ON_OTHER_PORT', healthy({ target: target(), tcp: tcp('refused'), banner: undefined, ssh: undefined, altPorts: [alt(2222, 'connected', 'ssh')] }), 'en');
    assert.strictEqual(moved.remediation[0]?.command, 'ssh -p 2222 -l root cvm.example.com');
  });

  it('Markdown has a real table header; HTML and Markdown show local time and the checks in the one order', () => {
    const lang = 'en' as const;
    const r: Report = {
      schemaVersion: 1, target: { host: 'cvm.example.com', port: 22, protocol: 'ssh', addresses: ['203.0.113.10'] },
      verdict: buildVerdict('OK', healthy(), lang), findings: [],
      // In completion order, banner before DNS: the renderers list DNS first.
      checks: [bannerCheck(banner('ssh', 'SSH-2.0-OpenSSH_9.2'), 2000, lang), dnsCheck(dnsOk, 'cvm.example.com', lang)],
      durationMs: 40, startedAt: '2026-12-01T21:13:32.000Z', lang,
    };
    const local = formatLocalTime(r.startedAt);
    const md = renderMarkdown(r);
    assert.match(md, /^\| Check \| Status \| Time \| Summary \|$/m);
    assert.doesNotMatch(md, /^\| \| \| \| \|$/m, 'an empty header row');
    assert.ok(md.includes(local), md);
    assert.match(renderMarkdown({ ...r, lang: 'ko', verdict: buildVerdict('OK', healthy(), 'ko') }), /^\| 검사 \| 결과 \| 소요 시간 \| 요약 \|$/m);
    const html = renderHtml(r);
    assert.ok(html.includes(local), 'local time in the saved HTML');
    assert.ok(html.indexOf('data-check="dns"') < html.indexOf('data-check="banner"'), 'DNS listed before the banner');
    assert.ok(!html.includes('2026-12-01T21:13:32.000Z'), 'no raw UTC timestamp');
  });
});
