/**
 * Import from Tencent Cloud as a three-way merge. A new instance is saved with the cloud's
 * name, address, protocol, port and user guess, its region and instance ID, in the group
 * "Tencent Cloud/<region>". An instance already saved with the same instance ID is re-synced:
 * each field the last import set (`Instance.imported`) is updated only while it still holds
 * that value, so the user's edits to name, user, port or host survive; the cloud state and
 * region always follow the cloud. Pure.
 */
import type { CloudInstanceSummary } from './instances';
import { uniqueName, type ImportedFields, type Instance } from '../core/savedInstance';

export const GROUP_PREFIX = 'Tencent Cloud/';

export interface ImportPlan {
  add: Array<Omit<Instance, 'id'>>;
  update: Instance[];
  /** Saved instances the import left as they were (nothing changed in the cloud or all edited). */
  unchanged: number;
  /** Names of instances saved with a private address because they have no public one. */
  privateOnly: string[];
  /** Instance IDs skipped because the cloud reports no address at all. */
  noAddress: string[];
}

const FIELDS = ['name', 'host', 'port', 'protocol', 'user'] as const;

/** The address to connect to: the first public IP, else the first private one. */
export function addressOf(s: CloudInstanceSummary): { host: string; private: boolean } | undefined {
  if (s.publicIps[0]) return { host: s.publicIps[0], private: false };
  if (s.privateIps[0]) return { host: s.privateIps[0], private: true };
  return undefined;
}

export function planImport(existing: readonly Instance[], picked: readonly CloudInstanceSummary[]): ImportPlan {
  const plan: ImportPlan = { add: [], update: [], unchanged: 0, privateOnly: [], noAddress: [] };
  const names = new Set(existing.map((e) => e.name));
  const seen = new Set<string>();
  for (const s of picked) {
    if (!s.instanceId || seen.has(s.instanceId)) continue;
    seen.add(s.instanceId);
    const addr = addressOf(s);
    if (!addr) {
      plan.noAddress.push(s.instanceId);
      continue;
    }
    const cloud: ImportedFields = { name: s.name || s.instanceId, host: addr.host, port: s.port, protocol: s.protocol, ...(s.user ? { user: s.user } : {}) };
    const matches = existing.filter((e) => e.cloudInstanceId === s.instanceId);
    if (matches.length === 0) {
      const name = uniqueName(cloud.name, names);
      names.add(name);
      const fields: ImportedFields = { ...cloud, name };
      plan.add.push({
        ...fields,
        group: `${GROUP_PREFIX}${s.region}`,
        region: s.region,
        cloudInstanceId: s.instanceId,
        cloudState: s.state,
        imported: fields,
      });
      if (addr.private) plan.privateOnly.push(name);
      continue;
    }
    // Re-sync every saved instance of this ID (a duplicated one is a variant of the same VM).
    for (const match of matches) {
      // Re-sync. An instance the user saved by hand (no `imported` base) keeps every field.
      const merged: Instance = { ...match, region: s.region, cloudState: s.state };
      const base = match.imported;
      const nextBase: ImportedFields = { ...cloud };
      if (base) {
        for (const k of FIELDS) {
          if (match[k] !== base[k]) continue; // edited by the user: theirs wins
          if (k === 'name') {
            names.delete(match.name);
            const name = uniqueName(cloud.name, names);
            names.add(name);
            merged.name = name;
            nextBase.name = name;
          } else if (k === 'user') {
            if (cloud.user) merged.user = cloud.user;
            else delete merged.user;
          } else if (k === 'port') {
            merged.port = cloud.port;
          } else if (k === 'protocol') {
            merged.protocol = cloud.protocol;
          } else {
            merged.host = cloud.host;
          }
        }
      }
      merged.imported = nextBase;
      if (merged.host === addr.host && addr.private) plan.privateOnly.push(merged.name);
      if (JSON.stringify(merged) === JSON.stringify(match)) plan.unchanged++;
      else plan.update.push(merged);
    }
  }
  return plan;
}
