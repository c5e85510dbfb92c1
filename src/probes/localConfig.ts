/**
 * The effective ssh configuration for a host: `ssh -G [-F FILE] [-l USER] [-p PORT] HOST`,
 * what OpenSSH itself will use, compared with `ssh -G -F none` for the same name (OpenSSH's
 * defaults) to tell what a configuration file set. Both run at once, argv only, with the
 * minimal environment and a time bound; the child is killed on cancel.
 *
 * `ssh -G` evaluates `Match exec` lines of the user's own configuration, exactly as every
 * `ssh HOST` the user runs does; it never connects anywhere and runs no ProxyCommand.
 */
import { configuredFields, configuredIdentityFiles, parseEffectiveConfig, parseSshGError, type EffectiveSshConfig } from '../core/sshConfigEffective';
import type { LocalConfigResult } from '../core/localModel';
import { now, since } from './abort';
import { execBounded, opensshExecutable } from './openssh';

export interface LocalConfigQuery {
  host: string;
  /** Only what the user typed: `ssh -l` / `-p` (Match user / Match host see them). */
  user?: string;
  port?: number;
  /** `ssh -F FILE`. */
  file?: string;
  /** The ssh binary (setting); default from CVM_DOCTOR_OPENSSH or PATH. */
  executable?: string;
  timeoutMs: number;
  signal: AbortSignal;
}

/** At most this long for `ssh -G`: it reads a few files and prints. */
const MAX_MS = 3000;

/** The argv of `ssh -G` (exported for tests: the host is never taken for an option). */
export function sshGArgs(q: Pick<LocalConfigQuery, 'host' | 'user' | 'port' | 'file'>, file = q.file): string[] {
  if (q.host.startsWith('-') || /[\s\0]/.test(q.host)) throw new Error(`unsafe host: ${JSON.stringify(q.host)}`);
  const args = ['-G'];
  if (file !== undefined) args.push('-F', file);
  if (q.user !== undefined) args.push('-l', q.user);
  if (q.port !== undefined) args.push('-p', String(q.port));
  args.push(q.host);
  return args;
}

/** OpenSSH's own defaults (`ssh -G -F none`) depend on no host (nothing can match without a
 *  config): asked once per binary, user and port, with the host's name filled in after. A
 *  failed answer is not kept. */
const defaultsCache = new Map<string, Promise<EffectiveSshConfig | undefined>>();
function opensshDefaults(exe: string, q: LocalConfigQuery, bound: number): Promise<EffectiveSshConfig | undefined> {
  const key = JSON.stringify([exe, q.user ?? null, q.port ?? null]);
  let hit = defaultsCache.get(key);
  if (!hit) {
    hit = execBounded(exe, sshGArgs({ host: 'cvm-doctor-defaults', user: q.user, port: q.port }, 'none'), bound)
      .then((r) => (r.code === 0 ? parseEffectiveConfig(r.stdout) : undefined));
    defaultsCache.set(key, hit);
    void hit.then((d) => { if (!d) defaultsCache.delete(key); });
  }
  // ssh lower-cases the name it was given.
  return hit.then((d) => (d ? { ...d, hostname: q.host.toLowerCase() } : undefined));
}

export async function probeLocalConfig(q: LocalConfigQuery): Promise<LocalConfigResult> {
  const start = now();
  const exe = opensshExecutable(q.executable);
  if (!exe) return { outcome: 'unavailable', executable: 'ssh', reason: 'disabled', durationMs: since(start) };
  const bound = Math.max(1, Math.min(MAX_MS, q.timeoutMs));
  const [real, base] = await Promise.all([
    execBounded(exe, sshGArgs(q), bound, q.signal),
    opensshDefaults(exe, q, bound),
  ]);
  const file = q.file !== undefined ? { file: q.file } : {};
  if (real.code === 'ENOENT') return { outcome: 'unavailable', executable: exe, reason: 'not-found', ...file, durationMs: since(start) };
  if (real.code === 'SIGKILL' || real.code === 'ETIMEDOUT') return { outcome: 'unavailable', executable: exe, reason: 'timeout', ...file, durationMs: since(start) };
  const effective = real.code === 0 ? parseEffectiveConfig(real.stdout) : undefined;
  if (!effective) {
    // A binary that is not OpenSSH prints no `hostname` line and no OpenSSH message either.
    const error = parseSshGError(real.stderr);
    if (real.code === 0 || (error.kind === 'other' && !/ssh|config|line \d/i.test(error.message))) {
      return { outcome: 'unavailable', executable: exe, reason: 'not-openssh', ...file, durationMs: since(start) };
    }
    return { outcome: 'error', executable: exe, ...file, error, durationMs: since(start) };
  }
  return {
    outcome: 'ok', executable: exe, ...file, effective,
    configured: configuredFields(effective, base), configuredIdentityFiles: configuredIdentityFiles(effective, base),
    durationMs: since(start),
  };
}
