/**
 * Localisation for the adapter: the one way our code turns an English message into the
 * user's language. `cvmDoctor.language` decides — `auto` follows VS Code's display language
 * (`vscode.l10n.t`, the bundle VS Code loads); `en` or `ko` override it, and then our own
 * bundle (l10n/bundle.l10n.<lang>.json) is loaded through `@vscode/l10n`, so progress,
 * toasts, tooltips and errors speak the report's language too. `Localizer.t` translates for
 * an explicit language (a restored report keeps its own). The English message is the key.
 */
import * as l10n from '@vscode/l10n';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { Lang } from '../core/model';
import { readLanguage, type LanguageSetting } from './settings';

export function format(message: string, args: ReadonlyArray<string | number | boolean>): string {
  return message.replace(/\{(\d+)\}/g, (m, i: string) => (args[Number(i)] !== undefined ? String(args[Number(i)]) : m));
}

/** The engine language for a setting: 'auto' follows VS Code's display language. */
export function effectiveLang(setting: LanguageSetting, displayLanguage = vscode.env.language): Lang {
  if (setting === 'en' || setting === 'ko') return setting;
  return displayLanguage.toLowerCase().startsWith('ko') ? 'ko' : 'en';
}

/** The locale dates and times are written in: the UI's language ("ko" → 오후 9:47:14). */
export function uiLocale(): string {
  const setting = readLanguage();
  return setting === 'auto' ? vscode.env.language : setting;
}

/** The language the UI speaks now (cvmDoctor.language, read on every use). */
export function uiLang(): Lang {
  return effectiveLang(readLanguage());
}

let extensionPath: string | undefined;
const bundles = new Map<Lang, Record<string, string>>();
/** The language whose bundle `@vscode/l10n` holds. */
let configured: Lang | undefined;

function bundle(lang: Lang): Record<string, string> {
  let b = bundles.get(lang);
  if (b) return b;
  b = {};
  if (lang !== 'en' && extensionPath) {
    try {
      b = JSON.parse(fs.readFileSync(path.join(extensionPath, 'l10n', `bundle.l10n.${lang}.json`), 'utf8')) as Record<string, string>;
    } catch {
      b = {};
    }
  }
  bundles.set(lang, b);
  return b;
}

/** Where our bundles are (the extension's folder); called once at activation. */
export function initL10n(extPath: string): void {
  extensionPath = extPath;
  bundles.clear();
  configured = undefined;
}

/** Every user-facing string of the adapter goes through here (`t('Diagnosing {0}', name)`). */
export function t(message: string, ...args: Array<string | number | boolean>): string {
  const setting = readLanguage();
  if (setting === 'auto' || !extensionPath) return vscode.l10n.t(message, ...args);
  if (configured !== setting) {
    l10n.config({ contents: bundle(setting) });
    configured = setting;
  }
  return l10n.t(message, ...args);
}

export class Localizer {
  constructor(extPath: string) {
    if (extensionPath !== extPath) initL10n(extPath);
  }

  /** Translates for an explicit language; 'auto' is the UI's language (`t`). */
  t(lang: LanguageSetting, message: string, ...args: Array<string | number>): string {
    if (lang === 'auto') return t(message, ...args);
    return format(bundle(lang)[message] ?? message, args);
  }
}
