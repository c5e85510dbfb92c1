/**
 * Guided multi-step input for adding or editing an instance. Each step validates with the
 * engine's own parsers (src/core/validate.ts), so the extension and the CLI accept exactly
 * the same hosts and ports. Escape at any step cancels the whole wizard.
 */
import * as vscode from 'vscode';
import { DEFAULT_PORT, type Protocol } from '../../core/model';
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
export async function instanceWizard(existing: Instance | undefined, takenNames: string[]): Promise<Omit<Instance, 'id'> | undefined> {
  const title = existing ? t('Edit Instance') : t('Add Instance');
  const total = 7;
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
  return out;
}

/** SSH or RDP, the current choice first. Shared by the instance wizard and ad-hoc Diagnose. */
export async function pickProtocol(title: string, current?: Protocol): Promise<{ value: Protocol } | undefined> {
  const items: Array<vscode.QuickPickItem & { value: Protocol }> = [
    { label: 'SSH', description: t('Linux instances (port 22)'), value: 'ssh' },
    { label: 'RDP', description: t('Windows instances (port 3389)'), value: 'rdp' },
  ];
  return vscode.window.showQuickPick(current === 'rdp' ? [...items].reverse() : items, { title, placeHolder: t('Protocol'), ignoreFocusOut: true });
}
