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
