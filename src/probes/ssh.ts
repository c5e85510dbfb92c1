/**
 * SSH stage on the connection the banner stage peeked at: key exchange, host key against
 * known_hosts, the offered auth methods (learned with `none`), and an optional login.
 * A password is only ever sent to a host whose key matches known_hosts (or was just accepted
 * with accept-new); keys and agents may be tried on an unknown host because no secret leaves
 * the machine.
 *
 * The server's KEXINIT is read from the connection itself (kexinit.ts). When ssh2 cannot
 * agree with the server but the system OpenSSH can (post-quantum-only key exchanges), the
 * diagnosis is finished with OpenSSH (openssh.ts) and the result says so: the server is
 * never blamed for a gap of our own library.
 */
import { createHash } from 'crypto';
import {
  BaseAgent, Client, createAgent, utils,
  type AuthenticationType, type NextAuthHandler, type ParsedKey, type Prompt,
} from 'ssh2';
import { analyseNegotiation, isLegacyAlgorithm, type AlgorithmLists } from '../core/algorithms';
import type {
  Credentials, HandshakeOutcome, HostKeyInfo, KeyErrorKind, LoginMethod, LoginOutcome, LoginReasonKind, NegotiatedAlgorithms, SshResult,
  UntestedCredential,
} from '../core/model';
import type { OpenConnection, ProbeOptions, SshContext } from '../core/probeContract';
import { cancelledError, isDeadline } from '../core/cancel';
import { guarded, now, since } from './abort';
import { TcpConnection } from './connection';
import { appendKnownHostsLine, readFileBounded } from './files';
import { KexinitTap, type ServerKexinit } from './kexinit';
import {
  blobKeyType, hostKeyInfo, hostKeyName, knownHostsLineFor, loadKnownHosts, preferKnownHostKeyTypes, sha256Fingerprint,
  type KnownHostsLookup,
} from './knownHosts';
import { listAgentIdentities } from './agent';
import { Ssh2JumpSession } from './jumpSession';
import { askpassSupport, opensshInfo, runOpenSsh, type OpenSshRun } from './openssh';
import { READINESS_BUDGET_MS, runReadiness } from './readiness';

const MAX_KEY_FILE = 1024 * 1024;
/** Slack over ssh2's own readyTimeout, so its error (with its level) is what we report. */
const GUARD_SLACK_MS = 50;
/**
 * ssh-agent keys offered besides the configured identity. sshd closes the connection after
 * MaxAuthTries (default 6) failures and fail2ban counts each one: OpenSSH offers every agent
 * key, which locks out users with many keys. Identity first, then at most this many.
 */
export const MAX_AGENT_KEYS = 3;
/** Keyboard-interactive rounds answered before giving up (a server that keeps asking). */
const MAX_KBD_ROUNDS = 3;

/** ssh2's own default lists: what it offers (the probe passes no other). */
const SSH2 = require('ssh2/lib/protocol/constants') as {
  DEFAULT_KEX: string[]; DEFAULT_SERVER_HOST_KEY: string[]; DEFAULT_CIPHER: string[]; DEFAULT_MAC: string[];
};

interface KeyMaterial {
  key?: ParsedKey;
  /** The file needed a passphrase (OpenSSH in batch mode cannot use it). */
  encrypted?: boolean;
  error?: string;
  kind?: KeyErrorKind;
  /** The identity file, when the key was read from one. */
  file?: string;
  /** kind unreadable: the error code. */
  code?: string;
  /** kind not-a-key: the parser's own message. */
  message?: string;
}

/**
 * Decrypting a key (bcrypt-pbkdf, in JavaScript) blocks the event loop for a long moment — on
 * a loaded or slow machine longer than a probe's timeout — and every timer that expired
 * meanwhile fires before the sockets are read: a sweep or a reachability round would see
 * silent ports that answered. So one key with one passphrase is parsed once per process for a
 * while (the decrypted key stays in memory, as ssh2 keeps it during a login anyway), and the
 * time it took is never counted against the server (probeSsh starts its budget afterwards).
 */
const PARSED_KEYS = new Map<string, { at: number; value: ParsedKey | Error }>();
const PARSED_KEY_TTL_MS = 5 * 60_000;
const PARSED_KEY_MAX = 8;

function parseKeyOnce(data: Buffer | string, passphrase: string | undefined): ParsedKey | Error {
  const h = (v: Buffer | string) => createHash('sha256').update(v).digest('hex');
  const id = `${h(data)}:${passphrase === undefined ? '-' : h(passphrase)}`;
  const hit = PARSED_KEYS.get(id);
  if (hit && performance.now() - hit.at < PARSED_KEY_TTL_MS) return hit.value;
  let value: ParsedKey | Error;
  try {
    const p = utils.parseKey(data, passphrase) as ParsedKey | ParsedKey[] | Error;
    value = Array.isArray(p) ? p[0] as ParsedKey : p;
  } catch (e) {
    value = e instanceof Error ? e : new Error(String(e));
  }
  PARSED_KEYS.delete(id);
  PARSED_KEYS.set(id, { at: performance.now(), value });
  while (PARSED_KEYS.size > PARSED_KEY_MAX) PARSED_KEYS.delete(PARSED_KEYS.keys().next().value as string);
  return value;
}

/** Parses (and decrypts) the credentials' key now, outside any probe's timing: a sweep calls
 *  it once before it starts, so no diagnosis blocks the others' timers while decrypting. */
export async function prepareKey(c: Credentials | undefined, timeoutMs = 5000): Promise<void> {
  await loadKey(c, { timeoutMs, signal: new AbortController().signal });
}

async function loadKey(c: Credentials | undefined, o: { timeoutMs: number; signal: AbortSignal }): Promise<KeyMaterial | undefined> {
  if (!c || (c.privateKey === undefined && c.identityFile === undefined)) return undefined;
  let data: Buffer | string;
  const name = c.identityFile ?? 'the private key';
  if (c.privateKey !== undefined) {
    data = c.privateKey;
  } else {
    const r = await readFileBounded(c.identityFile as string, { maxBytes: MAX_KEY_FILE, ...o });
    if (!r.ok) {
      const why = r.code === 'EFBIG' ? 'it is too large to be a key' : r.code === 'ETIMEDOUT' ? `reading it timed out after ${o.timeoutMs} ms` : r.code;
      return { error: `cannot read ${name}: ${why}`, kind: 'unreadable', file: c.identityFile, code: r.code };
    }
    data = r.value;
  }
  const parse = (passphrase?: string): ParsedKey | Error => parseKeyOnce(data, passphrase);
  const isEncryptedError = (e: Error) => /encrypted|passphrase|decrypt|bad decrypt/i.test(e.message);
  const file = c.identityFile !== undefined ? { file: c.identityFile } : {};
  const parsed = parse(c.passphrase);
  if (parsed instanceof Error) {
    if (isEncryptedError(parsed)) {
      return c.passphrase
        ? { encrypted: true, kind: 'bad-passphrase', error: `${name} could not be decrypted with the given passphrase`, ...file }
        : { encrypted: true, kind: 'encrypted', error: `${name} is encrypted and no passphrase was given`, ...file };
    }
    return { kind: 'not-a-key', error: `${name} is not a private key SSH can read (OpenSSH, PEM or PuTTY format): ${parsed.message}`, message: parsed.message, ...file };
  }
  if (!parsed.isPrivateKey()) return { kind: 'public-key', error: `${name} is a public key, not a private key`, ...file };
  const encrypted = c.passphrase !== undefined && parse(undefined) instanceof Error;
  return { key: parsed, encrypted };
}

interface AgentKeys {
  socket: string; keys: ParsedKey[]; available: number; error?: string;
  /** Why `error`: no answer within `timeoutMs`, the diagnosis's deadline, or the agent's message. */
  untested?: UntestedCredential;
}

/** What every login result says about an identity file that could not be used. */
function keyFacts(k: KeyMaterial | undefined): Partial<SshResult['login']> {
  if (!k?.error) return {};
  return {
    keyError: k.error, ...(k.kind ? { keyErrorKind: k.kind } : {}), ...(k.file !== undefined ? { keyFile: k.file } : {}),
    ...(k.code ? { keyErrorCode: k.code } : {}), ...(k.message ? { keyErrorMessage: k.message } : {}),
  };
}

/** The ssh-agent that could not be asked, as every login result reports it. */
function agentUntested(a: AgentKeys | undefined): Partial<SshResult['login']> {
  if (!a?.error) return {};
  return { notTested: `the ssh-agent keys (${a.error})`, ...(a.untested ? { untested: [a.untested] } : {}) };
}

/** The one kind of a reason made of notes (an unusable key, untested credentials, a withheld
 *  password), or unused-credentials when there are several. */
function notesKind(kinds: Array<LoginReasonKind | false | undefined>): LoginReasonKind | undefined {
  const k = kinds.filter((x): x is LoginReasonKind => !!x);
  return k.length === 0 ? undefined : k.length === 1 ? k[0] : 'unused-credentials';
}

/** The agent's keys, minus the identity itself, bounded to MAX_AGENT_KEYS. */
async function loadAgentKeys(socket: string, identity: ParsedKey | undefined, o: { timeoutMs: number; signal: AbortSignal }): Promise<AgentKeys> {
  const listed = await listAgentIdentities(socket, o);
  if (!('keys' in listed)) return { socket, keys: [], available: 0, ...listed };
  const own = identity?.getPublicSSH();
  const others = listed.keys.filter((k) => !own || !k.getPublicSSH().equals(own));
  return { socket, keys: others.slice(0, MAX_AGENT_KEYS), available: others.length };
}

/** Offers only the chosen keys of a real agent; signing goes to the agent. */
class BoundedAgent extends BaseAgent<ParsedKey> {
  constructor(private readonly inner: BaseAgent, private readonly keys: ParsedKey[]) { super(); }
  getIdentities(cb: (err: Error | undefined, keys?: ParsedKey[]) => void): void { cb(undefined, this.keys); }
  sign(pubKey: ParsedKey, data: Buffer, options: unknown, cb?: unknown): void {
    (this.inner.sign as (...a: unknown[]) => void)(pubKey, data, options, cb);
  }
}

/** A keyboard-interactive prompt that asks for the account's password (not a one-time code). */
export function isPasswordPrompt(p: Prompt): boolean {
  return !p.echo && /pass(word|phrase)?\b|password|암호|비밀번호/i.test(p.prompt) && !/(code|token|otp|verification|one[- ]time)/i.test(p.prompt);
}

/** The bound on reading the user's known_hosts and key files within a probe of `timeoutMs`. */
export function fileTimeoutMs(timeoutMs: number): number {
  return Math.min(2000, Math.max(100, Math.round(timeoutMs / 2)));
}

function traceEnabled(): boolean {
  const v = process.env.CVM_DOCTOR_TRACE;
  return v !== undefined && v !== '' && v !== '0';
}

function ssh2Lists(hostKeyOrder: string[]): AlgorithmLists {
  return { kex: SSH2.DEFAULT_KEX, serverHostKey: hostKeyOrder, cipher: SSH2.DEFAULT_CIPHER, mac: SSH2.DEFAULT_MAC };
}

function serverLists(k: ServerKexinit): SshResult['serverAlgorithms'] {
  return { kex: k.kex, serverHostKey: k.serverHostKey, cipher: k.cipher, mac: k.mac };
}

/** `openssh`: the system ssh binary to fall back on (the extension's setting). */
export async function probeSsh(conn: OpenConnection, ctx: SshContext, o: ProbeOptions, opensshPath?: string): Promise<SshResult> {
  if (!(conn instanceof TcpConnection)) throw new TypeError('ssh: not a connection from tcp()');
  const start = now();
  const creds = ctx.credentials;
  let lookup: KnownHostsLookup;
  let keyMat: KeyMaterial | undefined;
  let agentKeys: AgentKeys | undefined;
  // A local file reads in microseconds: a hung network home must not eat the probe's budget.
  const fileBound = { timeoutMs: fileTimeoutMs(o.timeoutMs), signal: o.signal };
  try {
    [lookup, keyMat] = await Promise.all([
      loadKnownHosts(ctx.knownHostsPath, ctx.host, ctx.address, ctx.port, fileBound),
      loadKey(creds, fileBound),
    ]);
    if (creds?.agent) agentKeys = await loadAgentKeys(creds.agent, keyMat?.key, fileBound);
  } catch (e) {
    conn.close();
    throw e;
  }
  if (o.signal.aborted && !isDeadline(o.signal)) { conn.close(); throw cancelledError(o.signal); }

  const hostKeyOrder = preferKnownHostKeyTypes(SSH2.DEFAULT_SERVER_HOST_KEY, lookup);
  // The server's budget starts now: reading and decrypting our own key is local work.
  const first = await ssh2Phase(conn, ctx, o, { start: now(), lookup, keyMat, agentKeys, hostKeyOrder });
  const { result, kexinit } = first;
  if (kexinit) result.serverAlgorithms = serverLists(kexinit);

  const negotiatedLegacy = result.algorithms && [result.algorithms.kex, result.algorithms.serverHostKey, result.algorithms.cipher, result.algorithms.mac].some(isLegacyAlgorithm);
  if (kexinit && (result.handshake === 'kex-failed' || negotiatedLegacy)) {
    // Which client here can agree? Asked only when ssh2 could not, or agreed on a legacy
    // algorithm that the user's own OpenSSH may refuse.
    const info = await opensshInfo(opensshPath);
    result.negotiation = analyseNegotiation({
      server: serverLists(kexinit) as NonNullable<SshResult['serverAlgorithms']>,
      ssh2: ssh2Lists(hostKeyOrder),
      ...(info.ok ? { openssh: info.info } : { opensshUnavailable: info.reason, opensshProblem: { kind: info.kind, executable: info.executable } }),
    });
    const openssh = result.negotiation.openssh;
    if (result.handshake === 'kex-failed' && info.ok && openssh && openssh.missing.length === 0 && ctx.via === undefined) {
      // Through a bastion OpenSSH would connect from here, not through the channel: not asked.
      const viaOpenSsh = await finishWithOpenSsh(ctx, o, { lookup, keyMat, agentKeys, defaults: info.info.defaults.serverHostKey, version: info.info.version, openssh: opensshPath });
      return { ...viaOpenSsh, serverAlgorithms: result.serverAlgorithms, negotiation: result.negotiation, durationMs: since(start) };
    }
  }
  if (result.handshake === 'kex-failed' && !kexinit && ctx.via === undefined) {
    // ssh2 disagreed but the server's offer could not be read here: let OpenSSH try rather
    // than blame the server for what may be ssh2's gap.
    const info = await opensshInfo(opensshPath);
    if (info.ok) {
      const viaOpenSsh = await finishWithOpenSsh(ctx, o, { lookup, keyMat, agentKeys, defaults: info.info.defaults.serverHostKey, version: info.info.version, openssh: opensshPath });
      if (viaOpenSsh.handshake !== 'kex-failed') return { ...viaOpenSsh, durationMs: since(start) };
    }
  }
  return { ...result, durationMs: since(start) };
}

interface Prepared {
  start: number;
  lookup: KnownHostsLookup;
  keyMat?: KeyMaterial;
  agentKeys?: AgentKeys;
  hostKeyOrder: string[];
}

/** Whether a password may be sent: the key is confirmed by known_hosts, or was just accepted. */
function passwordAllowed(k: HostKeyInfo | undefined): boolean {
  return !!k && (k.status === 'match' || (k.status === 'unknown' && k.added === true));
}

function ssh2Phase(conn: TcpConnection, ctx: SshContext, o: ProbeOptions, p: Prepared): Promise<{ result: SshResult; kexinit?: ServerKexinit }> {
  const { start, lookup, keyMat, agentKeys } = p;
  const creds = ctx.credentials;
  const secrets = [creds?.password, creds?.passphrase].filter((s): s is string => typeof s === 'string' && s.length > 0);
  const trace = traceEnabled() && o.log ? o.log : undefined;
  const client = new Client();
  const socket = conn.socket;
  const tap = new KexinitTap();

  let handshakeOk = false;
  let algorithms: NegotiatedAlgorithms | undefined;
  let hostKey: HostKeyInfo | undefined;
  let authMethods: string[] | undefined;
  const tried: LoginMethod[] = [];
  const prompts: string[] = [];
  let current: LoginMethod | undefined;
  let passwordWithheld = false;
  let kbdRounds = 0;
  /** The session was handed to ctx.keepSession: cleanup leaves it open. */
  let kept = false;
  const remaining = Math.max(1, o.timeoutMs - (now() - start));
  /** Set once logged in with readiness checks to run: the session is theirs from then on. */
  let readinessLogin: SshResult['login'] | undefined;
  const sessionEnded = new AbortController();

  // The plan: what the user's credentials allow, in OpenSSH's order (identity, agent, password).
  const plan: LoginMethod[] = [];
  if (keyMat?.key) plan.push('publickey');
  if (agentKeys && agentKeys.keys.length > 0) plan.push('agent');
  if (creds?.password !== undefined) plan.push('password');
  // An empty agent is no credential (the extension passes SSH_AUTH_SOCK whenever it is set).
  // An agent that cannot be reached is reported as not tested (the extension passes
  // SSH_AUTH_SOCK whenever it is set, and a stale one is common): never as rejected.
  const wanted = plan.length > 0 || keyMat?.error !== undefined;
  const planned = [...plan];

  const result = (handshake: HandshakeOutcome, login: SshResult['login'], extra: Partial<SshResult> = {}): { result: SshResult; kexinit?: ServerKexinit } => ({
    result: {
      handshake,
      client: 'ssh2',
      ...(algorithms ? { algorithms } : {}),
      ...(hostKey ? { hostKey } : {}),
      ...(authMethods ? { authMethods } : {}),
      login,
      ...extra,
      durationMs: since(start),
    },
    ...(tap.kexinit ? { kexinit: tap.kexinit } : {}),
  });

  /** Facts about the credentials that every login result carries. */
  const loginFacts = (): Partial<SshResult['login']> => ({
    ...(planned.length ? { planned: [...planned] } : {}),
    ...(passwordWithheld ? { passwordWithheld: true } : {}),
    ...keyFacts(keyMat),
    ...(agentKeys ? { agentKeys: { offered: agentKeys.keys.length, available: agentKeys.available } } : {}),
    ...(prompts.length ? { prompts: [...prompts] } : {}),
    ...agentUntested(agentKeys),
  });

  /** The login verdict once nothing more will be tried. */
  const loginEnd = (): SshResult['login'] => {
    const offered = authMethods ?? [];
    const withheld = passwordWithheld ? 'password not sent: the host key is not confirmed by known_hosts' : undefined;
    const facts = loginFacts();
    if (!wanted) return { outcome: 'not-attempted', tried: [], reason: 'no credentials given', reasonKind: 'no-credentials', ...agentUntested(agentKeys) };
    if (tried.length > 0) {
      const why = [keyMat?.error, agentKeys?.error, withheld].filter(Boolean).join('; ');
      const kind = notesKind([!!keyMat?.error && 'key-unusable', !!agentKeys?.error && 'not-tested', !!withheld && 'password-withheld']);
      return { outcome: 'rejected', tried: [...tried], ...(why ? { reason: why } : {}), ...(kind ? { reasonKind: kind } : {}), ...facts };
    }
    if (withheld) return { outcome: 'not-attempted', tried: [], reason: withheld, reasonKind: 'password-withheld', ...facts };
    if (keyMat?.error) return { outcome: 'key-unusable', tried: [], reason: keyMat.error, reasonKind: 'key-unusable', ...facts };
    return {
      outcome: 'method-unavailable', tried: [], ...facts,
      reason: `server offers ${offered.length ? offered.join(', ') : 'no methods'}; credentials given: ${planned.join(', ') || 'an empty ssh-agent'}`,
      reasonKind: 'method-unavailable',
    };
  };

  const stalled = (): 'kexinit' | 'kex' => (tap.kexinit ? 'kex' : 'kexinit');
  const authStalled = (why: string, kind: 'auth-timeout' | 'deadline') => result('ok', {
    outcome: 'timeout', tried: [...tried], ...loginFacts(),
    reason: `${why}${tried.includes('password') || tried.includes('keyboard-interactive') ? ' (the password was sent: whether it is right is unknown)' : ''}`,
    reasonKind: kind,
  }, { stall: 'auth' });

  const errorOf = (err: Error & { level?: string; code?: unknown }): SshResult['error'] => ({
    ...(err.level ? { level: err.level } : {}),
    ...(err.code !== undefined ? { code: String(err.code) } : {}),
    message: err.message,
  });

  // The readiness checks bound themselves (READINESS_BUDGET_MS); the guard leaves them room.
  const guardMs = remaining + GUARD_SLACK_MS + (ctx.readiness ? READINESS_BUDGET_MS : 0);
  return guarded<{ result: SshResult; kexinit?: ServerKexinit }>({ timeoutMs: guardMs, signal: o.signal }, {
    onTimeout: () => (readinessLogin ? result('ok', readinessLogin) : handshakeOk
      ? authStalled('the server stopped answering during authentication', 'auth-timeout')
      : result('timeout', { outcome: 'not-attempted', tried: [], reason: 'handshake did not complete', reasonKind: 'handshake-failed' },
        { stall: stalled(), error: { level: 'client-timeout', message: 'Timed out while waiting for handshake' } })),
    onDeadline: (d) => (readinessLogin ? result('ok', readinessLogin) : handshakeOk
      ? authStalled(`stopped at ${d.message}`, 'deadline')
      : result('timeout', { outcome: 'not-attempted', tried: [], reason: `stopped at ${d.message}`, reasonKind: 'deadline' }, { stall: stalled() })),
    cleanup: () => {
      sessionEnded.abort();
      socket.removeListener('data', tap.onData);
      if (kept) return;
      try { client.end(); } catch { /* already closed */ }
      conn.close();
    },
  }, (settle) => {
    if (conn.lastError || conn.ended || socket.destroyed) {
      // `error` only for the socket's own error: our sentence is in `reason` (with its kind).
      settle(result('closed', { outcome: 'not-attempted', tried: [], reason: 'connection closed before the handshake', reasonKind: 'closed-before-handshake' },
        conn.lastError ? { error: { code: conn.lastError.code, message: conn.lastError.message } } : {}));
      return;
    }

    const hostVerifier = (key: Buffer, verify: (ok: boolean) => void): void => {
      const info = hostKeyInfo(key, lookup);
      hostKey = info;
      if (info.status === 'mismatch' || info.status === 'revoked') { verify(false); return; }
      if (info.status === 'unknown' && ctx.acceptNew) {
        // accept-new: record it as OpenSSH would, then go on as if it had been known.
        appendKnownHostsLine(lookup.path, knownHostsLineFor(ctx.host, ctx.port, key), { timeoutMs: remaining, signal: o.signal }).then((w) => {
          hostKey = w.ok ? { ...info, added: true } : { ...info, addError: w.code };
          verify(true);
        }, () => verify(false));
        return;
      }
      verify(true);
    };

    const answerPrompts = (_name: string, _instructions: string, _lang: string, ps: Prompt[], finish: (answers: string[]) => void): void => {
      kbdRounds++;
      for (const q of ps.slice(0, 5)) if (prompts.length < 8) prompts.push(q.prompt.slice(0, 120));
      const password = creds?.password ?? '';
      finish(ps.map((q) => (kbdRounds <= MAX_KBD_ROUNDS && isPasswordPrompt(q) ? password : '')));
    };

    const authHandler = (methodsLeft: AuthenticationType[] | null, _partial: boolean | null, next: NextAuthHandler): void => {
      if (current === undefined) {
        current = 'none';
        next({ type: 'none', username: ctx.user });
        return;
      }
      if (authMethods === undefined) authMethods = [...(methodsLeft ?? [])];
      const offered = methodsLeft ?? [];
      while (plan.length > 0) {
        const m = plan.shift() as LoginMethod;
        if (m === 'password') {
          // Password, or keyboard-interactive answered with the password (PAM's "Password:").
          const via: LoginMethod | undefined = offered.includes('password') ? 'password' : offered.includes('keyboard-interactive') ? 'keyboard-interactive' : undefined;
          if (!via) continue;
          if (!passwordAllowed(hostKey)) { passwordWithheld = true; continue; }
          current = via;
          tried.push(via);
          if (via === 'password') next({ type: 'password', username: ctx.user, password: creds?.password as string });
          else next({ type: 'keyboard-interactive', username: ctx.user, prompt: answerPrompts });
          return;
        }
        if (!offered.includes('publickey')) continue;
        current = m;
        tried.push(m);
        if (m === 'publickey') {
          next({ type: 'publickey', username: ctx.user, key: keyMat?.key as ParsedKey });
        } else {
          const agent = new BoundedAgent(createAgent(agentKeys!.socket), agentKeys!.keys);
          next({ type: 'agent', username: ctx.user, agent } as never);
        }
        return;
      }
      settle(result('ok', loginEnd()));
    };

    client.on('handshake', (neg) => {
      handshakeOk = true;
      algorithms = { kex: neg.kex, serverHostKey: neg.serverHostKey, cipher: neg.cs.cipher, mac: neg.cs.mac, compress: neg.cs.compress };
    });
    client.on('ready', () => {
      if (ctx.keepSession) {
        // A bastion: logged in, so the next hop is reached through this session.
        kept = true;
        ctx.keepSession(new Ssh2JumpSession(client, conn, ctx.host));
      }
      let login: SshResult['login'];
      if (current === 'none' || current === undefined) {
        authMethods = [];
        login = wanted
          ? { outcome: 'ok', tried: ['none'], method: 'none', ...loginFacts() }
          : { outcome: 'not-attempted', tried: [], reason: "the server accepts the 'none' method: no credentials needed", reasonKind: 'none-accepted' };
      } else {
        login = { outcome: 'ok', tried: [...tried], method: current, ...loginFacts() };
      }
      // A bastion's session is handed on (kept): the readiness checks are the target's only.
      if (!ctx.readiness || login.outcome !== 'ok' || kept) { settle(result('ok', login)); return; }
      // Logged in: the readiness checks run over this very session before it is closed.
      readinessLogin = login;
      runReadiness(client, { downloadUrl: ctx.readiness.downloadUrl, targetPort: ctx.port, timeoutMs: o.timeoutMs, signal: AbortSignal.any([o.signal, sessionEnded.signal]) })
        .then((readiness) => settle(result('ok', login, { readiness })), () => settle(result('ok', login)));
    });
    client.on('error', (err: Error & { level?: string; code?: unknown }) => {
      // After the login the readiness checks own the session: they end on sessionEnded.
      if (readinessLogin) { sessionEnded.abort(); return; }
      const msg = err.message ?? '';
      if (!handshakeOk) {
        let h: HandshakeOutcome = 'error';
        if (err.level === 'client-timeout') h = 'timeout';
        else if (/Host denied/i.test(msg)) h = 'hostkey-mismatch';
        else if (err.level === 'handshake' && /no matching/i.test(msg)) h = 'kex-failed';
        else if (err.code === 'ECONNRESET' || err.code === 'EPIPE' || /Connection lost before handshake/i.test(msg)) h = 'closed';
        const revoked = hostKey?.status === 'revoked';
        const reason = h === 'hostkey-mismatch'
          ? `host key ${revoked ? 'revoked' : 'does not match known_hosts'}: nothing sent`
          : 'handshake did not complete';
        const reasonKind: LoginReasonKind = h === 'hostkey-mismatch' ? (revoked ? 'host-key-revoked' : 'host-key-mismatch') : 'handshake-failed';
        settle(result(h, { outcome: 'not-attempted', tried: [], reason, reasonKind }, { error: errorOf(err), ...(h === 'timeout' ? { stall: stalled() } : {}) }));
        return;
      }
      if (err.level === 'client-authentication') { settle(result('ok', loginEnd())); return; }
      if (err.level === 'client-timeout') { settle(authStalled('the server stopped answering during authentication', 'auth-timeout')); return; }
      const login: SshResult['login'] = tried.length > 0 ? loginEnd()
        : { outcome: 'error' as LoginOutcome, tried: [], reason: msg, reasonKind: 'ssh2-error', ...(msg ? { reasonDetail: msg } : {}), ...loginFacts() };
      settle(result('ok', login, { error: errorOf(err) }));
    });
    client.on('close', () => {
      if (readinessLogin) { sessionEnded.abort(); return; }
      if (!handshakeOk) {
        settle(result('closed', { outcome: 'not-attempted', tried: [], reason: 'connection closed before the handshake completed', reasonKind: 'closed-before-handshake' }));
      } else {
        settle(result('ok', tried.length > 0 ? loginEnd() : { outcome: 'error', tried: [], reason: 'connection closed during authentication', reasonKind: 'closed-during-auth', ...loginFacts() }));
      }
    });

    const debug = trace ? (line: string): void => {
      let safe = line;
      for (const s of secrets) safe = safe.split(s).join('***');
      trace(`ssh2: ${safe}`);
    } : undefined;

    // Listens beside ssh2: the bytes the banner stage gave back arrive here again first.
    socket.on('data', tap.onData);
    const preferred = p.hostKeyOrder.join() !== SSH2.DEFAULT_SERVER_HOST_KEY.join();
    client.connect({
      sock: socket,
      username: ctx.user,
      readyTimeout: remaining,
      hostVerifier: hostVerifier as never,
      authHandler: authHandler as never,
      ...(preferred ? { algorithms: { serverHostKey: p.hostKeyOrder as never } } : {}),
      ...(debug ? { debug } : {}),
      keepaliveInterval: 0,
    });
  });
}

/**
 * ssh2 cannot negotiate with this server but the system OpenSSH can: learn the host key and
 * the offered methods with a `none`-only run (nothing secret is sent), check the key here,
 * then, when asked and allowed, test the login as OpenSSH would: the keys in one run (an
 * encrypted key's passphrase through the askpass helper), then the password in another (never
 * beside the passphrase: a keyboard-interactive prompt is the server's text), held to the
 * verified host key. A secret OpenSSH cannot be given here (Windows, OpenSSH before 8.4, a
 * helper that could not run) or a prompt the helper declines (a one-time code) makes the
 * credential "not tested" with its cause, never "working" and never "rejected".
 */
async function finishWithOpenSsh(
  ctx: SshContext, o: ProbeOptions,
  p: { lookup: KnownHostsLookup; keyMat?: KeyMaterial; agentKeys?: AgentKeys; defaults: string[]; version: string; openssh?: string },
): Promise<SshResult> {
  const start = now();
  const { lookup, keyMat, agentKeys } = p;
  const creds = ctx.credentials;
  const hostKeyAlias = hostKeyName(ctx.host, ctx.port);
  const hostKeyAlgorithms = preferKnownHostKeyTypes(p.defaults, lookup);
  const base = { address: ctx.address, port: ctx.port, user: ctx.user, hostKeyAlias, hostKeyAlgorithms, signal: o.signal, log: o.log, ...(p.openssh ? { executable: p.openssh } : {}) };
  const noLogin = (reason: string, reasonKind: LoginReasonKind): SshResult['login'] => ({ outcome: 'not-attempted', tried: [], reason, reasonKind });
  // The readiness checks need a session CVM Doctor holds itself: not OpenSSH's.
  const skipped = (r: Pick<SshResult, 'login'>) => (ctx.readiness && r.login.outcome === 'ok' ? { readiness: { skipped: 'openssh' as const, outputs: {}, durationMs: 0 } } : {});
  const done = (r: Partial<SshResult> & Pick<SshResult, 'handshake' | 'login'>): SshResult => ({ client: 'openssh', ...r, ...skipped(r), durationMs: since(start) });

  const run = await runOpenSsh({ ...base, auth: { kind: 'none' }, timeoutMs: o.timeoutMs });
  const err = run.lastError ? { error: { message: `OpenSSH: ${run.lastError}` } } : {};
  if (run.outcome === 'timeout' && run.stage !== 'auth') {
    return done({ handshake: 'timeout', stall: run.stage === 'kexinit' || run.stage === 'hostkey' || run.stage === 'newkeys' ? 'kex' : 'kexinit', login: noLogin('handshake did not complete', 'handshake-failed'), ...err, ...algorithmsOf(run) });
  }
  if (run.outcome !== 'ok') {
    const h: HandshakeOutcome = run.outcome === 'kex-failed' ? 'kex-failed' : run.outcome === 'closed' ? 'closed' : 'error';
    return done({ handshake: h, login: noLogin('handshake did not complete', 'handshake-failed'), ...err });
  }

  let hostKey = hostKeyFromRun(run, lookup);
  if (hostKey && (hostKey.status === 'mismatch' || hostKey.status === 'revoked')) {
    const revoked = hostKey.status === 'revoked';
    return done({
      handshake: 'hostkey-mismatch', ...algorithmsOf(run), hostKey,
      login: noLogin(`host key ${revoked ? 'revoked' : 'does not match known_hosts'}: nothing sent`, revoked ? 'host-key-revoked' : 'host-key-mismatch'),
    });
  }
  if (hostKey?.status === 'unknown' && ctx.acceptNew && run.hostKeyBlob) {
    const w = await appendKnownHostsLine(lookup.path, knownHostsLineFor(ctx.host, ctx.port, run.hostKeyBlob), { timeoutMs: o.timeoutMs, signal: o.signal });
    hostKey = w.ok ? { ...hostKey, added: true } : { ...hostKey, addError: w.code };
  }
  const authMethods = run.authenticated === 'none' ? [] : run.authMethods;
  const common = { handshake: 'ok' as const, ...algorithmsOf(run), ...(hostKey ? { hostKey } : {}), ...(authMethods ? { authMethods } : {}) };
  if (run.authenticated === 'none') {
    return done({
      ...common,
      login: {
        outcome: creds ? 'ok' : 'not-attempted', tried: creds ? ['none'] : [],
        ...(creds ? { method: 'none' as const } : { reason: "the server accepts the 'none' method: no credentials needed", reasonKind: 'none-accepted' as const }),
      },
    });
  }

  const offered = authMethods ?? [];
  const plannedMethods: LoginMethod[] = [...(keyMat?.key ? ['publickey' as const] : []), ...(agentKeys?.keys.length ? ['agent' as const] : []), ...(creds?.password !== undefined ? ['password' as const] : [])];
  const facts: Partial<SshResult['login']> = {
    ...(plannedMethods.length ? { planned: plannedMethods } : {}),
    ...keyFacts(keyMat),
    ...(agentKeys ? { agentKeys: { offered: agentKeys.keys.length, available: agentKeys.available } } : {}),
  };
  const wantsPassword = creds?.password !== undefined;
  // One method for the password, as the ssh2 path does: each failure counts (MaxAuthTries, fail2ban).
  const passwordVia = offered.includes('password') ? 'password' as const : offered.includes('keyboard-interactive') ? 'keyboard-interactive' as const : undefined;
  // The password goes only to the key known_hosts confirmed (or that was just accepted), and
  // OpenSSH is held to that very key.
  const verified = passwordAllowed(hostKey) ? verifiedHostKey(run, hostKey!, lookup) : undefined;
  const passwordWithheld = wantsPassword && !!passwordVia && !verified;
  if (passwordWithheld) facts.passwordWithheld = true;
  const askpass = askpassSupport(p.version);
  const why = askpass.ok ? undefined : { cause: askpass.cause, ...(askpass.cause === 'openssh-old' ? { version: p.version } : {}) };
  const whyText = (secret: string) => (askpass.ok ? '' : askpass.cause === 'windows'
    ? `CVM Doctor cannot hand the ${secret} to OpenSSH unattended on Windows`
    : `this machine's ${p.version} is older than 8.4 and cannot be given the ${secret} unattended`);
  const untestable: string[] = [];
  const untested: UntestedCredential[] = [];
  const notTested = (english: string, u: UntestedCredential) => { untestable.push(english); untested.push(u); };
  if (wantsPassword && passwordVia && !passwordWithheld && !askpass.ok) {
    notTested(`the password, because only OpenSSH can negotiate with this server and ${whyText('password')}`, { kind: 'password-openssh', ...why });
  }

  // A key OpenSSH can use: an identity file (an encrypted one through the askpass helper), or agent keys.
  const identityFile = keyMat?.key && creds?.identityFile ? creds.identityFile : undefined;
  const passphrase = identityFile && keyMat?.encrypted && askpass.ok ? creds?.passphrase : undefined;
  const identityFiles = identityFile && (!keyMat?.encrypted || passphrase !== undefined) ? [identityFile] : [];
  if (keyMat?.key && keyMat.encrypted && passphrase === undefined) {
    notTested(`the key ${creds?.identityFile ?? ''}, because it is encrypted, only OpenSSH can negotiate with this server and ${whyText('passphrase') || 'OpenSSH takes none unattended'}`,
      { kind: 'encrypted-key-openssh', ...(creds?.identityFile ? { path: creds.identityFile } : {}), ...why });
  }
  if (agentKeys?.error) {
    untestable.push(`the ssh-agent keys (${agentKeys.error})`);
    if (agentKeys.untested) untested.push(agentKeys.untested);
  }
  const allFacts = (): Partial<SshResult['login']> => ({ ...facts, ...(untestable.length ? { notTested: untestable.join('; '), untested: [...untested] } : {}) });
  /** A login run met another host key than the verified one: ssh refused it, nothing was sent. */
  const changedKey = (login: OpenSshRun): SshResult | undefined => {
    if (!verified || !login.hostKey || login.hostKey.fingerprint === hostKey?.fingerprint) return undefined;
    const seen = hostKeyFromRun(login, lookup);
    return done({
      handshake: 'hostkey-mismatch', ...algorithmsOf(login),
      ...(seen ? { hostKey: { ...seen, status: seen.status === 'revoked' ? 'revoked' : 'mismatch' } } : {}),
      login: noLogin('the host key changed between two connections: nothing sent', 'host-key-mismatch'),
    });
  };
  const passwordSent = (tried: LoginMethod[]) => (tried.includes('password') || tried.includes('keyboard-interactive') ? ' (the password was sent: whether it is right is unknown)' : '');
  const agentPub = agentKeys?.keys.map((k) => `${k.type} ${k.getPublicSSH().toString('base64')}`) ?? [];
  const tried: LoginMethod[] = [];
  const pinned = verified ? { verifiedHostKey: verified } : {};

  if (offered.includes('publickey') && (identityFiles.length > 0 || agentPub.length > 0)) {
    const login = await runOpenSsh({
      ...base, ...pinned, timeoutMs: o.timeoutMs,
      auth: {
        kind: 'publickey', identityFiles, ...(agentPub.length ? { agent: { socket: agentKeys!.socket, publicKeys: agentPub } } : {}),
        ...(passphrase !== undefined ? { passphrase } : {}),
      },
    });
    const changed = changedKey(login);
    if (changed) return changed;
    if (identityFiles.length) tried.push('publickey');
    if (agentPub.length) tried.push('agent');
    if (login.authenticated) {
      const method: LoginMethod = login.acceptedKey && /agent-\d+\.pub$/.test(login.acceptedKey) ? 'agent' : identityFiles.length ? 'publickey' : 'agent';
      return done({ ...common, login: { outcome: 'ok', tried, method, ...allFacts() } });
    }
    if (login.timedOut) return done({ ...common, stall: 'auth', login: { outcome: 'timeout', tried, reason: 'the server stopped answering during authentication', reasonKind: 'auth-timeout', ...allFacts() } });
    if (passphrase !== undefined && login.acceptedKey === identityFile) {
      // The server accepts the key, yet OpenSSH never signed with it: the passphrase did not
      // reach it (the helper could not run) or did not decrypt it. The server refused nothing.
      tried.splice(tried.indexOf('publickey'), 1);
      if (login.askpass?.includes('passphrase')) {
        Object.assign(facts, { keyError: `OpenSSH could not decrypt ${identityFile} with the given passphrase`, keyErrorKind: 'bad-passphrase' as const, keyFile: identityFile });
      } else {
        const detail = login.lastError ?? login.outcome;
        notTested(`the key ${identityFile}, because it is encrypted, only OpenSSH can negotiate with this server and OpenSSH could not run CVM Doctor's helper that hands it over (${detail})`,
          { kind: 'encrypted-key-openssh', path: identityFile, cause: 'askpass-failed', detail });
      }
    } else if (!login.denied) {
      return done({
        ...common,
        login: { outcome: 'error', tried, reason: `OpenSSH: ${login.lastError ?? login.outcome}`, reasonKind: 'openssh-error', ...(login.lastError ? { reasonDetail: login.lastError } : {}), ...allFacts() },
      });
    }
  }

  if (wantsPassword && passwordVia && verified && askpass.ok) {
    const login = await runOpenSsh({ ...base, verifiedHostKey: verified, timeoutMs: o.timeoutMs, auth: { kind: 'password', via: passwordVia, password: creds!.password! } });
    const changed = changedKey(login);
    if (changed) return changed;
    const answered = !!login.askpass?.includes('password');
    if (login.authenticated === 'password' || login.authenticated === 'keyboard-interactive') {
      return done({ ...common, login: { outcome: 'ok', tried: [...tried, login.authenticated], method: login.authenticated, ...allFacts() } });
    }
    const sent: LoginMethod[] = answered ? [...tried, passwordVia] : tried;
    if (login.timedOut) {
      return done({ ...common, stall: 'auth', login: { outcome: 'timeout', tried: sent, reason: `the server stopped answering during authentication${passwordSent(sent)}`, reasonKind: 'auth-timeout', ...allFacts() } });
    }
    if (login.askpass?.includes('declined')) {
      // A prompt the helper does not answer (a one-time code?): whether the password is right is unknown.
      notTested('the password, because the server asked for something CVM Doctor never answers (a prompt that looks like a one-time code, a token or a confirmation)', { kind: 'extra-prompt' });
    } else if (answered && login.denied) {
      tried.push(passwordVia);
    } else if (!answered && (login.denied || login.methodsTried?.includes(passwordVia))) {
      // ssh asked, but the helper never answered: an empty password went out, not the user's.
      const detail = login.lastError ?? login.outcome;
      notTested(`the password, because only OpenSSH can negotiate with this server and OpenSSH could not run CVM Doctor's helper that hands it over (${detail})`,
        { kind: 'password-openssh', cause: 'askpass-failed', detail });
    } else {
      return done({
        ...common,
        login: { outcome: 'error', tried: sent, reason: `OpenSSH: ${login.lastError ?? login.outcome}`, reasonKind: 'openssh-error', ...(login.lastError ? { reasonDetail: login.lastError } : {}), ...allFacts() },
      });
    }
  }

  const keyError = facts.keyError;
  const reason = [keyError, untestable.length ? `not tested: ${untestable.join('; ')}` : undefined,
    passwordWithheld ? 'password not sent: the host key is not confirmed by known_hosts' : undefined].filter(Boolean).join('; ');
  const reasonKind = notesKind([!!keyError && 'key-unusable', untestable.length > 0 && 'not-tested', passwordWithheld && 'password-withheld']);
  const notes = { ...(reason ? { reason } : {}), ...(reasonKind ? { reasonKind } : {}) };
  if (tried.length > 0) return done({ ...common, login: { outcome: 'rejected', tried, ...notes, ...allFacts() } });
  const wanted = wantsPassword || !!keyMat || agentPub.length > 0;
  if (!wanted) {
    return done({ ...common, login: { ...noLogin('no credentials given', 'no-credentials'), ...(untestable.length ? { notTested: untestable.join('; '), untested } : {}) } });
  }
  if (passwordWithheld || untestable.length) return done({ ...common, login: { outcome: 'not-attempted', tried: [], ...notes, ...allFacts() } });
  if (keyError) return done({ ...common, login: { outcome: 'key-unusable', tried: [], reason: keyError, reasonKind: 'key-unusable', ...allFacts() } });
  return done({
    ...common,
    login: {
      outcome: 'method-unavailable', tried: [], ...allFacts(),
      reason: `server offers ${offered.length ? offered.join(', ') : 'no methods'}; credentials given: ${plannedMethods.join(', ') || 'an empty ssh-agent'}`,
      reasonKind: 'method-unavailable',
    },
  });
}

/** The host key to hold OpenSSH to: the blob the first run recorded, else the known_hosts
 *  entry with the fingerprint it showed; with the algorithm it negotiated. */
function verifiedHostKey(run: OpenSshRun, k: HostKeyInfo, lookup: KnownHostsLookup): { blob: Buffer; algorithm: string } | undefined {
  const blob = run.hostKeyBlob && sha256Fingerprint(run.hostKeyBlob) === k.fingerprint ? run.hostKeyBlob
    : lookup.entries?.find((e) => e.marker === undefined && e.fingerprint === k.fingerprint)?.key;
  if (!blob) return undefined;
  return { blob, algorithm: run.algorithms?.serverHostKey || blobKeyType(blob) };
}

function algorithmsOf(run: OpenSshRun): Partial<SshResult> {
  return run.algorithms && run.algorithms.kex ? { algorithms: run.algorithms } : {};
}

/** The host key OpenSSH saw, checked against known_hosts with the same rules as for ssh2. */
function hostKeyFromRun(run: OpenSshRun, lookup: KnownHostsLookup): HostKeyInfo | undefined {
  if (run.hostKeyBlob) return hostKeyInfo(run.hostKeyBlob, lookup);
  if (!run.hostKey) return undefined;
  // Only the fingerprint was seen (the throw-away file was not written): compare fingerprints.
  const entries = lookup.entries ?? [];
  const sameType = entries.filter((e) => e.marker === undefined && blobKeyType(e.key) === run.hostKey!.type);
  const revoked = entries.some((e) => e.marker === 'revoked' && sha256Fingerprint(e.key) === run.hostKey!.fingerprint);
  const status = lookup.entries === undefined ? 'unreadable'
    : revoked ? 'revoked'
      : sameType.some((e) => e.fingerprint === run.hostKey!.fingerprint) ? 'match' : sameType.length ? 'mismatch' : 'unknown';
  return {
    type: run.hostKey.type, fingerprint: run.hostKey.fingerprint, status, knownHostsPath: lookup.path,
    ...(lookup.readError ? { readError: lookup.readError } : {}),
    knownEntries: entries.filter((e) => e.marker !== 'cert-authority').map((e) => ({ line: e.line, type: e.type, fingerprint: e.fingerprint })),
  };
}
