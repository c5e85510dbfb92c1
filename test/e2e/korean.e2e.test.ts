// (e2e) Korean and the themes, in real VS Code (code-server + Debian chromium) with the
// packaged VSIX: with cvmDoctor.language: ko every string of ours — the quick picks, the
// progress toast, the "copied" toast, the report — is Korean and has no particle pair or
// detached particle; switching the setting back re-tells the open report in English without
// a re-run; and in the light, dark and high-contrast themes every text of the report
// (badges of every status included) reads at WCAG AA, 4.5:1 or more, measured from the
// computed colours. Screenshots go to test-results/.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { Browser, Frame, Page } from 'playwright-core';
import { englishRuns, particleRuns } from '../support/englishText';
import { launchBrowser, openWorkbench, ROOT, screenshot, startCodeServer, type CodeServer } from './harness';
import { startSshTarget, type SshTarget } from './sshd';
import { answer, choose, palette, setUserSetting, text, until, VSIX, waitVerdict } from './ui';

const KO = JSON.parse(fs.readFileSync(path.join(ROOT, 'l10n', 'bundle.l10n.ko.json'), 'utf8')) as Record<string, string>;
const ko = (m: string): string => {
  assert.ok(KO[m], `Korean entry for "${m}"`);
  return KO[m]!;
};

const THEMES = ['Default Light Modern', 'Default Dark Modern', 'Default High Contrast'] as const;

interface Measured { text: string; cls: string; fg: string; bg: string; ratio: number }

/** Every visible text of the page: its colour, the background it sits on (layers composited)
 *  and their WCAG contrast ratio. Disabled controls are exempt (WCAG 1.4.3). */
function measure(frame: Frame): Promise<Measured[]> {
  return frame.evaluate(() => {
    type RGBA = [number, number, number, number];
    const parse = (s: string): RGBA | undefined => {
      const rgb = /rgba?\(([^)]+)\)/.exec(s);
      if (rgb) {
        const p = rgb[1]!.split(/[\s,/]+/).filter(Boolean).map(Number);
        return [p[0]! / 255, p[1]! / 255, p[2]! / 255, p[3] ?? 1];
      }
      const srgb = /color\(srgb ([^)]+)\)/.exec(s);
      if (srgb) {
        const p = srgb[1]!.split(/[\s/]+/).filter(Boolean).map(Number);
        return [p[0]!, p[1]!, p[2]!, p[3] ?? 1];
      }
      return undefined;
    };
    const over = (top: RGBA, under: RGBA): RGBA => [0, 1, 2].map((i) => top[i]! * top[3] + under[i]! * (1 - top[3])).concat(1) as RGBA;
    const background = (el: Element): RGBA => {
      const layers: RGBA[] = [];
      for (let e: Element | null = el; e; e = e.parentElement) {
        const c = parse(getComputedStyle(e).backgroundColor);
        if (c && c[3] > 0) {
          layers.push(c);
          if (c[3] >= 1) break;
        }
      }
      let out: RGBA = [1, 1, 1, 1];
      for (const l of layers.reverse()) out = over(l, out);
      return out;
    };
    const lum = (c: RGBA) => {
      const lin = (v: number) => (v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
      return 0.2126 * lin(c[0]) + 0.7152 * lin(c[1]) + 0.0722 * lin(c[2]);
    };
    const hex = (c: RGBA) => '#' + c.slice(0, 3).map((v) => Math.round(v * 255).toString(16).padStart(2, '0')).join('');
    const out: Array<{ text: string; cls: string; fg: string; bg: string; ratio: number }> = [];
    for (const el of Array.from(document.body.querySelectorAll('*'))) {
      const own = Array.from(el.childNodes).filter((n) => n.nodeType === Node.TEXT_NODE).map((n) => n.textContent ?? '').join('').trim();
      if (!own || !(el as HTMLElement).getClientRects().length || (el as HTMLButtonElement).disabled) continue;
      if (el.closest('details:not([open])') && el.tagName !== 'SUMMARY') continue;
      const bg = background(el);
      const fgRaw = parse(getComputedStyle(el).color);
      if (!fgRaw) continue;
      const fg = over(fgRaw, bg);
      const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
      out.push({ text: own.slice(0, 40), cls: el.className || el.tagName.toLowerCase(), fg: hex(fg), bg: hex(bg), ratio: Math.round(((a! + 0.05) / (b! + 0.05)) * 100) / 100 });
    }
    return out;
  });
}

/** What a reader reads in the report, commands and evidence set aside (they are not prose). */
function readable(frame: Frame): Promise<string[]> {
  return frame.evaluate(() => {
    const body = document.body.cloneNode(true) as HTMLElement;
    for (const e of Array.from(body.querySelectorAll('code, pre, details, script, style'))) e.remove();
    document.body.appendChild(body);
    body.style.position = 'absolute';
    const lines = body.innerText.split('\n').map((l) => l.trim()).filter(Boolean);
    body.remove();
    return lines;
  });
}

/** The workbench's notification toasts showing now. */
async function toasts(page: Page): Promise<string[]> {
  return page.locator('.notifications-toasts .notification-toast').allInnerTexts().catch(() => []);
}

describe('(e2e) Korean and the themes in real VS Code', function () {
  this.timeout(240_000);
  let ssh: SshTarget;
  let cs: CodeServer;
  let browser: Browser;
  let page: Page;
  let frame: Frame;
  let hostPort: string;
  const seenToasts = new Set<string>();

  before(async function () {
    this.timeout(180_000);
    assert.ok(fs.existsSync(VSIX), `VSIX missing: ${VSIX} (npm run package)`);
    ssh = await startSshTarget();
    hostPort = `${ssh.host}:${ssh.closedPort}`;
    cs = await startCodeServer({
      vsix: VSIX,
      settings: {
        'cvmDoctor.language': 'ko',
        'workbench.colorTheme': THEMES[0],
        'cvmDoctor.knownHostsPath': ssh.knownHostsPath,
        'cvmDoctor.probeTimeoutMs': 2000,
        // The closed port's other port is the real sshd: the report has pass, fail, warn and skip.
        'cvmDoctor.alternativePorts': [ssh.port],
        'cvmDoctor.pollIntervalSeconds': 0,
      },
    });
    browser = await launchBrowser();
    page = await openWorkbench(browser, `${cs.url}/?folder=${encodeURIComponent(cs.workspace)}`);
  });

  after(async function () {
    this.timeout(30_000);
    if (page) await screenshot(page, 'e2e-korean-final');
    await browser?.close().catch(() => undefined);
    if (this.currentTest?.state === 'failed' && cs) fs.writeFileSync(path.join(ROOT, 'test-results', 'code-server-korean.log'), cs.log());
    await cs?.stop();
    await ssh?.stop();
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && page) await screenshot(page, `e2e-korean-failed-${this.currentTest.title.replace(/\W+/g, '-')}`);
  });

  it('the Korean run: quick picks, progress and the report are Korean, without particle pairs', async () => {
    // The extension is up once its view shows (its commands join the palette then).
    await page.locator('.activitybar [aria-label^="CVM Doctor"]').first().click({ timeout: 40_000 });
    await page.locator('.welcome-view-content').first().waitFor({ timeout: 40_000 });
    await palette(page, 'CVM Doctor: Diagnose CVM');
    await choose(page, ko('Diagnose CVM'), ko('Enter a host…'));
    await answer(page, `${ko('Diagnose CVM')} (1/3)`, ssh.host);
    await choose(page, `${ko('Diagnose CVM')} (2/3)`, 'SSH');
    await answer(page, `${ko('Diagnose CVM')} (3/3)`, String(ssh.closedPort));
    // The progress toast, as it streams, until the verdict is in.
    let done = false;
    const watching = (async () => {
      const end = Date.now() + 60_000;
      while (!done && Date.now() < end) {
        for (const t of await toasts(page)) if (t.trim()) seenToasts.add(t.trim());
        await page.waitForTimeout(100);
      }
    })();
    try {
      ({ frame } = await waitVerdict(page, hostPort));
    } finally {
      done = true;
      await watching;
    }
    assert.strictEqual(await text(frame, '#verdict-code'), 'SERVICE_ON_OTHER_PORT');
    const statuses = await frame.$$eval('#timeline li', (lis) => lis.map((li) => (li as HTMLElement).dataset.status ?? ''));
    for (const s of ['pass', 'fail', 'warn', 'skip']) assert.ok(statuses.includes(s), `a ${s} badge: ${statuses.join()}`);
    assert.ok([...seenToasts].some((t) => t.includes(ko('Diagnosing {0}').replace('{0}', ssh.host))), `the progress toast: ${[...seenToasts].join(' | ')}`);
    const report = await readable(frame);
    assert.ok(report.some((l) => /[가-힣]/.test(l)) && report.length > 10, report.join('\n'));
    assert.deepStrictEqual(englishRuns(report), []);
    assert.deepStrictEqual(particleRuns(report, { joined: true }), []);
    assert.deepStrictEqual(englishRuns([...seenToasts]), []);
    assert.deepStrictEqual(particleRuns([...seenToasts]), []);
    await screenshot(page, 'e2e-korean-report');
  });

  it('the Korean "copied" toast, after Copy report as Markdown', async () => {
    await frame.locator('button', { hasText: ko('Copy report as Markdown') }).click();
    const toast = await until(page, 'the copied toast', async () => (await toasts(page)).find((t) => t.includes(ko('Report copied as Markdown.'))), 15_000);
    assert.deepStrictEqual(englishRuns([toast]), []);
    await screenshot(page, 'e2e-korean-copied-toast');
  });

  for (const theme of THEMES) {
    it(`${theme}: every text and badge of the report reads at 4.5:1 or more`, async () => {
      if (theme !== THEMES[0]) {
        await setUserSetting(page, cs, 'workbench.colorTheme', theme);
        ({ frame } = await waitVerdict(page, hostPort));
      }
      // The webview takes the theme's colours: wait until the page background is the theme's.
      const want = theme.includes('Light') ? 'light' : 'dark';
      await until(page, `the ${theme} colours in the report`, async () => {
        const m = await measure(frame).catch(() => []);
        const body = m.find((x) => x.cls.includes('verdict-code'));
        if (!body) return false;
        const bgLum = parseInt(body.bg.slice(1, 3), 16);
        return want === 'light' ? bgLum > 200 : bgLum < 60;
      }, 20_000);
      const m = await measure(frame);
      for (const s of ['pass', 'fail', 'warn', 'skip']) assert.ok(m.some((x) => x.cls.includes(`badge-${s}`)), `${theme}: a ${s} badge measured`);
      const low = m.filter((x) => x.ratio < 4.5).map((x) => `${x.ratio}:1 ${x.cls} "${x.text}" ${x.fg} on ${x.bg}`);
      fs.mkdirSync(path.join(ROOT, 'test-results'), { recursive: true });
      fs.writeFileSync(path.join(ROOT, 'test-results', `contrast-${theme.replace(/\W+/g, '-')}.json`), JSON.stringify(m, null, 2));
      await screenshot(page, `e2e-contrast-${theme.replace(/\W+/g, '-')}`);
      assert.deepStrictEqual(low, [], theme);
    });
  }

  it('switching cvmDoctor.language to en re-tells the open report in English, without a re-run', async () => {
    const before = await text(frame, '.meta');
    await setUserSetting(page, cs, 'cvmDoctor.language', 'en');
    const f = await until(page, 'the report in English', async () => {
      const { frame: g } = await waitVerdict(page, hostPort);
      const title = await text(g, '#verdict-title').catch(() => '');
      return title && !/[가-힣]/.test(title) ? g : undefined;
    }, 20_000);
    assert.strictEqual(await text(f, '#verdict-code'), 'SERVICE_ON_OTHER_PORT');
    assert.match(await text(f, 'body'), /Re-run/);
    assert.ok(!(await readable(f)).some((l) => /[가-힣]/.test(l)), 'no Korean left');
    // The same run: its start time and duration did not change.
    assert.strictEqual((await text(f, '.meta')).replace(/^\D+/, ''), before.replace(/^\D+/, ''));
    await screenshot(page, 'e2e-korean-switched-en');
  });
});
