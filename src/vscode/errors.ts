/** describeError (errorText.ts) with VS Code's translator and the UI's language. */
import { describeError } from './errorText';
import { t, uiLang } from './i18n';

export function userMessage(e: unknown): string {
  return describeError(e, t, uiLang());
}
