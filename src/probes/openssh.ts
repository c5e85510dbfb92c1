/**
 * The system OpenSSH client as a second opinion, for servers CVM Doctor's own SSH library
 * (ssh2) cannot negotiate with (post-quantum-only key exchanges, for example):
 *
 * - `opensshInfo()`: what this `ssh` supports (`ssh -Q`) and enables by default (`ssh -G`),
 *   asked once per process;
 * - `runOpenSsh()`: one bounded `ssh -v` handshake to the probed address that reports the
 *   negotiated algorithms, the host key (its blob, from a throw-away known_hosts file), the
 *   offered auth methods and, when asked, whether a public key, password or
 *   keyboard-interactive login works.
 *
 * Always argv (never a shell), a minimal environment, no configuration files (`-F none`: no
 * ProxyCommand, Match exec or LocalCommand can run), a timeout, and the child killed on
 * cancel. The user's own known_hosts is never handed to ssh: the host key is checked by the
 * caller, with the same code as for ssh2. BatchMode (never a prompt) except for a run that
 * must be given a secret: then ssh gets it from our askpass helper (SSH_ASKPASS with
 * SSH_ASKPASS_REQUIRE=force, OpenSSH 8.4+), a fixed script in a private directory that
 * answers only password and passphrase prompts from the secret in ssh's own environment
 * (never argv, never a file), and a password only ever goes to the host key the caller
 * verified (StrictHostKeyChecking=yes against that key alone).
 */
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AlgorithmLists } from '../core/algorithms';
import { isProtocolMarker } from '../core/algorithms';
import type { NegotiatedAlgorithms, OpenSshProblemKind, UntestedCause } from '../core/model';
import { cancelledError, isDeadline } from '../core/cancel';
import { now, since } from './abort';
import { minimalEnv } from './childEnv';
import { blobKeyType, sha256Fingerprint } from './knownHosts';

const INFO_TIMEOUT_MS = 3000;
const MAX_STDERR = 512 * 1024;

/** `CVM_DOCTOR_OPENSSH`: `off` disables the system OpenSSH (the Local layer's `ssh -G` and
 *  the second opinion); a path picks the `ssh` binary. `configured`: the extension's
 *  setting for the binary, used unless the variable says `off`. */
export function opensshExecutable(configured?: string): string | undefined {
  const v = (process.env.CVM_DOCTOR_OPENSSH ?? '').trim();
  if (v.toLowerCase() === 'off') return undefined;
  return configured?.trim() || v || 'ssh';
}

export interface OpenSshInfo {
  /** e.g. "OpenSSH_9.2p1". */
  version: string;
  /** `ssh -Q`: everything it can be told to use. */
  supported: AlgorithmLists;
  /** `ssh -G -F none`: what it offers when nothing says otherwise. */
  defaults: AlgorithmLists;
}
/** `reason` is English evidence; `kind` and `executable` are what a report says it from. */
export type OpenSshAvailability = { ok: true; info: OpenSshInfo } | { ok: false; reason: string; kind: OpenSshProblemKind; executable: string };

export interface ExecResult { code: number | string | null; stdout: string; stderr: string }

/** One bounded child (argv only, minimal environment, killed at `timeoutMs`: code SIGKILL).
 *  With `signal`: a deadline ends it as a timeout, a user cancel rejects with CancelledError. */
export function execBounded(file: string, args: string[], timeoutMs: number, signal?: AbortSignal): Promise<ExecResult> {
  if (signal?.aborted && !isDeadline(signal)) return Promise.reject(cancelledError(signal));
  return new Promise((resolve, reject) => {
    const child = execFile(file, args, {
      timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 1 << 20, env: minimalEnv(), windowsHide: true,
    }, (err, stdout, stderr) => {
      signal?.removeEventListener('abort', onAbort);
      if (signal?.aborted && !isDeadline(signal)) { reject(cancelledError(signal)); return; }
      const code = err ? ((err as NodeJS.ErrnoException).code ?? (err as { signal?: string }).signal ?? -1) : 0;
      resolve({ code: typeof code === 'number' || typeof code === 'string' ? code : -1, stdout: String(stdout), stderr: String(stderr) });
    });
    const onAbort = () => { try { child.kill('SIGKILL'); } catch { /* gone */ } };
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
  });
}

const lines = (text: string): string[] => text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !/\s/.test(l));

/** Parses `ssh -G` output: one `keyword value` per line. */
export function parseSshG(text: string): Partial<AlgorithmLists> {
  const out: Partial<AlgorithmLists> = {};
  const field: Record<string, keyof AlgorithmLists> = { kexalgorithms: 'kex', hostkeyalgorithms: 'serverHostKey', ciphers: 'cipher', macs: 'mac' };
  for (const line of text.split(/\r?\n/)) {
    const m = /^(\S+)\s+(\S+)$/.exec(line.trim());
    const f = m ? field[m[1].toLowerCase()] : undefined;
    if (m && f) out[f] = m[2].split(',').filter((a) => a && !isProtocolMarker(a));
  }
  return out;
}

const cache = new Map<string, Promise<OpenSshAvailability>>();

/** What the system OpenSSH supports and enables by default; cached per executable (a
 *  failure that may be transient, such as a timeout, is not cached). */
export function opensshInfo(configured?: string): Promise<OpenSshAvailability> {
  const exe = opensshExecutable(configured);
  if (!exe) return Promise.resolve({ ok: false, reason: 'disabled (CVM_DOCTOR_OPENSSH=off)', kind: 'disabled', executable: 'ssh' });
  const hit = cache.get(exe);
  if (hit) return hit;
  const run = queryInfo(exe);
  cache.set(exe, run);
  void run.then((r) => { if (!r.ok && r.kind === 'timeout') cache.delete(exe); });
  return run;
}

async function queryInfo(exe: string): Promise<OpenSshAvailability> {
  const q = (what: string) => execBounded(exe, ['-Q', what], INFO_TIMEOUT_MS);
  const [v, kex, hk, cipher, mac, g] = await Promise.all([
    execBounded(exe, ['-V'], INFO_TIMEOUT_MS), q('kex'), q('HostKeyAlgorithms'), q('cipher'), q('mac'),
    execBounded(exe, ['-G', '-F', 'none', '127.0.0.1'], INFO_TIMEOUT_MS),
  ]);
  const problem = (kind: OpenSshProblemKind, reason: string): OpenSshAvailability => ({ ok: false, reason, kind, executable: exe });
  if (v.code === 'ENOENT') return problem('not-found', `${exe} not found`);
  if (v.code === 'SIGKILL' || g.code === 'SIGKILL') return problem('timeout', `${exe} timed out`);
  const version = /\b(OpenSSH[_A-Za-z]*_[0-9][^\s,]*)/.exec(v.stderr + v.stdout)?.[1];
  if (!version) return problem('not-openssh', `${exe} -V does not name OpenSSH`);
  const hostKeys = hk.code === 0 ? hk : await q('key');
  const supported: AlgorithmLists = { kex: lines(kex.stdout), serverHostKey: lines(hostKeys.stdout), cipher: lines(cipher.stdout), mac: lines(mac.stdout) };
  const d = g.code === 0 ? parseSshG(g.stdout) : {};
  if (!d.kex || !d.serverHostKey || !d.cipher || !d.mac) return problem('no-lists', `${exe} -G -F none gave no algorithm lists (${version})`);
  return { ok: true, info: { version, supported, defaults: { kex: d.kex, serverHostKey: d.serverHostKey, cipher: d.cipher, mac: d.mac } } };
}

/** For tests: forget what was learned about the system ssh. */
export function resetOpenSshInfo(): void {
  cache.clear();
}

// ---------------------------------------------------------------------------------------------
// Giving ssh a password or passphrase: SSH_ASKPASS

/** Whether this OpenSSH can be given a secret through our askpass helper: not on Windows (the
 *  helper is a POSIX script) and not before OpenSSH 8.4 (SSH_ASKPASS_REQUIRE=force; older
 *  versions use askpass only without a terminal and with DISPLAY set). */
export function askpassSupport(version: string, platform: NodeJS.Platform = process.platform): { ok: true } | { ok: false; cause: Exclude<UntestedCause, 'askpass-failed'> } {
  if (platform === 'win32') return { ok: false, cause: 'windows' };
  const m = /OpenSSH[_A-Za-z]*?_(\d+)\.(\d+)/.exec(version);
  if (!m) return { ok: false, cause: 'openssh-old' };
  const major = Number(m[1]);
  const minor = Number(m[2]);
  return major > 8 || (major === 8 && minor >= 4) ? { ok: true } : { ok: false, cause: 'openssh-old' };
}

/**
 * The askpass helper, written as is (its text is a constant: nothing from the user or the
 * server is ever part of it). ssh runs it with the prompt as its only argument; it prints the
 * secret only for a password prompt (OpenSSH's own "user@host's password: ", or a
 * keyboard-interactive prompt that asks for a password and not for a code, a token or a
 * one-time password) or a passphrase prompt, and only when ssh's environment holds that
 * secret; anything else (a one-time code, a yes/no question, a confirmation, a PIN) gets exit
 * 1. It says on stderr, tagged with the run's random tag, which it answered or declined.
 */
export const ASKPASS_SCRIPT = `#!/bin/sh
# CVM Doctor's askpass helper for one ssh run (a fixed text: nothing in it comes from input).
t=\${CVMD_ASKPASS_TAG:-}
no() { echo "cvmd-askpass $t declined" >&2; exit 1; }
[ -z "\${SSH_ASKPASS_PROMPT:-}" ] || no
p=\${1:-}
case $p in
  *[Pp][Aa][Ss][Ss][Pp][Hh][Rr][Aa][Ss][Ee]*)
    [ -n "\${CVMD_ASKPASS_PASSPHRASE+set}" ] || no
    echo "cvmd-askpass $t answered passphrase" >&2
    printf '%s' "$CVMD_ASKPASS_PASSPHRASE"
    exit 0 ;;
esac
[ -n "\${CVMD_ASKPASS_PASSWORD+set}" ] || no
case $p in
  *"'s password: ") ;;
  *)
    # keyboard-interactive: the server's prompt after OpenSSH's "(user@host) "
    q=\${p#"("*") "}
    case $q in
      *[Cc][Oo][Dd][Ee]*|*[Tt][Oo][Kk][Ee][Nn]*|*[Oo][Tt][Pp]*|*[Vv][Ee][Rr][Ii][Ff][Ii][Cc][Aa][Tt][Ii][Oo][Nn]*) no ;;
      *[Oo][Nn][Ee]-[Tt][Ii][Mm][Ee]*|*[Oo][Nn][Ee]' '[Tt][Ii][Mm][Ee]*) no ;;
      *[Aa][Ss][Ss][Ww][Oo][Rr][Dd]*) ;;
      *) no ;;
    esac ;;
esac
echo "cvmd-askpass $t answered password" >&2
printf '%s' "$CVMD_ASKPASS_PASSWORD"
`;

/** The environment variables the helper reads its secrets from (ssh's child environment only). */
export const ASKPASS_ENV = { password: 'CVMD_ASKPASS_PASSWORD', passphrase: 'CVMD_ASKPASS_PASSPHRASE', tag: 'CVMD_ASKPASS_TAG' } as const;

// ---------------------------------------------------------------------------------------------

export type OpenSshStage = 'start' | 'connected' | 'ident' | 'kexinit' | 'hostkey' | 'newkeys' | 'auth';

/** What one `ssh -v` run showed, parsed from its log. */
export interface OpenSshLog {
  stage: OpenSshStage;
  algorithms?: NegotiatedAlgorithms;
  hostKey?: { type: string; fingerprint: string };
  /** After `none`: what the server offers. */
  authMethods?: string[];
  /** The method `Authenticated to … using "…"` names. */
  authenticated?: string;
  /** The key file the server accepted (`Server accepts key: FILE …`). */
  acceptedKey?: string;
  /** Methods ssh went on to (`Next authentication method: …`), in order. */
  methodsTried?: string[];
  /** Public keys ssh offered (`Offering public key: …`). */
  keysOffered?: number;
  /** The server ended the login: "Too many authentication failures" (MaxAuthTries). */
  tooManyFailures?: boolean;
  /** ssh refused the host key ("Host key verification failed."). */
  hostKeyFailed?: boolean;
  /** Set before parsing: the run's askpass tag (its helper's lines carry it). */
  askpassTag?: string;
  /** What the askpass helper did, in order: the secret it gave, or a prompt it declined. */
  askpass?: Array<'password' | 'passphrase' | 'declined'>;
  /** The run ended with `Permission denied (…)`. */
  denied?: boolean;
  /** `Unable to negotiate … no matching X found`: X. */
  noMatch?: string;
  closed?: boolean;
  /** The last line that is not debug output (ssh's own error message). */
  lastError?: string;
}

/** Folds one line of `ssh -v` stderr into `s`. Only fixed message shapes are read. */
export function parseOpenSshLine(s: OpenSshLog, raw: string): void {
  const line = raw.replace(/\r$/, '');
  let m: RegExpExecArray | null;
  const at = (stage: OpenSshStage) => {
    const order: OpenSshStage[] = ['start', 'connected', 'ident', 'kexinit', 'hostkey', 'newkeys', 'auth'];
    if (order.indexOf(stage) > order.indexOf(s.stage)) s.stage = stage;
  };
  if (/^debug1: Connection established\.$/.test(line)) at('connected');
  else if (/^debug1: Remote protocol version /.test(line)) at('ident');
  else if (/^debug1: SSH2_MSG_KEXINIT received$/.test(line)) at('kexinit');
  else if ((m = /^debug1: kex: algorithm: (\S+)$/.exec(line))) {
    if (m[1] !== '(no') s.algorithms = { ...(s.algorithms ?? emptyAlgorithms()), kex: m[1] };
  } else if ((m = /^debug1: kex: host key algorithm: (\S+)$/.exec(line))) {
    s.algorithms = { ...(s.algorithms ?? emptyAlgorithms()), serverHostKey: m[1] };
  } else if ((m = /^debug1: kex: client->server cipher: (\S+) MAC: (\S+) compression: (\S+)$/.exec(line))) {
    s.algorithms = { ...(s.algorithms ?? emptyAlgorithms()), cipher: m[1], mac: m[2] === '<implicit>' ? '' : m[2], compress: m[3] };
  } else if ((m = /^debug1: Server host key: (\S+) (SHA256:[A-Za-z0-9+/]+)$/.exec(line))) {
    s.hostKey = { type: m[1], fingerprint: m[2] };
    at('hostkey');
  } else if (/^debug1: SSH2_MSG_NEWKEYS received$/.test(line)) at('newkeys');
  else if ((m = /^debug1: Authentications that can continue: (\S*)$/.exec(line))) {
    if (s.authMethods === undefined) s.authMethods = m[1].split(',').filter(Boolean);
    at('auth');
  } else if ((m = /^debug1: Server accepts key: (\S+) /.exec(line))) {
    s.acceptedKey = m[1];
  } else if ((m = /^debug1: Next authentication method: ([a-z-]+)$/.exec(line))) {
    (s.methodsTried ??= []).push(m[1]);
  } else if (/^debug1: Offering public key: /.test(line)) {
    s.keysOffered = (s.keysOffered ?? 0) + 1;
  } else if (/^(Received disconnect from .*: ?2: )?Too many authentication failures/.test(line) || /^Received disconnect from .*Too many authentication failures/.test(line)) {
    s.tooManyFailures = true;
    s.lastError = line;
  } else if (/^Host key verification failed\.$/.test(line)) {
    s.hostKeyFailed = true;
    s.lastError = line;
  } else if ((m = /^cvmd-askpass (\S+) (answered password|answered passphrase|declined)$/.exec(line))) {
    // Only the helper knows the run's tag: a server's banner cannot forge these lines.
    if (s.askpassTag && m[1] === s.askpassTag) (s.askpass ??= []).push(m[2] === 'declined' ? 'declined' : m[2] === 'answered password' ? 'password' : 'passphrase');
  } else if ((m = /^Authenticated to \S+ \(.*\) using "([a-z-]+)"\.$/.exec(line))) {
    s.authenticated = m[1];
    at('auth');
  } else if ((m = /^\S+@\S+: Permission denied \(([a-z,-]*)\)\.$/.exec(line))) {
    s.denied = true;
    if (s.authMethods === undefined) s.authMethods = m[1].split(',').filter(Boolean);
    at('auth');
  } else if ((m = /^Unable to negotiate with .* no matching (.+?) found/.exec(line))) {
    s.noMatch = m[1];
    s.lastError = line;
  } else if (/^(Connection closed by|Connection reset by|kex_exchange_identification: )/.test(line)) {
    s.closed = true;
    s.lastError = line;
  } else if (!line.startsWith('debug') && !line.startsWith('Warning: Permanently added') && line.length > 0) {
    // The server's reason stays the message: "Disconnected from …" after it says less.
    if (!s.tooManyFailures && !s.hostKeyFailed) s.lastError = line;
  }
}

function emptyAlgorithms(): NegotiatedAlgorithms {
  return { kex: '', serverHostKey: '', cipher: '', mac: '', compress: '' };
}

export interface OpenSshRunOptions {
  address: string;
  port: number;
  user: string;
  /** The known_hosts name (`host` or `[host]:port`) ssh records the key under. */
  hostKeyAlias: string;
  /** Host key algorithms in the order to offer them (known_hosts types first). */
  hostKeyAlgorithms?: string[];
  /** `none`: learn the methods only. `publickey`: try these key files / agent keys (an
   *  encrypted key file with `passphrase`). `password`: the password, by the one method named
   *  (never both: each failure counts against MaxAuthTries and fail2ban). A secret reaches ssh
   *  only through the askpass helper (see `askpassSupport`; the caller checks it first). */
  auth: { kind: 'none' }
    | { kind: 'publickey'; identityFiles: string[]; agent?: { socket: string; publicKeys: string[] }; passphrase?: string }
    | { kind: 'password'; via: 'password' | 'keyboard-interactive'; password: string }
    /** The second opinion: what `ssh` itself would offer in batch mode (these key files, then
     *  every key of the agent, as OpenSSH does), never a password. */
    | { kind: 'batch'; identityFiles: string[]; agentSocket?: string };
  /** Check the host key against these known_hosts files as ssh does (StrictHostKeyChecking=
   *  yes, the system file too), instead of the throw-away file (the second opinion). */
  knownHostsFiles?: string[];
  /** The ssh binary (the extension's setting); default from CVM_DOCTOR_OPENSSH or PATH. */
  executable?: string;
  /** The host key the caller verified (known_hosts, or just accepted): ssh then accepts only
   *  this key (StrictHostKeyChecking=yes). Required for a password. */
  verifiedHostKey?: { blob: Buffer; algorithm: string };
  timeoutMs: number;
  signal: AbortSignal;
  log?: (line: string) => void;
}

export type OpenSshOutcome = 'ok' | 'kex-failed' | 'timeout' | 'closed' | 'error';
export interface OpenSshRun extends OpenSshLog {
  outcome: OpenSshOutcome;
  /** The host key as ssh recorded it in the throw-away known_hosts file. */
  hostKeyBlob?: Buffer;
  /** The run was ended by the timeout or the engine's deadline, not by ssh itself. */
  timedOut: boolean;
  durationMs: number;
}

/** Whether a run needs the askpass helper (a secret to give), rather than BatchMode. */
function secretOf(o: OpenSshRunOptions): { password?: string; passphrase?: string } | undefined {
  if (o.auth.kind === 'password') return { password: o.auth.password };
  if (o.auth.kind === 'publickey' && o.auth.passphrase !== undefined) return { passphrase: o.auth.passphrase };
  return undefined;
}

/** The argv of one diagnostic run (exported for tests: no option may run a command, and no
 *  secret is ever part of it). */
export function opensshArgs(o: OpenSshRunOptions, dir: string): string[] {
  const kh = path.join(dir, 'known_hosts');
  const secret = secretOf(o);
  const password = o.auth.kind === 'password' ? o.auth.via : undefined;
  const args = [
    '-F', 'none', '-v', '-N', '-T',
    // A run given a secret prompts, through the askpass helper only (SSH_ASKPASS_REQUIRE=force).
    '-o', secret ? 'BatchMode=no' : 'BatchMode=yes',
    ...(secret ? ['-o', 'NumberOfPasswordPrompts=1'] : []),
    // The second opinion honours the user's known_hosts (and the system's) as ssh does.
    ...(o.knownHostsFiles ? ['-o', 'StrictHostKeyChecking=yes', '-o', `UserKnownHostsFile=${o.knownHostsFiles.map(optionPath).join(' ')}`] : [
      '-o', o.verifiedHostKey ? 'StrictHostKeyChecking=yes' : 'StrictHostKeyChecking=no',
      '-o', `UserKnownHostsFile=${kh}`,
      '-o', `GlobalKnownHostsFile=${path.join(dir, 'global_known_hosts')}`,
    ]),
    '-o', `HostKeyAlias=${o.hostKeyAlias}`,
    '-o', 'CheckHostIP=no', '-o', 'HashKnownHosts=no', '-o', 'UpdateHostKeys=no',
    '-o', `ConnectTimeout=${Math.max(1, Math.ceil(o.timeoutMs / 1000))}`, '-o', 'ConnectionAttempts=1',
    '-o', 'ControlMaster=no', '-o', 'ControlPath=none', '-o', 'ProxyCommand=none', '-o', 'ProxyJump=none',
    '-o', 'PermitLocalCommand=no', '-o', 'ForwardAgent=no', '-o', 'ForwardX11=no', '-o', 'ClearAllForwardings=yes',
    '-o', `PasswordAuthentication=${password === 'password' ? 'yes' : 'no'}`,
    '-o', `KbdInteractiveAuthentication=${password === 'keyboard-interactive' ? 'yes' : 'no'}`, '-o', 'GSSAPIAuthentication=no',
    '-o', 'HostbasedAuthentication=no', '-o', 'AddKeysToAgent=no',
    // Batch with an agent: every agent key, as ssh offers them (the MaxAuthTries check).
    '-o', o.auth.kind === 'batch' && o.auth.agentSocket ? 'IdentitiesOnly=no' : 'IdentitiesOnly=yes',
  ];
  // A verified key: only its algorithm, so the server cannot present another key instead.
  if (o.verifiedHostKey) args.push('-o', `HostKeyAlgorithms=${o.verifiedHostKey.algorithm}`);
  else if (o.hostKeyAlgorithms?.length) args.push('-o', `HostKeyAlgorithms=${o.hostKeyAlgorithms.join(',')}`);
  if (o.auth.kind === 'none') {
    args.push('-o', 'PreferredAuthentications=none', '-o', 'PubkeyAuthentication=no', '-o', 'IdentityAgent=none');
  } else if (o.auth.kind === 'password') {
    args.push('-o', `PreferredAuthentications=${o.auth.via}`, '-o', 'PubkeyAuthentication=no', '-o', 'IdentityAgent=none');
  } else if (o.auth.kind === 'batch') {
    args.push('-o', 'PreferredAuthentications=publickey', '-o', 'PubkeyAuthentication=yes');
    args.push('-o', o.auth.agentSocket ? `IdentityAgent=${optionPath(o.auth.agentSocket)}` : 'IdentityAgent=none');
    for (const f of o.auth.identityFiles) args.push('-i', f);
  } else {
    args.push('-o', 'PreferredAuthentications=publickey', '-o', 'PubkeyAuthentication=yes');
    const agent = o.auth.agent;
    args.push('-o', agent ? `IdentityAgent=${agent.socket}` : 'IdentityAgent=none');
    for (const f of o.auth.identityFiles) args.push('-i', f);
    agent?.publicKeys.forEach((_k, i) => args.push('-i', path.join(dir, `agent-${i}.pub`)));
  }
  args.push('-p', String(o.port), '-l', o.user, o.address);
  return args;
}

/** A path inside an `-o Key=value` option: quoted when it has spaces (ssh splits the value). */
function optionPath(p: string): string {
  return /\s/.test(p) ? `"${p.replace(/"/g, '')}"` : p;
}

/** One bounded `ssh -v` run. Resolves (timeout on the deadline or at `timeoutMs`); rejects
 *  only with CancelledError on a user cancel. The child never outlives the call. */
export async function runOpenSsh(o: OpenSshRunOptions): Promise<OpenSshRun> {
  const start = now();
  const exe = opensshExecutable(o.executable);
  if (!exe) return { outcome: 'error', stage: 'start', lastError: 'OpenSSH disabled', timedOut: false, durationMs: since(start) };
  if (!net.isIP(o.address)) return { outcome: 'error', stage: 'start', lastError: `not an IP address: ${o.address}`, timedOut: false, durationMs: since(start) };
  const secret = secretOf(o);
  if (secret) {
    // The caller checks this first (and says why a secret was not tested); never run without it.
    const info = await opensshInfo(o.executable);
    const support = info.ok ? askpassSupport(info.info.version) : undefined;
    if (!support?.ok) return { outcome: 'error', stage: 'start', lastError: `askpass unavailable (${support?.cause ?? 'no OpenSSH'})`, timedOut: false, durationMs: since(start) };
  }
  // A password goes only to the host key the caller verified.
  if (o.auth.kind === 'password' && !o.verifiedHostKey) return { outcome: 'error', stage: 'start', lastError: 'no verified host key', timedOut: false, durationMs: since(start) };
  if (o.signal.aborted && !isDeadline(o.signal)) throw cancelledError(o.signal);
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'cvmd-ssh-'));
  try {
    await fs.chmod(dir, 0o700);
    const v = o.verifiedHostKey;
    await fs.writeFile(path.join(dir, 'known_hosts'), v ? `${o.hostKeyAlias} ${blobKeyType(v.blob)} ${v.blob.toString('base64')}\n` : '', { mode: 0o600 });
    if (o.auth.kind === 'publickey' && o.auth.agent) {
      await Promise.all(o.auth.agent.publicKeys.map((k, i) => fs.writeFile(path.join(dir, `agent-${i}.pub`), `${k}\n`, { mode: 0o600 })));
    }
    const log: OpenSshLog = { stage: 'start' };
    let env = minimalEnv();
    if (secret) {
      // The helper: a fixed text, owner-only (dir and file 0700), removed with the directory.
      const helper = path.join(dir, 'askpass');
      await fs.writeFile(helper, ASKPASS_SCRIPT, { mode: 0o700 });
      await fs.chmod(helper, 0o700);
      log.askpassTag = randomBytes(12).toString('hex');
      env = minimalEnv({
        SSH_ASKPASS: helper, SSH_ASKPASS_REQUIRE: 'force', [ASKPASS_ENV.tag]: log.askpassTag,
        ...(secret.password !== undefined ? { [ASKPASS_ENV.password]: secret.password } : {}),
        ...(secret.passphrase !== undefined ? { [ASKPASS_ENV.passphrase]: secret.passphrase } : {}),
      });
    }
    const { outcome, timedOut } = await spawnAndParse(exe, opensshArgs(o, dir), env, log, o);
    let hostKeyBlob: Buffer | undefined;
    if (log.hostKey) {
      const text = await fs.readFile(path.join(dir, 'known_hosts'), 'utf8').catch(() => '');
      for (const l of text.split('\n')) {
        const [, , b64] = l.trim().split(/\s+/);
        const blob = b64 ? Buffer.from(b64, 'base64') : undefined;
        // Trust the file only for the key the log named.
        if (blob && sha256Fingerprint(blob) === log.hostKey.fingerprint && blobKeyType(blob).length > 0) hostKeyBlob = blob;
      }
    }
    return { ...log, outcome, ...(hostKeyBlob ? { hostKeyBlob } : {}), timedOut, durationMs: since(start) };
  } finally {
    await fs.rm(dir, { recursive: true, force: true }).catch(() => undefined);
  }
}

function spawnAndParse(exe: string, args: string[], env: NodeJS.ProcessEnv, log: OpenSshLog, o: OpenSshRunOptions): Promise<{ outcome: OpenSshOutcome; timedOut: boolean }> {
  return new Promise((resolve, reject) => {
    let settled = false;
    let stopReason: 'timeout' | 'deadline' | 'cancel' | 'done' | undefined;
    let received = 0;
    let partial = '';
    const child = spawn(exe, args, { stdio: ['ignore', 'ignore', 'pipe'], env, windowsHide: true });
    const stop = (why: typeof stopReason, signal: NodeJS.Signals = 'SIGKILL') => {
      if (stopReason === undefined) stopReason = why;
      try { child.kill(signal); } catch { /* gone */ }
    };
    const timer = setTimeout(() => stop('timeout'), Math.max(1, o.timeoutMs));
    const onAbort = () => stop(isDeadline(o.signal) ? 'deadline' : 'cancel');
    if (o.signal.aborted) onAbort();
    else o.signal.addEventListener('abort', onAbort, { once: true });
    const feed = (line: string) => {
      o.log?.(`openssh: ${line}`);
      parseOpenSshLine(log, line);
      // A login that worked has shown what it had to: end the session (nothing runs, -N).
      if (log.authenticated && stopReason === undefined) stop('done', 'SIGTERM');
    };
    child.stderr?.on('data', (d: Buffer) => {
      received += d.length;
      if (received > MAX_STDERR) { stop('timeout'); return; }
      partial += d.toString('latin1');
      const parts = partial.split('\n');
      partial = parts.pop() ?? '';
      for (const p of parts) feed(p);
    });
    const finish = (spawnError?: NodeJS.ErrnoException) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      o.signal.removeEventListener('abort', onAbort);
      if (partial) feed(partial);
      if (stopReason === 'cancel') { reject(cancelledError(o.signal)); return; }
      if (spawnError) { log.lastError = `${exe}: ${spawnError.code ?? spawnError.message}`; resolve({ outcome: 'error', timedOut: false }); return; }
      resolve({ outcome: outcomeOf(log, stopReason), timedOut: stopReason === 'timeout' || stopReason === 'deadline' });
    };
    child.once('error', (e) => finish(e as NodeJS.ErrnoException));
    child.once('close', () => finish());
  });
}

function outcomeOf(log: OpenSshLog, stop: 'timeout' | 'deadline' | 'cancel' | 'done' | undefined): OpenSshOutcome {
  if (log.noMatch) return 'kex-failed';
  // Authentication reached: the handshake is complete whatever happened next.
  if (log.stage === 'auth' || log.authenticated || log.denied) return 'ok';
  if (stop === 'timeout' || stop === 'deadline') return 'timeout';
  if (/timed out/i.test(log.lastError ?? '')) return 'timeout';
  if (log.closed || log.stage !== 'start') return 'closed';
  return 'error';
}
