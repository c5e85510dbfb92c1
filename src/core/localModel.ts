/**
 * The user's own side, as the Local layer observed it before any packet left the machine:
 * the effective ssh configuration (`ssh -G`), the identity files that will be offered, the
 * ssh-agent; and the system OpenSSH's second opinion on a failed handshake or login. Pure
 * types, part of `Evidence` (model.ts).
 */
import type { KeyFileFormat } from './keyFormat';
import type { ConfiguredField, EffectiveSshConfig, SshConfigError } from './sshConfigEffective';
import type { AclEntry, WindowsServiceState } from './windowsLocal';

export type LocalConfigResult =
  | {
    outcome: 'ok';
    executable: string;
    /** `--ssh-config FILE` (ssh -F FILE); absent: ~/.ssh/config and the system file. */
    file?: string;
    effective: EffectiveSshConfig;
    /** What a configuration file set (the rest are OpenSSH's defaults). */
    configured: ConfiguredField[];
    /** The identity files a configuration file named (OpenSSH's default list left out). */
    configuredIdentityFiles: string[];
    durationMs: number;
  }
  | { outcome: 'error'; executable: string; file?: string; error: SshConfigError; durationMs: number }
  /** No system ssh (or CVM_DOCTOR_OPENSSH=off, or it did not answer in time): the
   *  diagnosis goes on with what the user typed. */
  | { outcome: 'unavailable'; executable: string; file?: string; reason: 'not-found' | 'disabled' | 'timeout' | 'not-openssh'; durationMs: number };

/** Where an identity came from: --identity / the saved instance, the ssh config, or one of
 *  OpenSSH's default files (~/.ssh/id_*; checked only when it exists). */
export type IdentitySource = 'given' | 'config' | 'default';

export interface LocalKeyResult {
  path: string;
  source: IdentitySource;
  exists: boolean;
  readable: boolean;
  /** ENOENT, EACCES, EISDIR, ETIMEDOUT… */
  errorCode?: string;
  format?: KeyFileFormat;
  encrypted?: boolean;
  keyType?: string;
  /** Linux/macOS: the file's mode bits and whether it is the user's own. */
  mode?: number;
  ownedBySelf?: boolean;
  /** Windows: the ACL (icacls) and the entries that let others read the key. */
  acl?: { entries: AclEntry[]; tooOpen: AclEntry[]; user?: string } | { error: string };
  /** OpenSSH on this machine would refuse to use the key (its permissions). */
  refused?: boolean;
}

export interface LocalAgentResult {
  /** SSH_AUTH_SOCK (or the Windows pipe). */
  socket?: string;
  outcome: 'ok' | 'no-socket' | 'unreachable' | 'timeout' | 'error';
  /** Keys the agent holds. */
  keys?: number;
  /** The agent's or the system's own message. */
  message?: string;
  /** Windows: the ssh-agent service. */
  service?: WindowsServiceState;
  durationMs: number;
}

export interface LocalEvidence {
  /** The host as the user typed it (an alias, maybe). */
  host: string;
  /** process.platform of the user's machine (the fixes differ: chmod vs icacls). */
  platform: string;
  config: LocalConfigResult;
  keys: LocalKeyResult[];
  agent?: LocalAgentResult;
  durationMs: number;
}

/**
 * The system OpenSSH's own run against the target after a verdict ssh2 may have caused
 * (KEX_FAILED, AUTH_FAILED, AUTH_METHOD_UNAVAILABLE): `ssh -v -o BatchMode=yes` with the same
 * host, port, user, identity files, agent and known_hosts (never a password; never
 * StrictHostKeyChecking=no).
 * authenticated: OpenSSH logged in. denied: "Permission denied (…)". too-many-failures: the
 * server ended the login after `keysOffered` keys (MaxAuthTries). kex-failed: "Unable to
 * negotiate". host-key: OpenSSH refused the host key (not in known_hosts, or changed).
 */
export interface SecondOpinion {
  outcome: 'authenticated' | 'denied' | 'too-many-failures' | 'kex-failed' | 'host-key' | 'timeout' | 'closed' | 'error' | 'unavailable';
  version?: string;
  /** OpenSSH's own last message (local text; quote it). */
  message?: string;
  authMethods?: string[];
  /** Public keys OpenSSH offered before the end. */
  keysOffered?: number;
  /** The method OpenSSH logged in with. */
  method?: string;
  /** The command a user can run to see the same (no secrets in it). */
  command: string;
  durationMs: number;
}
