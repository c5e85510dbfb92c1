import * as assert from 'assert';
import { CancelledError } from '../../../src/core/cancel';
import { SCHEMA_VERSION, type Report, type Target, type VerdictCode } from '../../../src/core/model';
import { renderSweepTable, sweepProgressLine } from '../../../src/core/render/sweep';
import { groupByVerdict, runSweep, socketsReserved, sweepPassed, verdictRank, type SweepItem } from '../../../src/core/sweep';

const target = (host: string, altPorts = [2222, 22222, 10022, 36000]): Target => ({ host, port: 22, protocol: 'ssh', altPorts, timeoutMs: 1000, icmp: true });
const item = (host: string, altPorts?: number[]): SweepItem => ({ label: host, target: target(host, altPorts) });
const report = (t: Target, code: VerdictCode, loginTested?: false): Report => ({
  schemaVersion: SCHEMA_VERSION, target: { host: t.host, port: t.port, protocol: t.protocol, addresses: [t.host] },
  verdict: { code, title: code, summary: `summary of ${t.host}`, remediation: [], ...(loginTested === false ? { loginTested } : {}) },
  findings: [], checks: [], durationMs: 1, startedAt: new Date(0).toISOString(), lang: 'en',
});

/** A diagnosis that ends when the test says so, recording what ran at once. */
function controlled() {
  const waiting = new Map<string, { resolve: (r: Report) => void; reject: (e: unknown) => void; signal: AbortSignal }>();
  let inFlight = 0;
  let peak = 0;
  const diagnose = (i: SweepItem, signal: AbortSignal) => new Promise<Report>((resolve, reject) => {
    inFlight++;
    peak = Math.max(peak, inFlight);
    const done = () => { inFlight--; waiting.delete(i.target.host); };
    waiting.set(i.target.host, { resolve: (r) => { done(); resolve(r); }, reject: (e) => { done(); reject(e); }, signal });
    signal.addEventListener('abort', () => { if (waiting.has(i.target.host)) { done(); reject(new CancelledError()); } }, { once: true });
  });
  return { diagnose, waiting, peak: () => peak, inFlight: () => inFlight };
}
const tick = () => new Promise((r) => setImmediate(r));

describe('(unit) sweep: many targets within the bounds', () => {
  it('a diagnosis reserves every connection attempt of each port it may probe, plus one login', () => {
    assert.strictEqual(socketsReserved(target('h')), 5 * 5 + 1);
    assert.strictEqual(socketsReserved(target('h', [])), 5 + 1);
    assert.strictEqual(socketsReserved({ port: 22, altPorts: [22, 2222] }), 5 * 2 + 1, 'the main port listed again is not counted twice');
  });

  it('never more than `concurrency` diagnoses in flight; every target gets its verdict, in input order', async () => {
    const c = controlled();
    const items = Array.from({ length: 20 }, (_, i) => item(`10.0.0.${i + 1}`));
    const done = runSweep(items, { concurrency: 4, socketBudget: 10_000, signal: new AbortController().signal, diagnose: c.diagnose });
    for (let round = 0; round < 50 && c.waiting.size; round++) {
      await tick();
      assert.ok(c.inFlight() <= 4);
      // Finish them out of order: the last started first.
      const last = [...c.waiting.keys()].pop()!;
      c.waiting.get(last)!.resolve(report(target(last), 'OK'));
      await tick();
    }
    const out = await done;
    assert.strictEqual(c.peak(), 4);
    assert.deepStrictEqual(out.results.map((r) => r.item.target.host), items.map((i) => i.target.host));
    assert.strictEqual(out.unfinished.length, 0);
    assert.ok(sweepPassed(out.results, out.unfinished));
  });

  it('the socket budget lowers the concurrency: reservations never exceed it', async () => {
    const c = controlled();
    const items = Array.from({ length: 12 }, (_, i) => item(`10.0.1.${i + 1}`)); // 26 sockets each
    const done = runSweep(items, { concurrency: 32, socketBudget: 80, signal: new AbortController().signal, diagnose: c.diagnose });
    for (let round = 0; round < 50 && c.waiting.size; round++) {
      await tick();
      assert.ok(c.inFlight() <= 3, `at most floor(80/26) = 3 at once, saw ${c.inFlight()}`);
      const first = [...c.waiting.keys()][0]!;
      c.waiting.get(first)!.resolve(report(target(first), 'PORT_CLOSED'));
      await tick();
    }
    const out = await done;
    assert.strictEqual(out.peakInFlight, 3);
    assert.ok(out.peakReservedSockets <= 80);
    assert.strictEqual(out.results.length, 12);
    assert.ok(!sweepPassed(out.results, out.unfinished));
  });

  it('a target that alone needs more than the budget still runs, alone', async () => {
    const c = controlled();
    const big = item('10.0.2.1', Array.from({ length: 16 }, (_, i) => 3000 + i));
    const done = runSweep([big, item('10.0.2.2')], { concurrency: 8, socketBudget: 30, signal: new AbortController().signal, diagnose: c.diagnose });
    await tick();
    assert.deepStrictEqual([...c.waiting.keys()], ['10.0.2.1']);
    c.waiting.get('10.0.2.1')!.resolve(report(big.target, 'OK'));
    await tick(); await tick();
    assert.deepStrictEqual([...c.waiting.keys()], ['10.0.2.2']);
    c.waiting.get('10.0.2.2')!.resolve(report(target('10.0.2.2'), 'OK'));
    assert.strictEqual((await done).results.length, 2);
  });

  it('a cancel ends the running diagnoses, starts no more, and keeps what finished', async () => {
    const c = controlled();
    const ctl = new AbortController();
    const items = Array.from({ length: 10 }, (_, i) => item(`10.0.3.${i + 1}`));
    const started: string[] = [];
    const done = runSweep(items, { concurrency: 3, socketBudget: 10_000, signal: ctl.signal, diagnose: c.diagnose, onStart: (i) => started.push(i.target.host) });
    await tick();
    c.waiting.get('10.0.3.1')!.resolve(report(target('10.0.3.1'), 'OK'));
    await tick(); await tick();
    const signals = [...c.waiting.values()].map((w) => w.signal);
    ctl.abort();
    const out = await done;
    assert.ok(out.cancelled);
    assert.ok(signals.every((s) => s.aborted), 'every running diagnosis saw the cancel');
    assert.deepStrictEqual(out.results.map((r) => r.item.target.host), ['10.0.3.1']);
    assert.strictEqual(out.unfinished.length, 9);
    assert.strictEqual(started.length, 4, 'nothing started after the cancel');
    assert.strictEqual(c.inFlight(), 0);
  });

  it('an internal failure of one target is its row, not the end of the sweep', async () => {
    const items = [item('10.0.4.1'), item('10.0.4.2')];
    const out = await runSweep(items, {
      concurrency: 2, socketBudget: 100, signal: new AbortController().signal,
      diagnose: async (i) => { if (i.target.host === '10.0.4.1') throw new Error('boom'); return report(i.target, 'OK'); },
    });
    assert.deepStrictEqual(out.results.map((r) => [r.item.target.host, r.error, r.report?.verdict.code]), [['10.0.4.1', 'boom', undefined], ['10.0.4.2', undefined, 'OK']]);
    assert.ok(!sweepPassed(out.results, out.unfinished));
  });

  it('groups by verdict, most serious (most upstream) first, OK last; a row without a verdict first of all', () => {
    assert.ok(verdictRank(undefined) < verdictRank('DNS_FAILURE'));
    assert.ok(verdictRank('INSTANCE_NOT_RUNNING') < verdictRank('DNS_FAILURE'));
    assert.ok(verdictRank('DNS_FAILURE') < verdictRank('NO_RESPONSE'));
    assert.ok(verdictRank('NO_RESPONSE') < verdictRank('PORT_FILTERED'));
    assert.ok(verdictRank('PORT_CLOSED') < verdictRank('BANNER_TIMEOUT'));
    assert.ok(verdictRank('PORT_FILTERED') < verdictRank('AUTH_FAILED'));
    assert.ok(verdictRank('AUTH_FAILED') < verdictRank('OK'));
    const rows = [
      { item: item('a'), index: 0, report: report(target('a'), 'OK') },
      { item: item('b'), index: 1, report: report(target('b'), 'AUTH_FAILED') },
      { item: item('c'), index: 2, error: 'boom' },
      { item: item('d'), index: 3, report: report(target('d'), 'PORT_FILTERED') },
      { item: item('e'), index: 4, report: report(target('e'), 'PORT_FILTERED') },
    ];
    assert.deepStrictEqual(groupByVerdict(rows).map((g) => [g.code, g.rows.map((r) => r.item.label)]), [
      [undefined, ['c']], ['PORT_FILTERED', ['d', 'e']], ['AUTH_FAILED', ['b']], ['OK', ['a']],
    ]);
    const text = renderSweepTable({ results: rows, unfinished: [item('f')], skipped: [{ label: 'g', reason: 'no address' }], total: 7, durationMs: 1234, concurrency: 3, cancelled: false, lang: 'en' });
    const order = ['Not diagnosed (1)', 'no verdict (1)', 'PORT_FILTERED (2)', 'AUTH_FAILED (1)', 'OK (1)', 'Not finished (1)'].map((s) => text.indexOf(s));
    assert.ok(order.every((p, i) => p >= 0 && (i === 0 || p > order[i - 1]!)), text);
    assert.match(text, /internal error: boom/);
    assert.match(text, /6 of 7 targets need attention/);
    assert.match(sweepProgressLine(rows, 7, 'en'), /^5\/7 done · no verdict 1 · PORT_FILTERED 2 · AUTH_FAILED 1 · OK 1$/);
  });

  it('an OK whose login was not tested is marked, and is no success', () => {
    const rows = [{ item: item('a'), index: 0, report: report(target('a'), 'OK', false) }];
    assert.ok(!sweepPassed(rows, []));
    const text = renderSweepTable({ results: rows, unfinished: [], skipped: [], total: 1, durationMs: 5, concurrency: 1, cancelled: false, lang: 'ko' });
    assert.match(text, /! OK \(1\)/);
    assert.match(text, /! summary of a/);
    assert.match(text, /대상 1개 중 1개에 문제가 있습니다/);
  });

  it('quotes remote text visibly: no escape sequence reaches the terminal', () => {
    const r = report(target('a'), 'NOT_SSH');
    r.verdict.summary = 'server said \x1b[2J hi';
    const text = renderSweepTable({ results: [{ item: item('a'), index: 0, report: r }], unfinished: [], skipped: [], total: 1, durationMs: 5, concurrency: 1, cancelled: false, lang: 'en' });
    assert.ok(!text.includes('\x1b'));
    assert.match(text, /\\x1b\[2J/);
  });
});
