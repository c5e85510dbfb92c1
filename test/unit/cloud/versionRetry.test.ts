// (unit) The one read-then-write-at-that-version loop of both cloud fixes: a conflict is read
// again, at most MAX_VERSION_ATTEMPTS times; any other error, or a write that decides there is
// nothing to do, ends it at once.
import * as assert from 'assert';
import { atReadVersion, MAX_VERSION_ATTEMPTS } from '../../../src/cloud/versionRetry';

class Conflict extends Error {}

describe('(unit) a write at the version just read', () => {
  it('a conflict reads again with the new version; the write then lands', async () => {
    let version = 0;
    const seen: number[] = [];
    const retried: number[] = [];
    const r = await atReadVersion({
      read: async () => ++version,
      write: async (v) => { seen.push(v); if (v < 2) throw new Conflict(); return `at ${v}`; },
      conflict: (e) => e instanceof Conflict,
      retrying: (v) => retried.push(v),
    });
    assert.strictEqual(r, 'at 2');
    assert.deepStrictEqual(seen, [1, 2]);
    assert.deepStrictEqual(retried, [1]);
  });

  it('bounded: the conflict of the last attempt is passed on; other errors at once', async () => {
    let reads = 0;
    await assert.rejects(atReadVersion({ read: async () => ++reads, write: async () => { throw new Conflict('again'); }, conflict: (e) => e instanceof Conflict }), /again/);
    assert.strictEqual(reads, MAX_VERSION_ATTEMPTS);
    reads = 0;
    await assert.rejects(atReadVersion({ read: async () => ++reads, write: async () => { throw new Error('denied'); }, conflict: (e) => e instanceof Conflict }), /denied/);
    assert.strictEqual(reads, 1);
  });

  it('a write may find nothing to do (the rule is gone): one read, its answer', async () => {
    let reads = 0;
    assert.deepStrictEqual(await atReadVersion({ read: async () => ++reads, write: async () => ({ removed: false }), conflict: () => true }), { removed: false });
    assert.strictEqual(reads, 1);
  });
});
