/**
 * What the system OpenSSH will really use for a host: `ssh -G` output parsed, compared with
 * `ssh -G -F none` (OpenSSH's own defaults for the same name) to tell what a configuration
 * file set from what is a default, and `ssh -G`'s failure read back into the file, the line
 * and the kind of problem. Pure: the probe runs ssh (src/probes/localConfig.ts).
 */

/** The options of `ssh -G` the diagnosis uses (keywords in OpenSSH's lower case). */
export interface EffectiveSshConfig {
  hostname: string;
  user: string;
  port: number;
  /** In order; `~` and `%d`-style tokens as ssh printed them (already expanded by ssh 8.4+
   *  except `~`). */
  identityFiles: string[];
  /** The raw ProxyJump value ("none" when unset is left out). Turned into a jump chain
   *  elsewhere (the jump-host layer). */
  proxyJump?: string;
  /** yes | no | ask | accept-new (OpenSSH prints `true`/`false` for yes/no). */
  strictHostKeyChecking: string;
  userKnownHostsFiles: string[];
  identitiesOnly: boolean;
  /** `IdentityAgent`, when set (none, SSH_AUTH_SOCK or a socket path). */
  identityAgent?: string;
}

/** Fields a configuration file set (differs from `ssh -G -F none`). */
export type ConfiguredField = 'hostname' | 'user' | 'port' | 'identityFiles' | 'proxyJump' | 'strictHostKeyChecking' | 'userKnownHostsFiles' | 'identitiesOnly' | 'identityAgent';

/** Parses `ssh -G` stdout: one `keyword value` per line; repeated keywords (identityfile)
 *  accumulate. Undefined when the text has no `hostname`/`port` (not `ssh -G` output). */
export function parseEffectiveConfig(text: string): EffectiveSshConfig | undefined {
  const values = new Map<string, string[]>();
  for (const raw of text.split(/\r?\n/)) {
    const m = /^([A-Za-z][A-Za-z0-9]*)\s+(.*)$/.exec(raw.trim());
    if (!m) continue;
    const k = m[1]!.toLowerCase();
    const list = values.get(k) ?? [];
    list.push(m[2]!.trim());
    values.set(k, list);
  }
  const one = (k: string) => values.get(k)?.[0];
  const hostname = one('hostname');
  const port = Number(one('port'));
  if (!hostname || !Number.isInteger(port) || port < 1 || port > 65535) return undefined;
  const proxyJump = one('proxyjump');
  const agent = one('identityagent');
  const strict = (one('stricthostkeychecking') ?? 'ask').toLowerCase();
  return {
    hostname,
    user: one('user') ?? '',
    port,
    identityFiles: values.get('identityfile') ?? [],
    ...(proxyJump && proxyJump.toLowerCase() !== 'none' ? { proxyJump } : {}),
    strictHostKeyChecking: strict === 'true' ? 'yes' : strict === 'false' ? 'no' : strict,
    userKnownHostsFiles: (one('userknownhostsfile') ?? '').split(/\s+/).filter(Boolean),
    identitiesOnly: /^(yes|true)$/i.test(one('identitiesonly') ?? ''),
    ...(agent ? { identityAgent: agent } : {}),
  };
}

/** The fields of `eff` that a configuration file set: those that differ from OpenSSH's
 *  defaults for the same name and options (`ssh -G -F none`). */
export function configuredFields(eff: EffectiveSshConfig, defaults: EffectiveSshConfig | undefined): ConfiguredField[] {
  if (!defaults) return [];
  const out: ConfiguredField[] = [];
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  const fields: ConfiguredField[] = ['hostname', 'user', 'port', 'identityFiles', 'proxyJump', 'strictHostKeyChecking', 'userKnownHostsFiles', 'identitiesOnly', 'identityAgent'];
  for (const f of fields) if (!same(eff[f], defaults[f])) out.push(f);
  return out;
}

/** The identity files a configuration file added (OpenSSH's default list left out), in order. */
export function configuredIdentityFiles(eff: EffectiveSshConfig, defaults: EffectiveSshConfig | undefined): string[] {
  const d = new Set(defaults?.identityFiles ?? []);
  return eff.identityFiles.filter((f) => !d.has(f));
}

/**
 * Why `ssh -G` failed, from its stderr. permissions: "Bad owner or permissions on FILE"
 * (OpenSSH checks ~/.ssh/config, not a file given with -F). syntax: "FILE: line N: Bad
 * configuration option: X", "FILE line N: Bad port 'abc'." and the like. include: an
 * Include that cannot be read. other: anything else (the message is kept).
 */
export interface SshConfigError {
  kind: 'permissions' | 'syntax' | 'other';
  file?: string;
  line?: number;
  /** ssh's own line (local text; quote it). */
  message: string;
}

export function parseSshGError(stderr: string): SshConfigError {
  const lines = stderr.split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !/^Pseudo-terminal will not be allocated/.test(l));
  let m: RegExpExecArray | null;
  for (const l of lines) {
    if ((m = /^Bad owner or permissions on (.+)$/.exec(l))) return { kind: 'permissions', file: m[1]!.trim(), message: l };
  }
  for (const l of lines) {
    // "FILE: line N: message" (most keywords) or "FILE line N: message" (argument errors).
    if ((m = /^(.+?):? line (\d+): (.+)$/.exec(l))) return { kind: 'syntax', file: m[1]!, line: Number(m[2]), message: l };
  }
  const terminating = lines.find((l) => / terminating, \d+ bad configuration options?$/.test(l));
  if (terminating) {
    const file = /^(.+?): terminating/.exec(terminating)?.[1];
    return { kind: 'syntax', ...(file ? { file } : {}), message: terminating };
  }
  return { kind: 'other', message: lines[0] ?? '' };
}
