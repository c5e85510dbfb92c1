// (unit) The Disposable base every extension class that owns listeners extends.
import * as assert from 'assert';
import { Disposable } from '../../../src/vscode/lifecycle';

class Owner extends Disposable {
  add(name: string, log: string[], fail = false): void {
    this._register({ dispose: () => { log.push(name); if (fail) throw new Error(name); } });
  }
  get disposed(): boolean {
    return this.isDisposed;
  }
}

describe('(unit) lifecycle', () => {
  it('disposes what it owns newest first, exactly once, past a child that throws', () => {
    const log: string[] = [];
    const o = new Owner();
    o.add('a', log);
    o.add('b', log, true);
    o.add('c', log);
    o.dispose();
    o.dispose();
    assert.deepStrictEqual([log, o.disposed], [['c', 'b', 'a'], true]);
  });

  it('disposes at once what is registered after the owner was disposed', () => {
    const log: string[] = [];
    const o = new Owner();
    o.dispose();
    o.add('late', log);
    assert.deepStrictEqual(log, ['late']);
  });
});
