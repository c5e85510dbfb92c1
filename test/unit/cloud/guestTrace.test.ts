/**
 * (unit) The in-guest trace back to the caller: the script gets the section only when asked and
 * only with a caller address that passes net.isIP; its output (real mtr/tracepath outputs from
 * test/unit/fixtures/trace, inside the script's section markers) parses into the back trace.
 */
import * as assert from 'assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { buildGuestScript, MARK, parseSections } from '../../../src/cloud/guestScript';
import { parseTraceBack, traceBackFragment } from '../../../src/cloud/guestTrace';

const DIR = path.resolve(__dirname, '../../../../test/unit/fixtures/trace');
const fx = (name: string) => fs.readFileSync(path.join(DIR, `${name}.txt`), 'utf8').replace(/\nrc=\d+\n?$/, '\n');
const CALLER = '10.213.250.2';
const section = (lines: string, rc?: number) => `${MARK}:BEGIN hostkeys\n${MARK}:END hostkeys rc=0\n${MARK}:BEGIN traceback\n${lines}${rc === undefined ? '' : `${MARK}:END traceback rc=${rc}\n`}`;

describe('(unit) guest trace back to the caller', () => {
  it('is in the script only with traceBack and a valid caller address', () => {
    assert.doesNotMatch(buildGuestScript(22), /traceback/);
    assert.doesNotMatch(buildGuestScript(22, { callerIp: CALLER }), /traceback/);
    assert.doesNotMatch(buildGuestScript(22, { traceBack: true }), /traceback/);
    const s = buildGuestScript(22, { callerIp: CALLER, traceBack: true });
    assert.match(s, /^sec traceback$/m);
    assert.match(s, new RegExp(`mtr -n --report -c 1 -m 20 --timeout 1 ${CALLER} 2>&1`));
    assert.match(s, new RegExp(`tracepath -n -m 20 ${CALLER} 2>&1`));
    assert.match(buildGuestScript(22, { callerIp: 'fd00:cd:1::2', traceBack: true }), /tracepath -n -m 20 -6 fd00:cd:1::2/);
    for (const bad of ['10.213.250.2; reboot', '$(id)', '10.213.250.2 -o x', 'example.com', '']) {
      assert.throws(() => buildGuestScript(22, { callerIp: bad, traceBack: true }), RangeError, bad);
      assert.throws(() => traceBackFragment(bad), RangeError, bad);
    }
  });

  it('parses mtr and tracepath in the section; says when neither exists or the bound cut it', () => {
    const mtr = parseTraceBack(parseSections(section(`tool mtr\n${fx('mtr_report_back')}`, 0)), CALLER, '2026-12-02T00:20:00.000Z', 4000)!;
    assert.deepEqual([mtr.tool, mtr.protocol, mtr.reached, mtr.hops.map((h) => h.address ?? '*')], ['mtr', 'icmp', true, ['10.213.250.9', '10.213.250.5', CALLER]]);
    const tp = parseTraceBack(parseSections(section(`tool tracepath\n${fx('tracepath_back_stops')}`, 124)), CALLER, '2026-12-02T00:20:00.000Z', 25000)!;
    assert.deepEqual([tp.tool, tp.protocol, tp.reached, tp.timedOut], ['tracepath', 'udp', false, true]);
    assert.deepEqual(tp.hops.slice(0, 3).map((h) => h.address ?? '*'), ['10.213.250.9', '10.213.250.5', '*']);
    const none = parseTraceBack(parseSections(section('tool none\n', 127)), CALLER, '2026-12-02T00:20:00.000Z', 5)!;
    assert.equal(none.unavailable, 'no-tool');
    // Cut before its END: still parsed, marked as stopped by the bound.
    const cut = parseTraceBack(parseSections(section(`tool tracepath\n${fx('tracepath_back_stops').split('\n').slice(0, 4).join('\n')}\n`)), CALLER, '2026-12-02T00:20:00.000Z', 60000)!;
    assert.equal(cut.timedOut, true);
    assert.equal(cut.hops[1]!.address, '10.213.250.5');
    assert.equal(parseTraceBack(parseSections(section('', 0).replace(/traceback/g, 'other')), CALLER, '', 0), undefined);
  });
});
