/** The "VS Code readiness" section as report checks (`vscode.<item>`), one per item. Pure. */
import type { Check, Lang, ReadinessEvidence } from './model';
import { MESSAGE_KEYS, msg, type MessageKey } from './messages';
import { evaluateReadiness, parseSystem, sysrootHelps } from './readiness';
import { visible, type TemplateArgs } from './format';

const KEYS = new Set<string>(MESSAGE_KEYS);

/** Whether a check belongs to the section (renderers group them under its heading). */
export function isReadinessCheck(c: Pick<Check, 'id'>): boolean {
  return c.id.startsWith('vscode.');
}

export function readinessChecks(ev: ReadinessEvidence, lang: Lang): Check[] {
  return evaluateReadiness(ev).map((item) => {
    const own = `readiness.${item.id}.${item.key}`;
    const key = (KEYS.has(own) ? own : `readiness.unknown.${item.key}`) as MessageKey;
    // Remote text (paths, versions, sshd_config lines) is shown with control characters visible.
    const args = Object.fromEntries(Object.entries(item.args).map(([k, v]) => [k, typeof v === 'string' ? visible(v) : v]));
    const evidence: Record<string, unknown> = { ...item.args, ...(item.blocks ? { blocks: item.blocks } : {}) };
    if (item.id === 'session') Object.assign(evidence, { skipped: ev.skipped });
    return { id: `vscode.${item.id}` as const, status: item.status, durationMs: item.id === 'session' ? 0 : Math.round(ev.durationMs * 10) / 10, summary: msg(lang, key, args), evidence };
  });
}

/** The dynamic loader a sysroot for this architecture provides. */
const LOADER: Record<string, string> = { x86_64: 'ld-linux-x86-64.so.2', aarch64: 'ld-linux-aarch64.so.1', armv7l: 'ld-linux-armhf.so.3' };

/** The placeholders of the readiness verdicts and their steps: what failed (the items' own
 *  summaries), and which ways out apply. */
export function readinessArgs(ev: ReadinessEvidence | undefined, lang: Lang): TemplateArgs {
  if (!ev || ev.skipped) return { readinessFailures: msg(lang, 'word.unknown'), forwardingLines: '-', ldLinux: LOADER.x86_64 };
  const items = evaluateReadiness(ev);
  const checks = readinessChecks(ev, lang);
  const failing = checks.filter((c, i) => items[i].blocks);
  const blocked = new Set(items.filter((i) => i.blocks === 'REMOTE_SERVER_UNSUPPORTED').map((i) => i.id));
  const nonGlibc = items.some((i) => i.id === 'platform' && i.blocks);
  const arch = ev.outputs.system && !ev.outputs.system.timedOut ? parseSystem(ev.outputs.system.stdout).arch : undefined;
  const fwd = items.find((i) => i.id === 'forwarding');
  return {
    readinessFailures: failing.map((c) => c.summary).join(msg(lang, 'word.listSep')) || msg(lang, 'word.unknown'),
    tarMissing: blocked.has('tar') ? 'yes' : '',
    tarOnly: blocked.size === 1 && blocked.has('tar') ? 'yes' : '',
    // VS Code 1.98 still starts on an old glibc, libstdc++ or kernel; not on musl or another OS.
    pinHelps: !nonGlibc && [...blocked].some((id) => id === 'glibc' || id === 'libstdcxx' || id === 'kernel') ? 'yes' : '',
    sysrootHelps: sysrootHelps(items) ? 'yes' : '',
    homeReadOnly: items.some((i) => i.id === 'disk' && String(i.args.problems ?? '').includes('readonly:')) ? 'yes' : '',
    forwardingLines: fwd?.key === 'prohibited' ? String(fwd.args.lines) : '-',
    ldLinux: LOADER[arch ?? 'x86_64'] ?? LOADER.x86_64,
  };
}
