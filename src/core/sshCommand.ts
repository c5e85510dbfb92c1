/**
 * Builds the `ssh` invocation for a saved instance as an argv array (for a terminal's
 * shellPath/shellArgs — never through a shell) and, separately, a quoted copy-paste string.
 * Pure: the extension's "Copy ssh command" / "Open in terminal" and the CLI share it.
 */
import type { Instance } from './savedInstance';
import { formatJumpChain } from './jump';

/** argv for `ssh` (without the program name). Options first; `--` is not used because
 *  OpenSSH treats the first non-option as the destination anyway, and a destination starting
 *  with '-' is rejected by sshArgs() below. */
export function sshArgs(i: Pick<Instance, 'host' | 'port' | 'user' | 'identityFile' | 'jump'>, knownHostsPath?: string): string[] {
  if (i.host.startsWith('-') || /[\s\0]/.test(i.host)) throw new Error(`unsafe host: ${JSON.stringify(i.host)}`);
  if (i.user !== undefined && (i.user.startsWith('-') || /[\s\0@]/.test(i.user))) {
    throw new Error(`unsafe user: ${JSON.stringify(i.user)}`);
  }
  const args: string[] = [];
  if (i.port !== 22) args.push('-p', String(i.port));
  if (i.identityFile) args.push('-i', i.identityFile);
  if (knownHostsPath) args.push('-o', `UserKnownHostsFile=${knownHostsPath}`);
  if (i.jump?.length) {
    for (const h of i.jump) {
      if (h.host.startsWith('-') || /[\s\0,@]/.test(h.host)) throw new Error(`unsafe jump host: ${JSON.stringify(h.host)}`);
    }
    // ssh -J: the bastions, in order (each hop's own key comes from ~/.ssh/config, as with ssh).
    args.push('-J', formatJumpChain(i.jump));
  }
  if (i.user) args.push('-l', i.user);
  // IPv6 literals are accepted as-is by ssh when the port is passed with -p.
  args.push(i.host);
  return args;
}

/** POSIX shell quoting, for display and the clipboard only (never executed by us). */
export function shellQuote(arg: string): string {
  if (arg !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

export function sshCommandLine(i: Pick<Instance, 'host' | 'port' | 'user' | 'identityFile' | 'jump'>, knownHostsPath?: string): string {
  return ['ssh', ...sshArgs(i, knownHostsPath)].map(shellQuote).join(' ');
}

/** The name OpenSSH gives a host in known_hosts: `host` on port 22, `[host]:port` otherwise. */
export function hostKeyName(host: string, port: number): string {
  return port === 22 ? host.toLowerCase() : `[${host.toLowerCase()}]:${port}`;
}
