/**
 * A saved instance: what the tree shows and what a diagnosis targets. Plain data (persisted in
 * globalState as JSON); no secrets here — passwords and passphrases live in SecretStorage under
 * `secretKey(id, kind)`. Pure, so the import plans (src/cloud) and any adapter can use it.
 */
import type { JumpHop, Protocol } from './model';
import { MAX_JUMP_HOPS } from './jump';
import { isInstanceId, isRegion, isUserName } from './validate';

export interface Instance {
  /** Stable id (random hex), independent of the user-visible name. */
  id: string;
  name: string;
  host: string;
  port: number;
  protocol: Protocol;
  user?: string;
  identityFile?: string;
  group?: string;
  region?: string;
  /** Tencent Cloud instance id (ins-xxxxxxxx). */
  cloudInstanceId?: string;
  /** Bastions to go through, in order (ProxyJump); the instance itself is the last hop. */
  jump?: JumpHop[];
  /** Imported from ssh_config: a ProxyCommand that is not a plain jump (never run; the
   *  diagnosis says its path was not followed). */
  proxyCommand?: string;
  /** The instance state the cloud reported at the last import (RUNNING, STOPPED, …). */
  cloudState?: string;
  /** What the last import from Tencent Cloud set: a re-import updates a field only while it
   *  still holds this value, so the user's own edits survive a re-sync. */
  imported?: ImportedFields;
}

export interface ImportedFields {
  name: string;
  host: string;
  port: number;
  protocol: Protocol;
  user?: string;
}

/** The fields a diagnosis depends on: change one and the last verdict no longer describes
 *  the instance (a new field that changes how we connect belongs here). */
export const CONNECTION_FIELDS = ['host', 'port', 'protocol', 'user', 'identityFile'] as const;

export function connectionChanged(a: Pick<Instance, (typeof CONNECTION_FIELDS)[number]>, b: Pick<Instance, (typeof CONNECTION_FIELDS)[number]>): boolean {
  return CONNECTION_FIELDS.some((k) => a[k] !== b[k]);
}

export type SecretKind = 'password' | 'passphrase';

export function secretKey(id: string, kind: SecretKind): string {
  return `cvmDoctor.${kind}.${id}`;
}

/** Validates data read back from storage (it may have been written by an older version). */
export function sanitizeInstance(v: unknown): Instance | undefined {
  if (!v || typeof v !== 'object') return undefined;
  const o = v as Record<string, unknown>;
  const str = (k: string) => (typeof o[k] === 'string' && (o[k] as string).length > 0 ? (o[k] as string) : undefined);
  const id = str('id');
  const name = str('name');
  const host = str('host');
  const port = typeof o.port === 'number' && Number.isInteger(o.port) && o.port > 0 && o.port < 65536 ? o.port : undefined;
  const protocol = o.protocol === 'ssh' || o.protocol === 'rdp' ? o.protocol : undefined;
  if (!id || !name || !host || !port || !protocol) return undefined;
  const out: Instance = { id, name, host, port, protocol };
  for (const k of ['user', 'identityFile', 'group', 'region', 'cloudInstanceId', 'cloudState', 'proxyCommand'] as const) {
    const s = str(k);
    if (s) out[k] = s;
  }
  const imp = sanitizeImported(o.imported);
  if (imp) out.imported = imp;
  const jump = sanitizeJump(o.jump);
  if (jump) out.jump = jump;
  return out;
}

/** A stored jump chain: every hop well-formed, or none at all (a half chain would connect
 *  somewhere else than the user meant). */
function sanitizeJump(v: unknown): JumpHop[] | undefined {
  if (!Array.isArray(v) || v.length === 0 || v.length > MAX_JUMP_HOPS) return undefined;
  const hops: JumpHop[] = [];
  for (const x of v) {
    if (!x || typeof x !== 'object') return undefined;
    const h = x as Record<string, unknown>;
    if (typeof h.host !== 'string' || !h.host || /[\s\0,]/.test(h.host) || h.host.startsWith('-')) return undefined;
    if (typeof h.port !== 'number' || !Number.isInteger(h.port) || h.port < 1 || h.port > 65535) return undefined;
    if (h.user !== undefined && !isUserName(h.user)) return undefined;
    hops.push({
      host: h.host, port: h.port,
      ...(typeof h.user === 'string' ? { user: h.user } : {}),
      ...(typeof h.identityFile === 'string' && h.identityFile ? { identityFile: h.identityFile } : {}),
      ...(typeof h.name === 'string' && h.name ? { name: h.name } : {}),
      ...(h.cloud && typeof h.cloud === 'object' && isInstanceId((h.cloud as Record<string, unknown>).instanceId) && isRegion((h.cloud as Record<string, unknown>).region)
        ? { cloud: { instanceId: (h.cloud as { instanceId: string }).instanceId, region: (h.cloud as { region: string }).region } } : {}),
    });
  }
  return hops;
}

function sanitizeImported(v: unknown): ImportedFields | undefined {
  if (!v || typeof v !== 'object') return undefined;
  const o = v as Record<string, unknown>;
  if (typeof o.name !== 'string' || typeof o.host !== 'string' || typeof o.port !== 'number' || (o.protocol !== 'ssh' && o.protocol !== 'rdp')) return undefined;
  return { name: o.name, host: o.host, port: o.port, protocol: o.protocol, ...(typeof o.user === 'string' ? { user: o.user } : {}) };
}

/** A name not yet used, e.g. "web (copy)", "web (copy 2)". */
export function uniqueName(base: string, taken: Iterable<string>, suffix = 'copy'): string {
  const used = new Set(taken);
  if (!used.has(base)) return base;
  for (let i = 1; ; i++) {
    const n = i === 1 ? `${base} (${suffix})` : `${base} (${suffix} ${i})`;
    if (!used.has(n)) return n;
  }
}
