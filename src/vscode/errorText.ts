/**
 * What a failure says to the person, in the UI's language. Our own errors are told by kind —
 * a cloud call by its kind and the API's code (core's bilingual text), bad input by the field
 * it names, a system call by its errno — never by an English message from our code inside a
 * Korean sentence (the caller logs the English message). No `vscode` import: the translator is
 * passed in (vscode.l10n.t in the extension, the Korean bundle in the unit tests).
 */
import { cloudErrorArgs } from '../core/classify';
import type { CloudError, Lang } from '../core/model';
import type { InputProblem } from '../core/validate';

/** vscode.l10n.t's shape: an English message with {0}… placeholders → the UI's language. */
export type Translate = (message: string, ...args: Array<string | number>) => string;

const ERRNO: Record<string, string> = {
  ENOENT: 'the file or folder does not exist',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'a folder was given where a file is needed',
  ETIMEDOUT: 'it timed out',
  ECONNREFUSED: 'the connection was refused',
  ECONNRESET: 'the connection was reset',
  ENOTFOUND: 'the name does not resolve',
  EHOSTUNREACH: 'there is no route to the host',
  ENETUNREACH: 'there is no route to the host',
};

/** Bad input said once, in the user's words: what is wrong and what is expected, never our
 *  field names. `{0}` is the value as typed. */
const INPUT_PROBLEM: Record<InputProblem['kind'], string> = {
  required: 'Enter a host name or an IP address.',
  host: '"{0}" is not a host name or an IP address.',
  ipv4: '"{0}" is not a valid IPv4 address.',
  port: '"{0}" is not a port number (1 to 65535).',
  user: '"{0}" cannot be a user name: use letters, digits, ".", "_", "-" or "@", not starting with "-".',
  instanceId: '"{0}" is not an instance ID: it looks like "ins-abcd1234" or "lhins-abcd1234".',
  region: '"{0}" is not a region: it looks like "ap-guangzhou".',
  protocol: '"{0}" is not a protocol: choose SSH or RDP.',
  unclosedQuote: 'A quote is not closed.',
  sshOption: 'ssh has no option {0}.',
  missingValue: 'The option {0} needs a value.',
  noHost: 'The ssh command names no host.',
};

function isInputError(e: unknown): e is Error & { field: string; problem?: InputProblem } {
  return e instanceof Error && e.name === 'InputError' && typeof (e as { field?: unknown }).field === 'string';
}

/** The sentence for bad input, or undefined when `e` carries no problem we can word. */
export function inputErrorText(e: unknown, t: Translate): string | undefined {
  if (!isInputError(e) || !e.problem) return undefined;
  return t(INPUT_PROBLEM[e.problem.kind], e.problem.value ?? '');
}

function isCloudError(e: unknown): e is Error & CloudError {
  return e instanceof Error && e.name === 'CloudApiError' && typeof (e as { kind?: unknown }).kind === 'string';
}

/** The error's own (English) message, for the log. */
export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** One clause for `e` in `lang`, through `t`. */
export function describeError(e: unknown, t: Translate, lang: Lang): string {
  if (isCloudError(e)) {
    const a = cloudErrorArgs(e, lang);
    return `${a.action}${a.code}: ${a.hint}`;
  }
  if (isInputError(e)) return inputErrorText(e, t) ?? t('the value of {0} is not valid', e.field);
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code === 'string' && ERRNO[code]) return `${t(ERRNO[code])} (${code})`;
  // Anything else is unexpected: in English its own message helps; in another language the
  // log has it (an English sentence of ours would not read as the UI's language).
  if (lang === 'en') return errorMessage(e);
  return t('unexpected error ({0}); the details are in the log (CVM Doctor: Show Log)', e instanceof Error ? e.name : typeof e);
}

/** The messages `describeError` translates (the l10n test checks each has a Korean entry). */
export const ERROR_TEXT_MESSAGES: readonly string[] = [...new Set([...Object.values(ERRNO), ...Object.values(INPUT_PROBLEM)])];
