/**
 * Driving the workbench as a person would (shared by the e2e suites): the command palette,
 * input boxes and quick picks, modal dialogs, user settings edited in settings.json, and the
 * report webview's frames. Every wait is bounded.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { Frame, Locator, Page } from 'playwright-core';
import { ROOT, type CodeServer } from './harness';

export const VSIX = process.env.CVM_VSIX ?? path.join(ROOT, 'cvm-doctor.vsix');

export async function palette(page: Page, command: string): Promise<void> {
  await page.keyboard.press('Escape');
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input.input');
  await input.waitFor({ state: 'visible' });
  await input.fill(`>${command}`);
  // Wait until the first row is exactly our command, then run it.
  await page.locator('.quick-input-list .monaco-list-row', { hasText: command }).first().waitFor();
  await page.keyboard.press('Enter');
}

/** In the quick pick titled `title`, filters by `filter` and accepts the row it focuses
 *  (waits for the pick itself first: typing earlier would go to whatever had focus). */
export async function choose(page: Page, title: string, filter: string, rowText = filter): Promise<void> {
  await page.locator('.quick-input-widget .quick-input-title', { hasText: title }).waitFor();
  await page.locator('.quick-input-widget input.input').fill(filter);
  await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: rowText }).first().waitFor();
  await page.keyboard.press('Enter');
}

/** Answers the current input box / quick pick (waiting for its title step) with `text`. */
export async function answer(page: Page, titleIncludes: string, text: string): Promise<void> {
  await page.locator('.quick-input-widget .quick-input-title', { hasText: titleIncludes }).waitFor();
  const input = page.locator('.quick-input-widget input.input');
  await input.fill(text);
  // Enter only once the box holds the text and its validation shows no error.
  await page.waitForFunction((v) => {
    const i = document.querySelector<HTMLInputElement>('.quick-input-widget input.input');
    return !!i && i.value === v && !i.closest('.monaco-inputbox')?.classList.contains('error');
  }, text, { timeout: 10_000 });
  await page.keyboard.press('Enter');
}

/** Waits for a finished report in the frame whose target line contains `hostPort`. */
export async function waitVerdict(page: Page, hostPort: string, ms = 60_000): Promise<{ frame: Frame; code: string }> {
  const end = Date.now() + ms;
  for (;;) {
    for (const f of page.frames()) {
      const target = await f.$eval('#target', (e) => e.textContent ?? '').catch(() => '');
      if (!target.includes(hostPort)) continue;
      const code = await f.$eval('#verdict-code', (e) => e.textContent ?? '').catch(() => '');
      const running = await f.$('#running').catch(() => null);
      if (code && !running) return { frame: f, code };
    }
    if (Date.now() > end) throw new Error(`no verdict for ${hostPort} within ${ms} ms`);
    await page.waitForTimeout(250);
  }
}

/** Edits the user settings as a person would: Open User Settings (JSON), replace, save. */
export async function setUserSetting(page: Page, cs: CodeServer, key: string, value: unknown): Promise<void> {
  const settings = { ...JSON.parse(fs.readFileSync(cs.settingsFile, 'utf8')), [key]: value };
  await palette(page, 'Preferences: Open User Settings (JSON)');
  // Newer workbenches open settings.json in a floating editor: find it by its text.
  const editor = page.locator('.monaco-editor .view-lines', { hasText: 'cvmDoctor.knownHostsPath' }).first();
  await editor.waitFor();
  await editor.click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(JSON.stringify(settings, null, 2));
  await page.keyboard.press('ControlOrMeta+S');
  const end = Date.now() + 15_000;
  // The file is read while VS Code may be writing it (slow on a loaded machine): a partial
  // file is "not saved yet", not a failure.
  const saved = () => {
    try {
      return JSON.parse(fs.readFileSync(cs.settingsFile, 'utf8'))[key] === value;
    } catch {
      return false;
    }
  };
  while (!saved()) {
    if (Date.now() > end) throw new Error(`settings.json not saved with ${key}: ${fs.readFileSync(cs.settingsFile, 'utf8').slice(0, 2000)}`);
    await page.waitForTimeout(200);
  }
  await page.keyboard.press('Escape'); // a floating editor closes on Escape
  const tab = page.locator('.tab', { hasText: 'settings.json' });
  if (await tab.count()) await tab.locator('.codicon-close').first().click(); // a tabbed one
  await page.waitForTimeout(500);
}

export async function text(frame: Frame, sel: string): Promise<string> {
  return frame.$eval(sel, (e) => (e as HTMLElement).innerText);
}

/** Clicks a button of the modal dialog whose text contains `includes`; returns the dialog's text. */
export async function answerDialog(page: Page, includes: string | RegExp, buttonLabel: string): Promise<string> {
  const dialog = page.locator('.monaco-dialog-box', { hasText: includes });
  await dialog.waitFor({ timeout: 30_000 });
  const body = await dialog.innerText();
  await dialog.locator('.monaco-button', { hasText: buttonLabel }).first().click();
  await dialog.waitFor({ state: 'detached', timeout: 10_000 });
  return body;
}

/** Polls until `f` returns a truthy value (or throws after `ms` naming `what`). */
export async function until<T>(page: Page, what: string, f: () => Promise<T | undefined | false> | T | undefined | false, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await page.waitForTimeout(200);
  }
}

/** The hover of `target` (a tree row, a status-bar item) once it shows `includes`: hovers
 *  again while it does not (a row re-rendered by a reachability poll closes its hover). */
export async function hoverText(page: Page, target: Locator, includes: string, ms = 20_000): Promise<{ text: string; hover: Locator }> {
  const hover = page.locator('.monaco-hover, .workbench-hover', { hasText: includes }).first();
  const text = await until(page, `a hover with "${includes}"`, async () => {
    await page.mouse.move(5, 5);
    await target.hover();
    return (await hover.waitFor({ timeout: 3000 }).then(() => hover.innerText(), () => '')) || undefined;
  }, ms);
  return { text, hover };
}
