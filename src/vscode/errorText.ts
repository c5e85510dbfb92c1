/**
 * What a failure says to the person, in the UI's language. Our own errors are told by kind —
 * a cloud call by its kind and the API's code (core's bilingual text), bad input by the field
 * it names, a system call by its errno — never by an English message from our code inside a
 * Korean sentence (the caller logs the English message). No `vscode` import: the translator is
 * passed in (vscode.l10n.t in the extension, the Korean bundle in the unit tests).
 */
import { cloudErrorArgs } from '../core/classify';
import type { CloudError, Lang } from '../core/model';

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
  if (e instanceof Error && e.name === 'InputError' && typeof (e as { field?: unknown }).field === 'string') {
    return t('the value of {0} is not valid', (e as Error & { field: string }).field);
  }
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code === 'string' && ERRNO[code]) return `${t(ERRNO[code])} (${code})`;
  // Anything else is unexpected: in English its own message helps; in another language the
  // log has it (an English sentence of ours would not read as the UI's language).
  if (lang === 'en') return errorMessage(e);
  return t('unexpected error ({0}); the details are in the log (CVM Doctor: Show Log)', e instanceof Error ? e.name : typeof e);
}

/** The messages `describeError` translates (the l10n test checks each has a Korean entry). */
export const ERROR_TEXT_MESSAGES: readonly string[] = [...new Set(Object.values(ERRNO))];
