// (unit) The one cancellation module: a deadline is not a cancel, a cancel is, by class or name.
import * as assert from 'assert';
import { abortableSleep, CancelledError, cancelledError, DeadlineReached, deadlineOf, isCancelled, isDeadline, isUserCancel, throwIfCancelled } from '../../../src/core/cancel';

const aborted = (reason?: unknown) => { const ac = new AbortController(); ac.abort(reason); return ac.signal; };

describe('(unit) core/cancel', () => {
  it('tells the engine\'s deadline from a user cancel, also for another bundle\'s copy of the classes', () => {
    const foreignDeadline = Object.assign(new Error('x'), { name: 'DeadlineReached', deadlineMs: 5, reason: 'r' });
    for (const s of [aborted(new DeadlineReached(5, 'r')), aborted(foreignDeadline)]) {
      assert.deepStrictEqual([isDeadline(s), isUserCancel(s), deadlineOf(s)?.deadlineMs], [true, false, 5]);
      assert.doesNotThrow(() => throwIfCancelled(s));
    }
    for (const s of [aborted(new CancelledError()), aborted(), aborted('why')]) {
      assert.deepStrictEqual([isDeadline(s), isUserCancel(s), deadlineOf(s)], [false, true, undefined]);
      assert.throws(() => throwIfCancelled(s), CancelledError);
    }
    const live = new AbortController().signal;
    assert.deepStrictEqual([isDeadline(live), isUserCancel(live), isUserCancel(undefined)], [false, false, false]);
    assert.ok(isCancelled(Object.assign(new Error('c'), { name: 'CancelledError' })) && !isCancelled(new Error('c')));
    const own = new CancelledError('mine');
    assert.strictEqual(cancelledError(aborted(own)), own, 'the signal\'s own error is kept');
  });

  it('abortableSleep resolves, or rejects with CancelledError as soon as the signal aborts', async () => {
    await abortableSleep(1);
    await assert.rejects(abortableSleep(10_000, aborted()), CancelledError);
    const ac = new AbortController();
    const p = abortableSleep(10_000, ac.signal);
    ac.abort(new CancelledError());
    await assert.rejects(p, CancelledError);
  });
});
