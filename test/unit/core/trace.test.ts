/**
 * (unit) Path evidence parsers over real outputs captured on this machine (mtr 0.95, traceroute
 * 2.1.2, tcptraceroute 1.5, iputils tracepath) against lab namespaces: a client, two routers
 * and a guest on 10.213.250.0/24 (files in test/unit/fixtures/trace). Open: the destination
 * answers at hop 3; filtered: the second router drops tcp/22; prohibited: it rejects with ICMP
 * admin-prohibited; back: from the guest to the client, whose first router drops it.
 */
import * as assert from 'assert/strict';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import {
  isPrivilegeFailure, parseMtrJson, parseMtrReport, parseTracepath, parseTraceroute, pathStop, traceArgv, traceLimits,
  type PathTrace,
} from '../../../src/core/trace';
import { hopLines, traceCheck, traceSummary, TRACE_TEXT_KEYS, traceMsg } from '../../../src/core/traceText';
import { hostLiterals } from '../support/fixtureAddresses.test';
import { koreanRuns, particleRuns } from '../../support/englishText';
import { LAB_NETWORKS } from '../../support/lab';

const DIR = path.resolve(__dirname, '../../../../test/unit/fixtures/trace');
const fx = (name: string) => fs.readFileSync(path.join(DIR, `${name}.txt`), 'utf8');
const GUEST = '10.213.250.10';
const CLIENT = '10.213.250.2';
const R1 = '10.213.250.1';
const R2 = '10.213.250.6';

const answered = (hops: Array<{ ttl: number; address?: string }>) => hops.map((h) => [h.ttl, h.address ?? '*']);

function trace(parsed: { hops: PathTrace['hops']; reached: boolean }, over: Partial<PathTrace> = {}): PathTrace {
  return { direction: 'out', tool: 'traceroute', protocol: 'tcp', port: 22, target: GUEST, maxHops: 8, skipped: [], startedAt: '2026-12-02T00:20:00.000Z', durationMs: 1200, ...parsed, ...over };
}

describe('(unit) path evidence: parsers of real tool output', () => {
  it('fixtures name only loopback and lab addresses', () => {
    const allowed = new net.BlockList();
    allowed.addSubnet('127.0.0.0', 8, 'ipv4');
    for (const n of LAB_NETWORKS) allowed.addSubnet(n.address, n.prefix, n.family);
    const files = fs.readdirSync(DIR);
    assert.ok(files.length >= 20, files.join(', '));
    for (const f of files) {
      const bad = hostLiterals(fs.readFileSync(path.join(DIR, f), 'utf8')).filter((a) => !allowed.check(a, net.isIP(a) === 6 ? 'ipv6' : 'ipv4'));
      assert.deepEqual(bad, [], f);
    }
  });

  it('mtr --json: open, closed, filtered, prohibited', () => {
    const open = parseMtrJson(fx('mtr_json_open'), GUEST)!;
    assert.deepEqual(answered(open.hops), [[1, R1], [2, R2], [3, GUEST]]);
    assert.equal(open.reached, true);
    assert.equal(open.hops[0]!.rttMs, 0.121);
    assert.equal(parseMtrJson(fx('mtr_json_closed'), GUEST)!.reached, true);
    const filtered = parseMtrJson(fx('mtr_json_filtered'), GUEST)!;
    assert.deepEqual(answered(filtered.hops), [[1, R1], [2, R2], [3, '*']]);
    assert.equal(filtered.reached, false);
    assert.equal(filtered.hops[2]!.lossPct, 100);
    assert.deepEqual(pathStop(filtered), { reached: false, lastAnswering: filtered.hops[1], firstSilent: filtered.hops[2] });
    const prohibited = parseMtrJson(fx('mtr_json_prohibited'), GUEST)!;
    assert.deepEqual(answered(prohibited.hops), [[1, R1], [2, '*']]);
    assert.equal(parseMtrJson('mtr: unable to get raw sockets', GUEST), undefined);
  });

  it('mtr --report: out and back, reached and stopped', () => {
    assert.deepEqual(answered(parseMtrReport(fx('mtr_report_open'), GUEST)!.hops), [[1, R1], [2, R2], [3, GUEST]]);
    const f = parseMtrReport(fx('mtr_report_filtered'), GUEST)!;
    assert.deepEqual([answered(f.hops), f.reached], [[[1, R1], [2, R2], [3, '*']], false]);
    const back = parseMtrReport(fx('mtr_report_back'), CLIENT)!;
    assert.deepEqual([answered(back.hops), back.reached], [[[1, '10.213.250.9'], [2, '10.213.250.5'], [3, CLIENT]], true]);
    const stops = parseMtrReport(fx('mtr_report_back_stops'), CLIENT)!;
    assert.deepEqual([answered(stops.hops), stops.reached], [[[1, '10.213.250.9'], [2, '10.213.250.5'], [3, '*']], false]);
  });

  it('traceroute -T: open, closed (reset), filtered (stars), prohibited (!X)', () => {
    const open = parseTraceroute(fx('traceroute_open'), GUEST)!;
    assert.deepEqual([answered(open.hops), open.reached], [[[1, R1], [2, R2], [3, GUEST]], true]);
    assert.equal(parseTraceroute(fx('traceroute_closed'), GUEST)!.reached, true);
    const f = parseTraceroute(fx('traceroute_filtered'), GUEST)!;
    assert.deepEqual([answered(f.hops), f.reached], [[[1, R1], [2, R2], [3, '*'], [4, '*'], [5, '*'], [6, '*']], false]);
    assert.deepEqual(pathStop(f).firstSilent, { ttl: 3 });
    const x = parseTraceroute(fx('traceroute_prohibited'), GUEST)!;
    assert.deepEqual(x.hops[2], { ttl: 3, address: R2, rttMs: 0.013, flag: '!X' });
    assert.equal(x.reached, false);
    assert.deepEqual(pathStop(x).refusedAt, x.hops[2]);
    assert.equal(parseTraceroute(fx('traceroute_noperm'), GUEST), undefined);
  });

  it('tcptraceroute: [open], [closed], stars, !A', () => {
    const open = parseTraceroute(fx('tcptraceroute_open'), GUEST)!;
    assert.deepEqual(open.hops[2], { ttl: 3, address: GUEST, rttMs: 0.122, port: 'open' });
    assert.equal(parseTraceroute(fx('tcptraceroute_closed'), GUEST)!.hops[2]!.port, 'closed');
    const f = parseTraceroute(fx('tcptraceroute_filtered'), GUEST)!;
    assert.deepEqual([answered(f.hops).slice(0, 3), f.reached], [[[1, R1], [2, R2], [3, '*']], false]);
    const a = parseTraceroute(fx('tcptraceroute_prohibited'), GUEST)!;
    assert.deepEqual(a.hops[3], { ttl: 4, address: R2, rttMs: 0.103, flag: '!A' });
    assert.equal(parseTraceroute(fx('tcptraceroute_noperm'), GUEST), undefined);
  });

  it('tracepath: reached, and no reply after hop 2', () => {
    const back = parseTracepath(fx('tracepath_back'), CLIENT)!;
    assert.deepEqual([answered(back.hops), back.reached], [[[1, '10.213.250.9'], [2, '10.213.250.5'], [3, CLIENT]], true]);
    const stops = parseTracepath(fx('tracepath_back_stops'), CLIENT)!;
    assert.deepEqual(answered(stops.hops), [[1, '10.213.250.9'], [2, '10.213.250.5'], [3, '*'], [4, '*'], [5, '*'], [6, '*']]);
    assert.equal(stops.reached, false);
  });

  it('tells a privilege failure from other failures (real messages of each tool)', () => {
    for (const f of ['traceroute_noperm', 'tcptraceroute_noperm', 'mtr_noperm']) assert.equal(isPrivilegeFailure(fx(f)), true, f);
    assert.equal(isPrivilegeFailure(fx('traceroute_filtered')), false);
    assert.equal(isPrivilegeFailure('traceroute: unknown host x'), false);
  });

  it('argv: numeric, bounded, address last or before the port; no IPv6 for tcptraceroute; bad input throws', () => {
    const l = traceLimits(5000);
    assert.deepEqual(l, { waitS: 2, maxHops: 20, killMs: 30_000 });
    assert.deepEqual(traceLimits(1000), { waitS: 1, maxHops: 20, killMs: 25_000 });
    assert.deepEqual(traceArgv('mtr', GUEST, 22, l), ['--tcp', '--port', '22', '-n', '--json', '-c', '1', '-m', '20', '--timeout', '2', '-4', GUEST]);
    assert.deepEqual(traceArgv('traceroute', 'fd00:cd:1::2', 2222, l), ['-T', '-p', '2222', '-n', '-q', '1', '-w', '2', '-m', '20', '-6', 'fd00:cd:1::2']);
    assert.deepEqual(traceArgv('tcptraceroute', GUEST, 22, l), ['-n', '-q', '1', '-w', '2', '-m', '20', GUEST, '22']);
    assert.equal(traceArgv('tcptraceroute', 'fd00:cd:1::2', 22, l), undefined);
    assert.throws(() => traceArgv('mtr', '-x;reboot', 22, l), RangeError);
    assert.throws(() => traceArgv('mtr', GUEST, 0, l), RangeError);
  });
});

describe('(unit) path evidence: the report says where each direction stops', () => {
  it('reached, stopped, refused, nothing answered — with the tool and protocol', () => {
    const open = traceSummary(trace(parseTraceroute(fx('traceroute_open'), GUEST)!), 'en');
    assert.match(open, /traceroute -T, TCP to port 22/);
    assert.match(open, /destination 10\.213\.250\.10 answered at hop 3/);
    const stop = traceSummary(trace(parseTraceroute(fx('traceroute_filtered'), GUEST)!), 'en');
    assert.match(stop, /stops after hop 2 \(10\.213\.250\.6\): hop 3 and beyond did not answer, nor did the destination 10\.213\.250\.10/);
    const ko = traceSummary(trace(parseTraceroute(fx('traceroute_filtered'), GUEST)!), 'ko');
    assert.match(ko, /경로가 홉 2 다음에서 끊깁니다\(10\.213\.250\.6\)/);
    assert.match(traceSummary(trace(parseTraceroute(fx('traceroute_prohibited'), GUEST)!), 'en'), /hop 3 \(10\.213\.250\.6\) refused the probe \(!X\)/);
    assert.match(traceSummary(trace({ hops: [{ ttl: 1 }, { ttl: 2 }], reached: false }), 'en'), /no hop answered/);
    const open2 = traceSummary(trace(parseTraceroute(fx('tcptraceroute_open'), GUEST)!, { tool: 'tcptraceroute' }), 'en');
    assert.match(open2, /tcptraceroute, TCP to port 22.*port open/);
  });

  it('the ICMP fallback says it is ICMP and may be filtered; what was passed over is named', () => {
    const t = trace(parseTraceroute(fx('traceroute_open'), GUEST)!, {
      tool: 'net-ping', protocol: 'icmp', skipped: [{ tool: 'mtr', reason: 'not-installed' }, { tool: 'traceroute', reason: 'no-privilege' }, { tool: 'tcptraceroute', reason: 'not-installed' }],
    });
    assert.match(traceSummary(t, 'en'), /\(net-ping, ICMP\).*ICMP may be filtered where TCP is not/);
    assert.match(traceSummary(t, 'ko'), /ICMP로 추적했습니다/);
    const passed = trace(parseTraceroute(fx('traceroute_open'), GUEST)!, { skipped: [{ tool: 'mtr', reason: 'no-privilege' }] });
    assert.match(traceSummary(passed, 'en'), /passed over: mtr needs raw-socket privilege/);
    const none = trace({ hops: [], reached: false }, { tool: undefined, protocol: undefined, unavailable: 'no-tool', skipped: [{ tool: 'mtr', reason: 'not-installed' }, { tool: 'net-ping', reason: 'no-privilege' }] });
    assert.equal(traceCheck(none, 'en').status, 'skip');
    assert.match(traceSummary(none, 'en'), /No trace could run here: mtr is not installed; net-ping needs raw-socket privilege/);
  });

  it('the back direction names the caller, and why it is missing', () => {
    const back = trace(parseTracepath(fx('tracepath_back_stops'), CLIENT)!, { direction: 'back', tool: 'tracepath', protocol: 'udp', target: CLIENT, port: undefined });
    const c = traceCheck(back, 'en');
    assert.equal(c.id, 'path.back');
    assert.equal(c.status, 'warn');
    assert.match(c.summary, /from the instance to your address 10\.213\.250\.2 \(tracepath, UDP\): the path stops after hop 2/);
    for (const why of ['caller-unknown', 'no-guest-checks', 'no-tool', 'guest-failed'] as const) {
      assert.equal(traceCheck({ ...back, hops: [], unavailable: why }, 'ko').status, 'skip');
    }
    assert.deepEqual(hopLines(back, 'en').slice(0, 3), ['1  10.213.250.9  0.05 ms', '2  10.213.250.5  0.02 ms', '3  * (no answer)']);
  });

  it('every text has both languages; the Korean, rendered with values, has its particles attached and no English left', () => {
    const args = { tool: 'mtr', proto: 'TCP', port: 22, target: GUEST, caller: CLIENT, ttl: 3, last: 2, silent: 3, address: R2, flag: '!X', from: '이 컴퓨터', why: 'mtr 없음', list: 'mtr 없음', bound: '30.0 s' };
    const ko = TRACE_TEXT_KEYS.map((k) => traceMsg('ko', k, args));
    for (const k of TRACE_TEXT_KEYS) assert.ok(traceMsg('en', k, args).length && traceMsg('ko', k, args).length, k);
    assert.deepStrictEqual(particleRuns(ko), []);
    const summaries = [parseTraceroute(fx('traceroute_filtered'), GUEST)!, parseTraceroute(fx('traceroute_open'), GUEST)!, parseTraceroute(fx('traceroute_prohibited'), GUEST)!]
      .map((p) => traceSummary(trace(p), 'ko'));
    assert.deepStrictEqual(koreanRuns(summaries), []);
  });
});
