/**
 * Korean particles (조사) chosen by the sound a word ends with — the one home for "이/가",
 * "은/는", "을/를", "와/과", "으로/로" after a value we do not write ourselves (a port, a
 * count, a duration). Templates ask for one with `{port|이/가}` (format.ts). Pure.
 *
 * A Hangul syllable tells its final consonant (받침) directly. A number is read the Korean
 * way: its last digit (일, 이, 삼 …; 0 is 영, and a round number ends in 십/백/천/만, all with a
 * final consonant). A Latin letter is read by its name (엘, 엠, 엔, 알 end in a consonant).
 */

/** The particle pairs: [after a final consonant, after a vowel]. */
const PAIRS = {
  '이/가': ['이', '가'],
  '은/는': ['은', '는'],
  '을/를': ['을', '를'],
  '와/과': ['과', '와'],
  '으로/로': ['으로', '로'],
  '이나/나': ['이나', '나'],
  '이라/라': ['이라', '라'],
  '이며/며': ['이며', '며'],
  '이고/고': ['이고', '고'],
} as const;
export type JosaPair = keyof typeof PAIRS;
export const JOSA_PAIRS = Object.keys(PAIRS) as JosaPair[];

/** Digits 0–9 by their Korean reading's final consonant: 영 일 이 삼 사 오 육 칠 팔 구. */
const DIGIT_FINAL = [true, true, false, true, false, false, true, true, true, false];
/** The final consonant of each Hangul final index that is ㄹ (8): "로" follows it like a vowel. */
const RIEUL = 8;
const LETTER_FINAL = new Set(['l', 'm', 'n', 'r']);

interface Final { consonant: boolean; rieul: boolean }

/** How `word` ends when read aloud; undefined when nothing in it is read (only punctuation). */
function finalSound(word: string): Final | undefined {
  const chars = [...word.replace(/[\s"'`)\]}>.,:;!?]+$/u, '')];
  const last = chars[chars.length - 1];
  if (!last) return undefined;
  const c = last.codePointAt(0)!;
  if (c >= 0xac00 && c <= 0xd7a3) {
    const jong = (c - 0xac00) % 28;
    return { consonant: jong !== 0, rieul: jong === RIEUL };
  }
  if (/[0-9]/.test(last)) {
    const d = Number(last);
    // 1, 7, 8 end in ㄹ (일, 칠, 팔); a round number (10, 100 …) in 십/백/천/만.
    if (d === 0) return { consonant: true, rieul: false };
    return { consonant: DIGIT_FINAL[d]!, rieul: d === 1 || d === 7 || d === 8 };
  }
  if (/[A-Za-z]/.test(last)) {
    const l = last.toLowerCase();
    return { consonant: LETTER_FINAL.has(l), rieul: l === 'l' || l === 'r' };
  }
  return undefined;
}

/** The form of `pair` that follows `word`: josa('22', '이/가') → '가', josa('포트', '을/를') → '를'. */
export function josa(word: string, pair: JosaPair): string {
  const [afterConsonant, afterVowel] = PAIRS[pair];
  const f = finalSound(word) ?? { consonant: false, rieul: false };
  // "으로" only after a consonant other than ㄹ (서울로, 길로, 집으로).
  if (pair === '으로/로') return f.consonant && !f.rieul ? afterConsonant : afterVowel;
  return f.consonant ? afterConsonant : afterVowel;
}

/** `word` with its particle attached: withJosa('22', '이/가') → '22가'. */
export function withJosa(word: string, pair: JosaPair): string {
  return word + josa(word, pair);
}

export function isJosaPair(s: string): s is JosaPair {
  return Object.prototype.hasOwnProperty.call(PAIRS, s);
}
