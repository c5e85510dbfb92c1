/**
 * Guided multi-step input for adding or editing an instance. Each step validates with the
 * engine's own parsers (src/core/validate.ts), so the extension and the CLI accept exactly
 * the same hosts and ports. Escape at any step cancels the whole wizard.
 */
import * as os from 'os';
import * as vscode from 'vscode';
import { formatJumpChain, proxyJumpChain, type HostConfig } from '../../core/jump';
import { DEFAULT_PORT, type JumpHop, type Protocol } from '../../core/model';
import { isInstanceId, isRegion, isUserName, parseHost, parsePort } from '../../core/validate';
import type { Instance } from '../../core/savedInstance';
import { t } from '../i18n';

/** Core's parsers decide; the message is ours, in the UI's language (core's is English). */
export function validateHost(v: string): string | undefined {
  try {
    parseHost(v.trim());
    return undefined;
  } catch {
    return t('Not a valid host name or IP address: {0}', printable(v.trim()));
  }
}

/** The typed value echoed back: control characters visible, long input cut. */
function printable(s: string): string {
  const v = s.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
  return v.length > 60 ? v.slice(0, 57) + '…' : v;
}

export function validatePort(v: string): string | undefined {
  try {
    parsePort(v.trim());
    return undefined;
  } catch {
    return t('Enter a port between 1 and 65535.');
  }
}

function validateUser(v: string): string | undefined {
  const s = v.trim();
  if (s === '') return undefined;
  return isUserName(s) ? undefined : t('Enter a valid user name (letters, digits, ".", "_", "-", "@"; not starting with "-").');
}

async function input(step: number, total: number, title: string, o: vscode.InputBoxOptions): Promise<string | undefined> {
  return vscode.window.showInputBox({ ...o, title: `${title} (${step}/${total})`, ignoreFocusOut: true });
}

/** Runs the wizard; returns the instance data, or undefined when cancelled. */
export async function instanceWizard(existing: Instance | undefined, takenNames: string[], saved: Instance[] = []): Promise<Omit<Instance, 'id'> | undefined> {
  const title = existing ? t('Edit Instance') : t('Add Instance');
  const total = 8;
  const host = await input(1, total, title, {
    prompt: t('Host name or IP address of the instance'),
    placeHolder: '203.0.113.10',
    value: existing?.host,
    validateInput: validateHost,
  });
  if (host === undefined) return undefined;

  const proto = await pickProtocol(`${title} (2/${total})`, existing?.protocol);
  if (!proto) return undefined;

  const port = await input(3, total, title, {
    prompt: t('Port'),
    value: String(existing && existing.protocol === proto.value ? existing.port : DEFAULT_PORT[proto.value]),
    validateInput: validatePort,
  });
  if (port === undefined) return undefined;

  const user = await input(4, total, title, {
    prompt: t('User name (optional)'),
    placeHolder: proto.value === 'ssh' ? 'root' : 'Administrator',
    value: existing?.user ?? '',
    validateInput: validateUser,
  });
  if (user === undefined) return undefined;

  const others = takenNames.filter((n) => n !== existing?.name);
  const name = await input(5, total, title, {
    prompt: t('Display name'),
    value: existing?.name ?? host.trim(),
    validateInput: (v) => (!v.trim() ? t('Enter a name.') : others.includes(v.trim()) ? t('An instance named "{0}" already exists.', v.trim()) : undefined),
  });
  if (name === undefined) return undefined;

  const group = await input(6, total, title, {
    prompt: t('Group (optional)'),
    value: existing?.group ?? '',
  });
  if (group === undefined) return undefined;

  const cloud = await input(7, total, title, {
    prompt: t('Tencent Cloud instance ID and region (optional), e.g. "ins-abcd1234 ap-guangzhou"'),
    value: existing?.cloudInstanceId ? `${existing.cloudInstanceId} ${existing.region ?? ''}`.trim() : '',
    validateInput: (v) => {
      const parts = v.trim().toLowerCase().split(/\s+/).filter(Boolean);
      if (parts.length === 0) return undefined;
      if (!isInstanceId(parts[0])) return t('An instance ID looks like "ins-abcd1234" (CVM) or "lhins-abcd1234" (Lighthouse).');
      if (parts.length !== 2 || !isRegion(parts[1])) return t('Add the region after the ID, e.g. "ap-guangzhou".');
      return undefined;
    },
  });
  if (cloud === undefined) return undefined;
  const [cloudInstanceId, region] = cloud.trim().toLowerCase().split(/\s+/).filter(Boolean);

  const jump = await pickJump(`${title} (8/${total})`, existing, saved.filter((s) => s.protocol === 'ssh' && s.id !== existing?.id));
  if (jump === undefined) return undefined;

  const out: Omit<Instance, 'id'> = {
    name: name.trim(),
    host: parseHost(host.trim()),
    port: parsePort(port.trim()),
    protocol: proto.value,
  };
  if (user.trim()) out.user = user.trim();
  if (group.trim()) out.group = group.trim();
  if (cloudInstanceId) {
    out.cloudInstanceId = cloudInstanceId;
    out.region = region;
  }
  if (existing?.identityFile) out.identityFile = existing.identityFile;
  if (jump.length) out.jump = jump;
  return out;
}

/** A saved instance as a hop: its own chain first (a bastion behind a bastion), then itself. */
export function hopsOfInstance(i: Instance): JumpHop[] {
  return [...(i.jump ?? []), {
    host: i.host, port: i.port, name: i.name,
    ...(i.user ? { user: i.user } : {}), ...(i.identityFile ? { identityFile: i.identityFile } : {}),
    ...(i.cloudInstanceId && i.region ? { cloud: { instanceId: i.cloudInstanceId, region: i.region } } : {}),
  }];
}

/**
 * A typed chain, `[user@]host[:port][,...]` (core's parser, as `--jump` and ProxyJump); an
 * element may be a saved instance's name, which stands for that instance as an ssh_config
 * alias would (its host, port, user, key and its own chain). Throws InputError.
 */
export function resolveJumpText(text: string, saved: Instance[]): JumpHop[] {
  const byName = new Map(saved.map((s) => [s.name.toLowerCase(), s]));
  const lookup = (alias: string): HostConfig => {
    const s = byName.get(alias.toLowerCase());
    if (!s) return { hostName: alias, port: 22 };
    return {
      hostName: s.host, port: s.port, ...(s.user ? { user: s.user } : {}), ...(s.identityFile ? { identityFile: s.identityFile } : {}),
      ...(s.jump?.length ? { proxyJump: formatJumpChain(s.jump) } : {}),
    };
  };
  let user: string | undefined;
  try { user = os.userInfo().username; } catch { user = undefined; }
  return proxyJumpChain(text, lookup, { from: '', defaultUser: user, field: 'jump' });
}

/** The "Jump through" step: none, a saved instance, or a typed chain. undefined = cancelled. */
async function pickJump(title: string, existing: Instance | undefined, saved: Instance[]): Promise<JumpHop[] | undefined> {
  type Item = vscode.QuickPickItem & { hops?: JumpHop[]; type?: true };
  const items: Item[] = [];
  if (existing?.jump?.length) items.push({ label: `$(check) ${t('Keep: through {0}', formatJumpChain(existing.jump))}`, hops: existing.jump });
  items.push({ label: `$(arrow-right) ${t('Direct (no bastion)')}`, hops: [] });
  for (const s of saved) items.push({ label: `$(vm) ${s.name}`, description: formatJumpChain(hopsOfInstance(s)), hops: hopsOfInstance(s) });
  items.push({ label: `$(edit) ${t('Type bastions…')}`, type: true });
  const picked = await vscode.window.showQuickPick(items, { title, placeHolder: t('Jump through (optional): a bastion that reaches this instance'), ignoreFocusOut: true });
  if (!picked) return undefined;
  if (!picked.type) return picked.hops ?? [];
  const text = await vscode.window.showInputBox({
    title, ignoreFocusOut: true,
    prompt: t('Bastions as [user@]host[:port], separated by commas (as ssh -J), or names of saved instances'),
    placeHolder: 'ops@203.0.113.5,10.0.0.4:2222',
    value: existing?.jump?.length ? formatJumpChain(existing.jump) : '',
    validateInput: (v) => {
      if (!v.trim()) return undefined;
      try {
        resolveJumpText(v, saved);
        return undefined;
      } catch {
        return t('Enter bastions as [user@]host[:port], separated by commas, or the names of saved instances.');
      }
    },
  });
  if (text === undefined) return undefined;
  return text.trim() ? resolveJumpText(text, saved) : [];
}

/** SSH or RDP, the current choice first. Shared by the instance wizard and ad-hoc Diagnose. */
export async function pickProtocol(title: string, current?: Protocol): Promise<{ value: Protocol } | undefined> {
  const items: Array<vscode.QuickPickItem & { value: Protocol }> = [
    { label: 'SSH', description: t('Linux instances (port 22)'), value: 'ssh' },
    { label: 'RDP', description: t('Windows instances (port 3389)'), value: 'rdp' },
  ];
  return vscode.window.showQuickPick(current === 'rdp' ? [...items].reverse() : items, { title, placeHolder: t('Protocol'), ignoreFocusOut: true });
}
