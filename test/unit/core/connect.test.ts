import * as assert from 'assert';
import { connectWithRetries, RttBoard } from '../../../src/core/connect';
import { synPlan } from '../../../src/core/deadline';
import { CancelledError, DeadlineReached } from '../../../src/core/model';
import type { ProbeOptions, Probes } from '../../../src/core/probeContract';

/** A scripted single-attempt `tcp` probe: silent until its signal fires or its timeout passes. */
function silentTcp(calls: ProbeOptions[]): Probes['tcp'] {
  return (address, port, o) => {
    calls.push(o);
    return new Promise((resolve, reject) => {
      const done = (deadlineMs: number) => resolve({ result: { outcome: 'timeout', address, port, deadlineMs, durationMs: deadlineMs } });
      const t = setTimeout(() => done(o.timeoutMs), o.timeoutMs);
      o.signal.addEventListener('abort', () => {
        clearTimeout(t);
        if (o.signal.reason instanceof DeadlineReached) done(o.signal.reason.deadlineMs);
        else reject(new CancelledError());
      }, { once: true });
    });
  };
}

const ADDR = '192.0.2.9'; // documentation address: never dialled, the probe is scripted

describe('(unit) connect race', () => {
  it('an RTT learnt while the attempts run replaces the wait for the timeout by the plan\'s deadline', async () => {
    const calls: ProbeOptions[] = [];
    const rtt = new RttBoard();
    setTimeout(() => rtt.report(1, 'ICMP'), 30);
    const t0 = performance.now();
    const r = await connectWithRetries(silentTcp(calls), ADDR, 22, { timeoutMs: 5000, signal: new AbortController().signal, rtt });
    const took = performance.now() - t0;
    assert.strictEqual(r.result.outcome, 'timeout');
    assert.strictEqual(r.result.planRttMs, 1);
    // The plan's deadline, or later when an attempt itself went out late (how much later is the
    // machine's load; the bench measures time).
    const planned = synPlan(1, 5000).deadlineMs;
    assert.ok(r.result.deadlineMs >= planned, `deadline ${r.result.deadlineMs}`);
    assert.strictEqual(r.result.attempts, calls.length);
    assert.ok(calls.length >= 3, `attempts ${calls.length}`);
    assert.ok(took < 4000, `waited ${took} ms: the RTT did not shorten the wait`);
    // Every attempt was ended by the race as a deadline, none left running.
    assert.ok(calls.every((c) => c.signal.aborted && c.signal.reason instanceof DeadlineReached));
  });

  it('the attempts are separate connects: ending the losers leaves the winner\'s signal alone', async () => {
    const calls: ProbeOptions[] = [];
    const silent = silentTcp(calls);
    const rtt = new RttBoard();
    rtt.report(0.1, 'ICMP');
    const tcp: Probes['tcp'] = (address, port, o) => (calls.length < 2 ? silent(address, port, o)
      : (calls.push(o), Promise.resolve({ result: { outcome: 'refused', address, port, errorCode: 'ECONNREFUSED', deadlineMs: o.timeoutMs, durationMs: 0.3 } })));
    const r = await connectWithRetries(tcp, ADDR, 22, { timeoutMs: 5000, signal: new AbortController().signal, rtt });
    assert.strictEqual(r.result.outcome, 'refused');
    assert.strictEqual(r.result.answeredAttempt, 3);
    assert.strictEqual(r.result.connectMs, 0.3);
    assert.ok(calls[0]!.signal.aborted && calls[1]!.signal.aborted);
    assert.ok(!calls[2]!.signal.aborted);
    // A reset is a round trip to the host: it is offered to the other races of the address.
    assert.strictEqual(rtt.get()?.rttMs, 0.3);
  });

  it('the run\'s own DeadlineReached ends it as a timeout; a cancel rejects', async () => {
    const stop = new AbortController();
    const run = connectWithRetries(silentTcp([]), ADDR, 22, { timeoutMs: 5000, signal: stop.signal, rtt: new RttBoard() });
    setTimeout(() => stop.abort(new DeadlineReached(20, 'main port answered')), 20);
    const r = await run;
    assert.strictEqual(r.result.outcome, 'timeout');
    assert.strictEqual(r.result.deadlineReason, 'main port answered');

    const cancel = new AbortController();
    const run2 = connectWithRetries(silentTcp([]), ADDR, 22, { timeoutMs: 5000, signal: cancel.signal, rtt: new RttBoard() });
    setTimeout(() => cancel.abort(), 20);
    await assert.rejects(run2, CancelledError);
  });

  it('asks for the parallel scan once, at the plan\'s time, only while nothing answered', async () => {
    const due: number[] = [];
    const rtt = new RttBoard();
    rtt.report(0.1, 'ICMP');
    await connectWithRetries(silentTcp([]), ADDR, 22, { timeoutMs: 5000, signal: new AbortController().signal, rtt, onAltScanDue: (at) => due.push(at) });
    // Once, and never before the plan's time (how much later depends on the machine's load:
    // timing is the benchmark's business, not a test's).
    // Node's timers run on the event loop's millisecond clock, which may lag performance.now()
    // by up to 1 ms: a timer can look 1 ms early measured in performance.now().
    const at = synPlan(0.1, 5000).altScanAtMs;
    assert.ok(due.length === 1 && due[0]! >= at - 1, `due ${due}`);

    const none: number[] = [];
    const answering: Probes['tcp'] = async (address, port, o) => ({ result: { outcome: 'refused', address, port, deadlineMs: o.timeoutMs, durationMs: 0.2 } });
    await connectWithRetries(answering, ADDR, 22, { timeoutMs: 5000, signal: new AbortController().signal, rtt, onAltScanDue: (at) => none.push(at) });
    await new Promise((r) => setTimeout(r, synPlan(0.1, 5000).altScanAtMs + 50));
    assert.deepStrictEqual(none, []);
  });
});
