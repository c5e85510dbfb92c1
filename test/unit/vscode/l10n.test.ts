// (unit) Localisation completeness: the manifest's nls files have the same keys and cover
// every %key% in package.json; every literal passed to l10n.t / Localizer.t in src/vscode has
// a Korean entry, and the Korean bundle has no stale keys.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { ERROR_TEXT_MESSAGES } from '../../../src/vscode/errorText';

const root = path.resolve(__dirname, '../../../..');
const readJson = (f: string) => JSON.parse(fs.readFileSync(path.join(root, f), 'utf8')) as Record<string, unknown>;

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? walk(p) : e.name.endsWith('.ts') ? [p] : [];
  });
}

/** String literals passed as the first argument of a `t(` call (l10n.t, loc.t's local `t`). */
export function l10nLiterals(source: string): string[] {
  const out: string[] = [];
  const re = /\bt\(\s*'((?:[^'\\]|\\.)*)'/g;
  for (const m of source.matchAll(re)) out.push(m[1].replace(/\\'/g, "'").replace(/\\\\/g, '\\'));
  return out;
}

describe('(unit) l10n', () => {
  it('package.nls.json and package.nls.ko.json have the same keys, all non-empty', () => {
    const en = readJson('package.nls.json');
    const ko = readJson('package.nls.ko.json');
    assert.deepStrictEqual(Object.keys(ko).sort(), Object.keys(en).sort());
    for (const [k, v] of Object.entries(ko)) assert.ok(typeof v === 'string' && v.trim(), `empty ko value for ${k}`);
  });

  it('every %key% in package.json is defined in package.nls.json', () => {
    const pkg = fs.readFileSync(path.join(root, 'package.json'), 'utf8');
    const keys = [...pkg.matchAll(/"%([A-Za-z0-9_.-]+)%"/g)].map((m) => m[1]);
    assert.ok(keys.length > 20, 'the manifest is localised');
    const en = readJson('package.nls.json');
    assert.deepStrictEqual(keys.filter((k) => !(k in en)), []);
  });

  it('every l10n.t literal in src/vscode has a Korean translation, and no key is stale', () => {
    const literals = new Set([...walk(path.join(root, 'src/vscode')).flatMap((f) => l10nLiterals(fs.readFileSync(f, 'utf8'))), ...ERROR_TEXT_MESSAGES]);
    assert.ok(literals.size > 50, `found ${literals.size} literals`);
    const ko = readJson('l10n/bundle.l10n.ko.json');
    assert.deepStrictEqual([...literals].filter((l) => typeof ko[l] !== 'string'), [], 'missing Korean entries');
    assert.deepStrictEqual(Object.keys(ko).filter((k) => !literals.has(k)), [], 'stale Korean entries');
    // Placeholders survive translation.
    for (const l of literals) {
      const want = (l.match(/\{\d+\}/g) ?? []).sort().join();
      assert.strictEqual(((ko[l] as string).match(/\{\d+\}/g) ?? []).sort().join(), want, `placeholders of "${l}"`);
    }
  });

  it('every UI string goes through i18n.ts t(), which honours cvmDoctor.language', () => {
    // vscode.l10n.t follows only VS Code's display language: with cvmDoctor.language set to
    // the other language, a string that bypassed t() would come out in the wrong one.
    const direct = walk(path.join(root, 'src/vscode')).filter((f) => !f.endsWith(path.join('vscode', 'i18n.ts')))
      .flatMap((f) => fs.readFileSync(f, 'utf8').split('\n').map((l, i) => [f, i + 1, l] as const))
      .filter(([, , l]) => /\bl10n\.t\(|from '@vscode\/l10n'/.test(l) && !/^\s*(\*|\/\/)/.test(l))
      .map(([f, n, l]) => `${path.relative(root, f)}:${n}: ${l.trim()}`);
    assert.deepStrictEqual(direct, []);
  });

  it('the extractor sees escaped quotes', () => {
    assert.deepStrictEqual(l10nLiterals(`vscode.l10n.t('it\\'s {0}', x); t('a')`), ["it's {0}", 'a']);
  });
});
