/**
 * The system OpenSSH client as a second opinion, for servers CVM Doctor's own SSH library
 * (ssh2) cannot negotiate with (post-quantum-only key exchanges, for example):
 *
 * - `opensshInfo()`: what this `ssh` supports (`ssh -Q`) and enables by default (`ssh -G`),
 *   asked once per process;
 * - `runOpenSsh()`: one bounded `ssh -v` handshake to the probed address that reports the
 *   negotiated algorithms, the host key (its blob, from a throw-away known_hosts file), the
 *   offered auth methods and, when asked, whether a public key login works.
 *
 * Always argv (never a shell), a minimal environment, no configuration files (`-F none`: no
 * ProxyCommand, Match exec or LocalCommand can run), BatchMode (never a prompt), a timeout,
 * and the child killed on cancel. The user's own known_hosts is never handed to ssh: the
 * host key is checked by the caller, with the same code as for ssh2.
 */
import { execFile, spawn } from 'node:child_process';
import * as fs from 'node:fs/promises';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AlgorithmLists } from '../core/algorithms';
import { isProtocolMarker } from '../core/algorithms';
import type { NegotiatedAlgorithms, OpenSshProblemKind } from '../core/model';
import { cancelledError, isDeadline } from '../core/cancel';
import { now, since } from './abort';
import { minimalEnv } from './childEnv';
import { blobKeyType, sha256Fingerprint } from './knownHosts';

const INFO_TIMEOUT_MS = 3000;
const MAX_STDERR = 512 * 1024;

/** `CVM_DOCTOR_OPENSSH`: `off` disables the second opinion; a path picks the `ssh` binary. */
export function opensshExecutable(): string | undefined {
  const v = (process.env.CVM_DOCTOR_OPENSSH ?? '').trim();
  if (v.toLowerCase() === 'off') return undefined;
  return v || 'ssh';
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

interface ExecResult { code: number | string | null; stdout: string; stderr: string }

function execBounded(file: string, args: string[], timeoutMs: number): Promise<ExecResult> {
  return new Promise((resolve) => {
    execFile(file, args, {
      timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 1 << 20, env: minimalEnv(), windowsHide: true,
    }, (err, stdout, stderr) => {
      const code = err ? ((err as NodeJS.ErrnoException).code ?? (err as { signal?: string }).signal ?? -1) : 0;
      resolve({ code: typeof code === 'number' || typeof code === 'string' ? code : -1, stdout: String(stdout), stderr: String(stderr) });
    });
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
export function opensshInfo(): Promise<OpenSshAvailability> {
  const exe = opensshExecutable();
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
    s.lastError = line;
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
  /** `none`: learn the methods only. `publickey`: try these key files / agent keys. */
  auth: { kind: 'none' } | { kind: 'publickey'; identityFiles: string[]; agent?: { socket: string; publicKeys: string[] } };
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

/** The argv of one diagnostic run (exported for tests: no option may run a command). */
export function opensshArgs(o: OpenSshRunOptions, dir: string): string[] {
  const kh = path.join(dir, 'known_hosts');
  const args = [
    '-F', 'none', '-v', '-N', '-T',
    '-o', 'BatchMode=yes',
    '-o', 'StrictHostKeyChecking=no',
    '-o', `UserKnownHostsFile=${kh}`,
    '-o', `GlobalKnownHostsFile=${path.join(dir, 'global_known_hosts')}`,
    '-o', `HostKeyAlias=${o.hostKeyAlias}`,
    '-o', 'CheckHostIP=no', '-o', 'HashKnownHosts=no', '-o', 'UpdateHostKeys=no',
    '-o', `ConnectTimeout=${Math.max(1, Math.ceil(o.timeoutMs / 1000))}`, '-o', 'ConnectionAttempts=1',
    '-o', 'ControlMaster=no', '-o', 'ControlPath=none', '-o', 'ProxyCommand=none', '-o', 'ProxyJump=none',
    '-o', 'PermitLocalCommand=no', '-o', 'ForwardAgent=no', '-o', 'ForwardX11=no', '-o', 'ClearAllForwardings=yes',
    '-o', 'PasswordAuthentication=no', '-o', 'KbdInteractiveAuthentication=no', '-o', 'GSSAPIAuthentication=no',
    '-o', 'HostbasedAuthentication=no', '-o', 'AddKeysToAgent=no', '-o', 'IdentitiesOnly=yes',
  ];
  if (o.hostKeyAlgorithms?.length) args.push('-o', `HostKeyAlgorithms=${o.hostKeyAlgorithms.join(',')}`);
  if (o.auth.kind === 'none') {
    args.push('-o', 'PreferredAuthentications=none', '-o', 'PubkeyAuthentication=no', '-o', 'IdentityAgent=none');
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

/** One bounded `ssh -v` run. Resolves (timeout on the deadline or at `timeoutMs`); rejects
 *  only with CancelledError on a user cancel. The child never outlives the call. */
export async function runOpenSsh(o: OpenSshRunOptions): Promise<OpenSshRun> {
  const start = now();
  const exe = opensshExecutable();
  if (!exe) return { outcome: 'error', stage: 'start', lastError: 'OpenSSH disabled', timedOut: false, durationMs: since(start) };
  if (!net.isIP(o.address)) return { outcome: 'error', stage: 'start', lastError: `not an IP address: ${o.address}`, timedOut: false, durationMs: since(start) };
  if (o.signal.aborted && !isDeadline(o.signal)) throw cancelledError(o.signal);
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'cvmd-ssh-'));
  try {
    await fs.chmod(dir, 0o700);
    await fs.writeFile(path.join(dir, 'known_hosts'), '', { mode: 0o600 });
    if (o.auth.kind === 'publickey' && o.auth.agent) {
      await Promise.all(o.auth.agent.publicKeys.map((k, i) => fs.writeFile(path.join(dir, `agent-${i}.pub`), `${k}\n`, { mode: 0o600 })));
    }
    const log: OpenSshLog = { stage: 'start' };
    const { outcome, timedOut } = await spawnAndParse(exe, opensshArgs(o, dir), log, o);
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

function spawnAndParse(exe: string, args: string[], log: OpenSshLog, o: OpenSshRunOptions): Promise<{ outcome: OpenSshOutcome; timedOut: boolean }> {
  return new Promise((resolve, reject) => {
    let settled = false;
    let stopReason: 'timeout' | 'deadline' | 'cancel' | 'done' | undefined;
    let received = 0;
    let partial = '';
    const child = spawn(exe, args, { stdio: ['ignore', 'ignore', 'pipe'], env: minimalEnv(), windowsHide: true });
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
