/**
 * Adding, editing and typing an ad-hoc host: one list of steps (steps.ts), each with Back.
 * The host step reads what people paste (core/hostPaste.ts: `user@host:port`, `[v6]:port`,
 * `ssh -p 2222 -i key user@host`…) and fills the later steps from it. Every value is checked
 * by core's own validators, so the extension and the CLI accept the same hosts and ports; a
 * problem is said once, in the UI's language (errorText.ts). Edit asks which field to change
 * and runs only that field's steps.
 */
import * as vscode from 'vscode';
import { parseHostPaste } from '../../core/hostPaste';
import { formatJumpChain, proxyJumpChain, type HostConfig } from '../../core/jump';
import { DEFAULT_PORT, DEFAULT_SSH_USER, type JumpHop, type Protocol } from '../../core/model';
import type { Instance } from '../../core/savedInstance';
import { isInstanceId, isRegion, isUserName, parseHost, parsePort } from '../../core/validate';
import { inputErrorText } from '../errorText';
import { userMessage } from '../errors';
import { t } from '../i18n';
import { pickIdentityFile, tilde } from '../identityPicker';
import { localUserName } from '../../probes/localUser';
import { inputStep, pickStep, runSteps, type Step, type StepResult } from './steps';

/** The wizard's working copy: strings as typed, turned into an Instance at the end. */
export interface Draft {
  host: string;
  protocol: Protocol;
  port: string;
  user: string;
  /** Empty: none (ssh-agent and the default keys). */
  identityFile: string;
  name: string;
  group: string;
  /** "ins-xxxxxxxx region" or empty. */
  cloud: string;
  /** A `-J` / ProxyJump value from a pasted ssh command, kept for the jump step. */
  jump?: string;
  /** The bastions to go through (the jump step), in order; empty: direct. */
  hops: JumpHop[];
  /** Saved instances the jump step offers as bastions. */
  saved: readonly Instance[];
  /** Names already taken by other instances. */
  takenNames: readonly string[];
}

/** What Edit lists for a step: its name and the current value. `with` names the steps that
 *  follow it when it is edited (a new protocol asks for its port). */
export interface WizardField {
  label(): string;
  value(d: Draft): string;
  with?: readonly string[];
}

export type WizardStep = Step<Draft> & { field?: WizardField };

/** The message for a value core's parser refuses, in the UI's language. */
function problemOf(parse: () => unknown): string | undefined {
  try {
    parse();
    return undefined;
  } catch (e) {
    return inputErrorText(e, t) ?? userMessage(e);
  }
}

/** Validation for a host box: anything parseHostPaste reads is accepted. */
export function validateHost(v: string): string | undefined {
  return problemOf(() => parseHostPaste(v));
}

export function validatePort(v: string): string | undefined {
  return problemOf(() => parsePort(v.trim()));
}

export function validateUser(v: string): string | undefined {
  const s = v.trim();
  return s === '' || isUserName(s) ? undefined : t('"{0}" cannot be a user name: use letters, digits, ".", "_", "-" or "@", not starting with "-".', s);
}

/** An instance's display name: not empty, and not one `taken` by another instance. */
export function validateInstanceName(v: string, taken: readonly string[]): string | undefined {
  const s = v.trim();
  return !s ? t('Enter a name.') : taken.includes(s) ? t('An instance named "{0}" already exists.', s) : undefined;
}

const done = (r: { value: string } | 'back' | 'cancel', set: (v: string) => void): StepResult => {
  if (r === 'back' || r === 'cancel') return r;
  set(r.value);
  return 'next';
};

export const hostStep: WizardStep = {
  id: 'host',
  field: { label: () => t('Host'), value: (d) => d.host },
  async run(d, ctx) {
    const r = await inputStep(ctx, {
      prompt: t('Host name or IP address — or paste user@host:port or a whole ssh command'),
      placeHolder: 'ssh -p 2222 root@203.0.113.10',
      value: d.host,
      validate: validateHost,
    });
    if (r === 'back' || r === 'cancel') return r;
    const p = parseHostPaste(r.value);
    d.host = p.host;
    if (p.fromSsh) d.protocol = 'ssh';
    if (p.port !== undefined) d.port = String(p.port);
    if (p.user) d.user = p.user;
    if (p.identityFile) d.identityFile = p.identityFile;
    if (p.jump) d.jump = p.jump;
    return 'next';
  },
};

export const protocolStep: WizardStep = {
  id: 'protocol',
  field: { label: () => t('Protocol and port'), value: (d) => `${d.protocol.toUpperCase()} ${d.port || DEFAULT_PORT[d.protocol]}`, with: ['port'] },
  async run(d, ctx) {
    const items = protocolItems();
    const r = await pickStep(ctx, items, { placeHolder: t('Protocol'), active: items.find((i) => i.value === d.protocol) });
    if (r === 'back' || r === 'cancel') return r;
    const before = d.protocol;
    d.protocol = r.item.value;
    // The port follows the protocol unless the person chose one.
    if (before !== d.protocol && (d.port === '' || d.port === String(DEFAULT_PORT[before]))) d.port = String(DEFAULT_PORT[d.protocol]);
    return 'next';
  },
};

export const portStep: WizardStep = {
  id: 'port',
  async run(d, ctx) {
    return done(await inputStep(ctx, { prompt: t('Port'), value: d.port || String(DEFAULT_PORT[d.protocol]), validate: validatePort }), (v) => { d.port = v.trim(); });
  },
};

export const userStep: WizardStep = {
  id: 'user',
  field: { label: () => t('User name'), value: (d) => d.user },
  async run(d, ctx) {
    return done(await inputStep(ctx, {
      prompt: t('User name (optional)'),
      placeHolder: d.protocol === 'ssh' ? DEFAULT_SSH_USER : 'Administrator',
      value: d.user,
      validate: validateUser,
    }), (v) => { d.user = v.trim(); });
  },
};

export const identityStep: WizardStep = {
  id: 'identity',
  applies: (d) => d.protocol === 'ssh',
  field: { label: () => t('Identity file'), value: (d) => (d.identityFile ? tilde(d.identityFile) : t('none')) },
  async run(d, ctx) {
    const r = await pickIdentityFile(ctx, d.identityFile, { none: true });
    if (r === 'back' || r === 'cancel') return r;
    d.identityFile = r.file;
    return 'next';
  },
};

export const nameStep: WizardStep = {
  id: 'name',
  field: { label: () => t('Display name'), value: (d) => d.name },
  async run(d, ctx) {
    return done(await inputStep(ctx, {
      prompt: t('Display name'),
      value: d.name || d.host,
      validate: (v) => validateInstanceName(v, d.takenNames),
    }), (v) => { d.name = v.trim(); });
  },
};

export const groupStep: WizardStep = {
  id: 'group',
  field: { label: () => t('Group'), value: (d) => d.group },
  async run(d, ctx) {
    return done(await inputStep(ctx, { prompt: t('Group (optional)'), value: d.group }), (v) => { d.group = v.trim(); });
  },
};

function validateCloud(v: string): string | undefined {
  const parts = v.trim().toLowerCase().split(/\s+/).filter(Boolean);
  if (parts.length === 0) return undefined;
  if (!isInstanceId(parts[0])) return t('An instance ID looks like "ins-abcd1234" (CVM) or "lhins-abcd1234" (Lighthouse).');
  if (parts.length !== 2 || !isRegion(parts[1])) return t('Add the region after the ID, e.g. "ap-guangzhou".');
  return undefined;
}

export const cloudStep: WizardStep = {
  id: 'cloud',
  field: { label: () => t('Tencent Cloud instance'), value: (d) => d.cloud },
  async run(d, ctx) {
    return done(await inputStep(ctx, {
      prompt: t('Tencent Cloud instance ID and region (optional), e.g. "ins-abcd1234 ap-guangzhou"'),
      value: d.cloud,
      validate: validateCloud,
    }), (v) => { d.cloud = v.trim().toLowerCase().split(/\s+/).filter(Boolean).join(' '); });
  },
};

/** "Jump through": none, a saved instance (with its own chain), or typed bastions. SSH only. */
export const jumpStep: WizardStep = {
  id: 'jump',
  applies: (d) => d.protocol === 'ssh',
  field: { label: () => t('Jump through'), value: (d) => (d.hops.length ? formatJumpChain(d.hops) : '') },
  async run(d, ctx) {
    type Item = vscode.QuickPickItem & { hops?: JumpHop[]; type?: true };
    const saved = d.saved.filter((s) => s.protocol === 'ssh' && s.name !== d.name);
    // A pasted `ssh -J …` is offered as the chain to keep.
    if (d.jump && !d.hops.length) {
      try { d.hops = resolveJumpText(d.jump, saved); d.jump = undefined; } catch { /* shown in the typed box */ }
    }
    const items: Item[] = [];
    if (d.hops.length) items.push({ label: `$(check) ${t('Keep: through {0}', formatJumpChain(d.hops))}`, hops: d.hops });
    items.push({ label: `$(arrow-right) ${t('Direct (no bastion)')}`, hops: [] });
    for (const s of saved) items.push({ label: `$(vm) ${s.name}`, description: formatJumpChain(hopsOfInstance(s)), hops: hopsOfInstance(s) });
    items.push({ label: `$(edit) ${t('Type bastions…')}`, type: true });
    const picked = await pickStep(ctx, items, { placeHolder: t('Jump through (optional): a bastion that reaches this instance') });
    if (picked === 'back' || picked === 'cancel') return picked;
    if (!picked.item.type) { d.hops = picked.item.hops ?? []; return 'next'; }
    const typed = await inputStep(ctx, {
      prompt: t('Bastions as [user@]host[:port], separated by commas (as ssh -J), or names of saved instances'),
      placeHolder: 'ops@203.0.113.5,10.0.0.4:2222',
      value: d.jump ?? (d.hops.length ? formatJumpChain(d.hops) : ''),
      validate: (v) => {
        if (!v.trim()) return undefined;
        try {
          resolveJumpText(v, saved);
          return undefined;
        } catch {
          return t('Enter bastions as [user@]host[:port], separated by commas, or the names of saved instances.');
        }
      },
    });
    return done(typed, (v) => { d.hops = v.trim() ? resolveJumpText(v, saved) : []; d.jump = undefined; });
  },
};

/** Every step of Add, in order; Edit lists those with a `field`. */
export const INSTANCE_STEPS: WizardStep[] = [hostStep, protocolStep, portStep, userStep, identityStep, nameStep, groupStep, cloudStep, jumpStep];

export function draftOf(i: Partial<Instance> | undefined, takenNames: readonly string[], saved: readonly Instance[] = []): Draft {
  return {
    hops: i?.jump ? [...i.jump] : [],
    saved,
    host: i?.host ?? '',
    protocol: i?.protocol ?? 'ssh',
    port: i?.port ? String(i.port) : '',
    user: i?.user ?? '',
    identityFile: i?.identityFile ?? '',
    name: i?.name ?? '',
    group: i?.group ?? '',
    cloud: i?.cloudInstanceId ? `${i.cloudInstanceId} ${i.region ?? ''}`.trim() : '',
    takenNames: takenNames.filter((n) => n !== i?.name),
  };
}

/** The draft as instance data; what the wizard does not ask about (import bookkeeping,
 *  cloud state) is kept from `base`. */
export function instanceFromDraft(d: Draft, base?: Partial<Instance>): Omit<Instance, 'id'> {
  const { id: _id, ...rest } = { ...(base ?? {}) } as Partial<Instance>;
  const out: Omit<Instance, 'id'> = { ...rest, name: d.name.trim() || d.host, host: parseHost(d.host), port: parsePort(d.port || String(DEFAULT_PORT[d.protocol])), protocol: d.protocol };
  const optional = (k: 'user' | 'identityFile' | 'group', v: string) => { if (v) out[k] = v; else delete out[k]; };
  optional('user', d.user);
  optional('identityFile', d.protocol === 'ssh' ? d.identityFile : '');
  optional('group', d.group);
  if (d.protocol === 'ssh' && d.hops.length) out.jump = d.hops;
  else delete out.jump;
  const [cloudInstanceId, region] = d.cloud.split(' ');
  if (cloudInstanceId && region) {
    out.cloudInstanceId = cloudInstanceId;
    out.region = region;
  } else {
    delete out.cloudInstanceId;
    delete out.region;
  }
  return out;
}

/** Add (or save an ad-hoc target): every step, prefilled from `prefill`. */
export async function instanceWizard(prefill: Partial<Instance> | undefined, takenNames: string[], saved: readonly Instance[] = []): Promise<Omit<Instance, 'id'> | undefined> {
  const d = draftOf(prefill, takenNames, saved);
  const r = await runSteps(INSTANCE_STEPS, d, t('Add Instance'));
  return r === 'done' ? instanceFromDraft(d, prefill) : undefined;
}

/** Edit: which field? Then only that field's steps; Back returns to the list. */
export async function editInstanceWizard(existing: Instance, takenNames: string[], saved: readonly Instance[] = []): Promise<Omit<Instance, 'id'> | undefined> {
  const d = draftOf(existing, takenNames, saved.filter((s) => s.id !== existing.id));
  const title = t('Edit {0}', existing.name);
  type FieldItem = vscode.QuickPickItem & { step: WizardStep };
  for (;;) {
    const items: FieldItem[] = INSTANCE_STEPS
      .filter((s) => s.field && (!s.applies || s.applies(d)))
      .map((s) => ({ label: s.field!.label(), description: s.field!.value(d) || '—', step: s }));
    const picked = await pickStep({ title, canGoBack: false }, items, { placeHolder: t('Which field do you want to change?') });
    if (picked === 'back' || picked === 'cancel') return undefined;
    const step = picked.item.step;
    const steps = [step, ...INSTANCE_STEPS.filter((s) => step.field?.with?.includes(s.id))];
    const r = await runSteps(steps, d, `${title}: ${picked.item.label}`, { backAtStart: true });
    if (r === 'cancel') return undefined;
    if (r === 'done') return instanceFromDraft(d, existing);
  }
}

/** An ad-hoc host for Diagnose: host (pasted or typed), protocol, port. */
export async function adhocTargetWizard(title: string): Promise<Pick<Instance, 'host' | 'port' | 'protocol'> & Partial<Pick<Instance, 'user' | 'identityFile'>> | undefined> {
  const d = draftOf(undefined, []);
  const r = await runSteps([hostStep, protocolStep, portStep], d, title);
  if (r !== 'done') return undefined;
  const i = instanceFromDraft(d);
  return { host: i.host, port: i.port, protocol: i.protocol, ...(i.user ? { user: i.user } : {}), ...(i.identityFile ? { identityFile: i.identityFile } : {}) };
}

function protocolItems(): Array<vscode.QuickPickItem & { value: Protocol }> {
  return [
    { label: 'SSH', description: t('Linux instances (port 22)'), value: 'ssh' },
    { label: 'RDP', description: t('Windows instances (port 3389)'), value: 'rdp' },
  ];
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
export function resolveJumpText(text: string, saved: readonly Instance[]): JumpHop[] {
  const byName = new Map(saved.map((s) => [s.name.toLowerCase(), s]));
  const lookup = (alias: string): HostConfig => {
    const s = byName.get(alias.toLowerCase());
    if (!s) return { hostName: alias, port: 22 };
    return {
      hostName: s.host, port: s.port, ...(s.user ? { user: s.user } : {}), ...(s.identityFile ? { identityFile: s.identityFile } : {}),
      ...(s.jump?.length ? { proxyJump: formatJumpChain(s.jump) } : {}),
    };
  };
  const user = localUserName();
  return proxyJumpChain(text, lookup, { from: '', defaultUser: user, field: 'jump' });
}
