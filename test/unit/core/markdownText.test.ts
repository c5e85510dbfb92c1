// (unit) Text for Markdown hovers: nothing a user or a server wrote becomes a link, emphasis
// or HTML (`root@10.231.1.2` was rendered as a mailto: link), and it still reads as typed.
import * as assert from 'assert';
import { markdownText } from '../../../src/core/format';

/** CommonMark's backslash escapes undone: what a renderer shows for `markdownText(s)`. */
const shown = (md: string) => md.replace(/\\([!-/:-@[-`{-~])/g, '$1');

describe('(unit) markdownText', () => {
  const samples = ['root@10.231.1.2', 'SSH admin@[fd00:cd::2]:2222', 'www.example.com', 'http://evil.example/x', '**bold** _x_ `c` <b>h</b> [l](u) #h', 'a\\b', 'line1\nline2', 'bell\u0007'];
  for (const s of samples) {
    it(`escapes ${JSON.stringify(s)}`, () => {
      const md = markdownText(s);
      // No ASCII punctuation is left bare: an autolink (user@host, www., scheme:) needs one.
      assert.ok(!/(^|[^\\])[@:.<>*_`[\]()#]/.test(md.replace(/\\\\/g, '')), md);
      assert.ok(!md.includes('\n'), 'one line');
    });
  }
  it('reads as typed once rendered (control characters visible)', () => {
    assert.strictEqual(shown(markdownText('root@10.231.1.2')), 'root@10.231.1.2');
    assert.strictEqual(shown(markdownText('a\\b [x](y)')), 'a\\b [x](y)');
    assert.strictEqual(shown(markdownText('bell\u0007')), 'bell\\x07');
    assert.strictEqual(markdownText('호스트 키'), '호스트 키');
  });
});
