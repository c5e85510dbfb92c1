// (unit) The README's list of verdict codes is the engine's (model.ts VERDICT_CODES), in its
// order: the list users search and quote has one home, and the README follows it.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { VERDICT_CODES } from '../../../src/core/model';

describe('(unit) README verdict codes', () => {
  it('lists exactly VERDICT_CODES, in order, each once', () => {
    const readme = fs.readFileSync(path.resolve(__dirname, '../../../../README.md'), 'utf8');
    const section = /^## Verdict codes\n([\s\S]*?)^The verdict is the most upstream/m.exec(readme)?.[1];
    assert.ok(section, 'README has a "Verdict codes" section');
    assert.deepStrictEqual([...section.matchAll(/`([A-Z_]+)`/g)].map((m) => m[1]), [...VERDICT_CODES]);
  });
});
