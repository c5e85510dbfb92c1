/**
 * Localisation for the adapter. UI strings use `vscode.l10n.t` (the display language). The
 * report — engine text and the webview's static labels — follows `cvmDoctor.language`, which
 * may differ from the display language: `Localizer.t` then looks the message up in our own
 * l10n bundle. Both keep the English message as the key, so one bundle serves both.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { Lang } from '../core/model';
import type { LanguageSetting } from './settings';

export function format(message: string, args: ReadonlyArray<string | number>): string {
  return message.replace(/\{(\d+)\}/g, (m, i: string) => (args[Number(i)] !== undefined ? String(args[Number(i)]) : m));
}

/** The engine language for a setting: 'auto' follows VS Code's display language. */
export function effectiveLang(setting: LanguageSetting, displayLanguage = vscode.env.language): Lang {
  if (setting === 'en' || setting === 'ko') return setting;
  return displayLanguage.toLowerCase().startsWith('ko') ? 'ko' : 'en';
}

export class Localizer {
  private readonly bundles = new Map<Lang, Record<string, string>>();

  constructor(private readonly extensionPath: string) {}

  private bundle(lang: Lang): Record<string, string> {
    const cached = this.bundles.get(lang);
    if (cached) return cached;
    let b: Record<string, string> = {};
    if (lang !== 'en') {
      try {
        b = JSON.parse(fs.readFileSync(path.join(this.extensionPath, 'l10n', `bundle.l10n.${lang}.json`), 'utf8'));
      } catch {
        b = {};
      }
    }
    this.bundles.set(lang, b);
    return b;
  }

  /** Translates for an explicit language; 'auto' defers to vscode.l10n (display language). */
  t(lang: LanguageSetting, message: string, ...args: Array<string | number>): string {
    if (lang === 'auto') return vscode.l10n.t(message, ...args);
    return format(this.bundle(lang)[message] ?? message, args);
  }
}
