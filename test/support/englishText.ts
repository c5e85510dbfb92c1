/**
 * Finds English sentences in a text meant to be Korean: what a Korean report must not carry
 * when it was written by our own code. Shared by the unit test over every text the engine
 * writes and the lab test over real reports.
 */

/** Proper names and terms that stay English in Korean text. */
const KEEP = [
  'Tencent Automation Tools', 'Tencent Cloud', 'Remote Desktop Services', 'Remote Desktop', 'Windows Server', 'Windows Firewall',
  'VS Code', 'CVM Doctor', 'Remote-SSH', 'OpenSSH', 'PowerShell', 'VNC', 'Network ACL', 'security group',
];

/** Runs of three or more English words, or two lower-case words in a row ("host prohibited"),
 *  left once commands, quotes, names and identifiers (camel-case configuration keywords such
 *  as KexAlgorithms) are set aside. Lists ("publickey, password"), upper-case words and
 *  capitalised terms (X.224 Connection Confirm) are not prose. */
export function englishSentences(text: string): string[] {
  let t = text
    .replace(/`[^`]*`/g, ' ')
    .replace(/"[^"]*"/g, ' ')
    .replace(/'[^']*'/g, ' ')
    .replace(/https?:\/\/\S+/g, ' ')
    .replace(/\b[A-Za-z]*[a-z][A-Z][A-Za-z]*\b/g, ' ');
  for (const k of KEEP) t = t.split(k).join(' ');
  return [...t.matchAll(/\b[A-Za-z]{2,}(?:[ ,]+[A-Za-z]{2,}){2,}\b|\b[a-z]{2,} [a-z]{2,}\b/g)].map((m) => m[0]);
}

/** Every English run in `texts`, each shown with the text it stands in (for an assertion's diff). */
export function englishRuns(texts: readonly string[]): string[] {
  return texts.flatMap((t) => englishSentences(t).map((e) => `${e}   ⟵   ${t}`));
}

/** Particle pairs that leave the choice to the reader: "이(가)", "은(는)", "(으)로", "와(과)". */
const PARTICLE_PAIR = /(?:이\(가\)|가\(이\)|은\(는\)|는\(은\)|을\(를\)|를\(을\)|와\(과\)|과\(와\)|으로\(로\)|로\(으로\)|\((?:으|이)\)[가-힣]|[이가은는을를와과]\/[이가은는을를와과](?![가-힣]))/g;
/** Particles (and the copula) that never stand as a word of their own. A bound noun
 *  ("14 ms 만에", "5 s 안에") is spaced rightly and is not among them. */
const DETACHED = /(?<=\S)\s+(은|는|을|를|의|에|에서|에서만|에서는|에서도|에만|에게|에는|에도|와|과|와는|과는|로|으로|로는|으로는|로도|으로도|도|까지|부터|보다|처럼|이나|이며|이고|이면|이라는|라는|입니다|이므로|이지만|이라|이라도|이라고|라고|조차|만큼)(?=$|[\s.,:;!?)\]"'…·]|$)/gu;
/** "이", "가", "인" and "일" also are words ("이 키", "할 일"): they count only after something
 *  that is not Hangul ("포트 22 이", "SHA256:… 가", "\"ubuntu\" 인"). */
const DETACHED_WORD = /(?<=[0-9A-Za-z"'`)\]}>])\s+(이|가|인|일)(?=$|[\s.,:;!?)\]"'…·])/gu;

export interface ParticleOptions {
  /** The text joins several of ours (a printed report's line: a time and a summary, a finding's
   *  code and its message), so a "이" after a non-Hangul token may be a determiner starting the
   *  next one ("0.3 ms  이 환경에서"): only the particles that are never words are checked. */
  joined?: boolean;
}

/** Korean that reads as machine output: particle pairs ("포트 22 이(가)") and particles
 *  standing apart from their word ("127.0.0.1 은", "{port} 에서"). Each hit with a little context. */
export function particleProblems(text: string, o: ParticleOptions = {}): string[] {
  const out: string[] = [];
  for (const re of o.joined ? [PARTICLE_PAIR, DETACHED] : [PARTICLE_PAIR, DETACHED, DETACHED_WORD]) {
    for (const m of text.matchAll(re)) out.push(text.slice(Math.max(0, m.index! - 12), m.index! + m[0].length + 4));
  }
  return out;
}

/** Every particle problem in `texts`, each shown with the text it stands in (for an assertion's diff). */
export function particleRuns(texts: readonly string[], o: ParticleOptions = {}): string[] {
  return texts.flatMap((t) => particleProblems(t, o).map((p) => `${p}   ⟵   ${t}`));
}

/** Everything that keeps a Korean text from reading as Korean: English runs of ours and
 *  particle problems, each shown with its text. */
export function koreanRuns(texts: readonly string[]): string[] {
  return [...englishRuns(texts), ...particleRuns(texts)];
}
