/**
 * Handing a saved instance to VS Code's Remote-SSH (pure). Remote-SSH's stable command
 * `opensshremotes.openEmptyWindow` takes `{ host, userName?, port? }`
 * (microsoft/vscode-remote-release, remote-ssh-stable-commands.md) and otherwise reads
 * ~/.ssh/config: an identity file or a ProxyJump chain reach it only through a `Host` alias.
 */
import type { Instance } from './savedInstance';

export interface OpenWindowArgs { host: string; userName?: string; port?: number }

/** A Host alias from an instance name: "Web server (Seoul)" → "cvm-web-server-seoul". */
export function sshAliasFor(name: string): string {
  const slug = name.toLowerCase().normalize('NFKD').replace(/[^a-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40);
  return `cvm-${slug || 'instance'}`;
}

/** The ssh config alias that already leads to this instance (same HostName, port and user). */
export function matchingAlias(
  i: Pick<Instance, 'host' | 'port' | 'user'>,
  hosts: ReadonlyArray<{ alias: string; hostName: string; port: number; user?: string }>,
): string | undefined {
  return hosts.find((h) => h.hostName.toLowerCase() === i.host.toLowerCase() && h.port === i.port && (i.user === undefined || h.user === i.user))?.alias;
}

/** What the instance needs from ~/.ssh/config for Remote-SSH to connect as the diagnosis did. */
export function needsSshConfig(i: Pick<Instance, 'protocol' | 'identityFile' | 'port'>, proxyJump?: string): boolean {
  return i.protocol === 'ssh' && (!!i.identityFile || i.port !== 22 || !!proxyJump);
}

/** The command's argument: the alias when there is one, else host, user and port. */
export function openWindowArgs(i: Pick<Instance, 'host' | 'port' | 'user'>, alias?: string): OpenWindowArgs {
  if (alias) return { host: alias };
  return { host: i.host, ...(i.user ? { userName: i.user } : {}), ...(i.port !== 22 ? { port: i.port } : {}) };
}
