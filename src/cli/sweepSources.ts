/**
 * Where a sweep's targets come from: a hosts file (already parsed and validated), the user's
 * ssh config (every concrete Host, read without running anything: sshConfigImport.ts), or a
 * Tencent Cloud account's instances in the chosen regions. Each becomes a SweepItem with a
 * complete Target; what cannot be diagnosed (a Host whose HostName is not a host, an instance
 * without an address) is said, never dropped.
 */
import { DEFAULT_ALT_PORTS, DEFAULT_PORT, type Credentials, type Protocol, type Target } from '../core/model';
import type { SweepItem } from '../core/sweep';
import { sweepText } from '../core/sweepText';
import type { TencentConfig } from '../cloud/config';
import { InputError, parseHost } from '../core/validate';
import { readSshConfigHosts } from '../probes/sshConfigImport';
import type { SweepCommand, SweepDefaults } from './sweepArgs';

export interface SweepTargets {
  items: SweepItem[];
  /** Known before anything is sent: targets that cannot be diagnosed, and why. */
  skipped: Array<{ label: string; reason: string }>;
}

function baseTarget(d: SweepDefaults, host: string, port: number | undefined, protocol: Protocol, user: string | undefined): Target {
  return {
    host,
    port: port ?? DEFAULT_PORT[protocol],
    protocol,
    ...(user ?? (protocol === 'ssh' ? d.user : undefined) ? { user: user ?? d.user } : {}),
    altPorts: d.altPorts ? [...d.altPorts] : [...DEFAULT_ALT_PORTS[protocol]],
    timeoutMs: d.timeoutMs,
    icmp: d.icmp,
    ...(d.knownHostsPath ? { knownHostsPath: d.knownHostsPath } : {}),
  };
}

export function hostsFileTargets(cmd: SweepCommand & { source: { kind: 'hosts-file' } }): SweepTargets {
  const { file, entries } = cmd.source;
  return {
    items: entries.map((e) => ({
      label: `${e.user ? `${e.user}@` : ''}${e.host.includes(':') && e.port ? `[${e.host}]` : e.host}${e.port ? `:${e.port}` : ''}`,
      target: baseTarget(cmd.defaults, e.host, e.port, 'ssh', e.user),
      ...(cmd.credentials ? { credentials: cmd.credentials } : {}),
      source: `${file}:${e.line}`,
    })),
    skipped: [],
  };
}

export function sshConfigTargets(cmd: SweepCommand & { source: { kind: 'ssh-config' } }): SweepTargets {
  const hosts = readSshConfigHosts(cmd.source.file);
  if (!hosts.length) throw new InputError('--ssh-config', `${cmd.source.file} has no concrete Host (wildcard patterns are not hosts)`);
  const out: SweepTargets = { items: [], skipped: [] };
  for (const h of hosts) {
    let host: string;
    try {
      host = parseHost(h.hostName, 'HostName');
    } catch (e) {
      out.skipped.push({ label: h.alias, reason: `${h.source}: ${(e as Error).message}` });
      continue;
    }
    // A ProxyJump that loops is refused (its message names the loop), never probed directly.
    if (h.jumpError) {
      out.skipped.push({ label: h.alias, reason: `${h.source}: ${h.jumpError}` });
      continue;
    }
    // The Host block's IdentityFile is the key ssh would offer for it; --identity otherwise.
    const credentials: Credentials | undefined = h.identityFile ? { ...cmd.credentials, identityFile: h.identityFile } : cmd.credentials;
    out.items.push({
      label: h.alias,
      // Behind bastions (ProxyJump): diagnosed through them, as ssh would connect.
      target: {
        ...baseTarget(cmd.defaults, host, h.port, 'ssh', h.user), name: h.alias,
        ...(h.jump ? { jump: h.jump } : {}), ...(h.proxyCommand ? { proxyCommand: h.proxyCommand } : {}),
      },
      ...(credentials ? { credentials } : {}),
      source: h.source,
    });
  }
  return out;
}

export async function tencentTargets(cmd: SweepCommand & { source: { kind: 'tencent' } }, cfg: TencentConfig, signal: AbortSignal): Promise<SweepTargets> {
  // Loaded only when asked for: the SDK is the heaviest part of the bundle.
  const { listInstances, addressOf } = await import('../cloud/index');
  const instances = await listInstances(cfg, cmd.source.regions, signal);
  const out: SweepTargets = { items: [], skipped: [] };
  for (const s of instances) {
    const label = s.name && s.name !== s.instanceId ? `${s.name} (${s.instanceId})` : s.instanceId;
    const address = addressOf(s);
    if (!address) {
      out.skipped.push({ label, reason: `${s.region}: ${sweepText(cmd.lang, 'sweep.noAddress')}` });
      continue;
    }
    out.items.push({
      label,
      target: { ...baseTarget(cmd.defaults, address.host, s.port, s.protocol, s.user), name: s.name, cloud: { instanceId: s.instanceId, region: s.region } },
      ...(cmd.credentials ? { credentials: cmd.credentials } : {}),
      source: s.region,
    });
  }
  return out;
}
