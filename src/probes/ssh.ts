/**
 * SSH stage on the connection the banner stage peeked at: key exchange, host key against
 * known_hosts, the offered auth methods (learned with `none`), and an optional login.
 * A password is only ever sent to a host whose key matches known_hosts; keys and agents may
 * be tried on an unknown host because no secret leaves the machine.
 */
import * as fs from 'node:fs/promises';
import { Client, utils, type AuthenticationType, type NextAuthHandler, type ParsedKey } from 'ssh2';
import type { Credentials, HandshakeOutcome, HostKeyInfo, LoginMethod, LoginOutcome, NegotiatedAlgorithms, SshResult } from '../core/model';
import type { OpenConnection, ProbeOptions, SshContext } from '../core/probes';
import { cancelledError, guarded, isDeadline, now, since } from './abort';
import { TcpConnection } from './connection';
import { hostKeyInfo, loadKnownHosts, type KnownHostsLookup } from './knownHosts';

const MAX_KEY_FILE = 1024 * 1024;
/** Slack over ssh2's own readyTimeout, so its error (with its level) is what we report. */
const GUARD_SLACK_MS = 50;

interface KeyMaterial { key?: ParsedKey; error?: string }

async function loadKey(c: Credentials | undefined): Promise<KeyMaterial | undefined> {
  if (!c || (c.privateKey === undefined && c.identityFile === undefined)) return undefined;
  let data: Buffer | string;
  if (c.privateKey !== undefined) {
    data = c.privateKey;
  } else {
    try {
      const st = await fs.stat(c.identityFile as string);
      if (st.size > MAX_KEY_FILE) return { error: `identity file ${c.identityFile} is too large to be a key` };
      data = await fs.readFile(c.identityFile as string);
    } catch (e) {
      return { error: `cannot read identity file ${c.identityFile}: ${(e as NodeJS.ErrnoException).code ?? String(e)}` };
    }
  }
  let parsed: ParsedKey | Error;
  try {
    parsed = utils.parseKey(data, c.passphrase) as ParsedKey | Error;
  } catch (e) {
    parsed = e instanceof Error ? e : new Error(String(e));
  }
  if (Array.isArray(parsed)) parsed = parsed[0] as ParsedKey;
  if (parsed instanceof Error) {
    const encrypted = /encrypted|passphrase|decrypt|bad decrypt/i.test(parsed.message);
    return {
      error: encrypted
        ? (c.passphrase ? 'the private key could not be decrypted with the given passphrase'
          : 'the private key is encrypted and no passphrase was given')
        : `the private key could not be parsed: ${parsed.message}`,
    };
  }
  if (!parsed.isPrivateKey()) return { error: 'the identity is a public key, not a private key' };
  return { key: parsed };
}

/** Lines of ssh2's debug output that carry what the server offered in its KEXINIT. */
const REMOTE_LISTS: Array<[RegExp, 'kex' | 'serverHostKey' | 'cipher' | 'mac']> = [
  [/^Handshake: \(remote\) KEX method: (.*)$/, 'kex'],
  [/^Handshake: \(remote\) Host key format: (.*)$/, 'serverHostKey'],
  [/^Handshake: \(remote\) C->S cipher: (.*)$/, 'cipher'],
  [/^Handshake: \(remote\) C->S MAC: (.*)$/, 'mac'],
];

function traceEnabled(): boolean {
  const v = process.env.CVM_DOCTOR_TRACE;
  return v !== undefined && v !== '' && v !== '0';
}

export async function probeSsh(conn: OpenConnection, ctx: SshContext, o: ProbeOptions): Promise<SshResult> {
  if (!(conn instanceof TcpConnection)) throw new TypeError('ssh: not a connection from tcp()');
  const start = now();
  const notAttempted = { outcome: 'not-attempted' as LoginOutcome, tried: [] as LoginMethod[] };
  let lookup: KnownHostsLookup;
  let keyMat: KeyMaterial | undefined;
  try {
    [lookup, keyMat] = await Promise.all([
      loadKnownHosts(ctx.knownHostsPath, ctx.host, ctx.address, ctx.port),
      loadKey(ctx.credentials),
    ]);
  } catch (e) {
    conn.close();
    throw e;
  }
  if (o.signal.aborted && !isDeadline(o.signal)) { conn.close(); throw cancelledError(o.signal); }

  const creds = ctx.credentials;
  const secrets = [creds?.password, creds?.passphrase].filter((s): s is string => typeof s === 'string' && s.length > 0);
  const trace = traceEnabled() && o.log ? o.log : undefined;
  const client = new Client();
  const socket = conn.socket;

  let handshakeOk = false;
  let algorithms: NegotiatedAlgorithms | undefined;
  const serverAlgorithms: NonNullable<SshResult['serverAlgorithms']> = {};
  let hostKey: HostKeyInfo | undefined;
  let authMethods: string[] | undefined;
  const tried: LoginMethod[] = [];
  let current: LoginMethod | 'none' | undefined;
  let passwordWithheld = false;
  const remaining = Math.max(1, o.timeoutMs - (now() - start));

  // The plan: what the user's credentials allow, in OpenSSH's order.
  const plan: LoginMethod[] = [];
  if (keyMat?.key) plan.push('publickey');
  if (creds?.agent) plan.push('agent');
  if (creds?.password !== undefined) plan.push('password');
  const wanted = plan.length > 0 || keyMat?.error !== undefined;

  const result = (handshake: HandshakeOutcome, login: SshResult['login'], error?: SshResult['error']): SshResult => ({
    handshake,
    ...(algorithms ? { algorithms } : {}),
    ...(Object.keys(serverAlgorithms).length > 0 && handshake === 'kex-failed' ? { serverAlgorithms } : {}),
    ...(hostKey ? { hostKey } : {}),
    ...(authMethods ? { authMethods } : {}),
    login,
    ...(error ? { error } : {}),
    durationMs: since(start),
  });

  /** The login verdict once nothing more will be tried. */
  const loginEnd = (): SshResult['login'] => {
    const offered = authMethods ?? [];
    const withheld = passwordWithheld ? 'password not sent: the host key is not confirmed by known_hosts' : undefined;
    if (!wanted) return { ...notAttempted, reason: 'no credentials given' };
    if (tried.length > 0) {
      const why = [keyMat?.error, withheld].filter(Boolean).join('; ');
      return { outcome: 'rejected', tried: [...tried], ...(why ? { reason: why } : {}) };
    }
    if (withheld) return { outcome: 'not-attempted', tried: [], reason: withheld };
    if (keyMat?.error) return { outcome: 'error', tried: [], reason: keyMat.error };
    return {
      outcome: 'method-unavailable', tried: [],
      reason: `server offers ${offered.length ? offered.join(', ') : 'no methods'}; credentials given: ${plan.join(', ')}`,
    };
  };

  const errorOf = (err: Error & { level?: string; code?: unknown }): SshResult['error'] => ({
    ...(err.level ? { level: err.level } : {}),
    ...(err.code !== undefined ? { code: String(err.code) } : {}),
    message: err.message,
  });

  return guarded<SshResult>({ timeoutMs: remaining + GUARD_SLACK_MS, signal: o.signal }, {
    onTimeout: () => (handshakeOk
      ? result('ok', { outcome: 'error', tried: [...tried], reason: 'timed out during authentication' })
      : result('timeout', { ...notAttempted, reason: 'handshake did not complete' }, { level: 'client-timeout', message: 'Timed out while waiting for handshake' })),
    onDeadline: (d) => (handshakeOk
      ? result('ok', { outcome: 'error', tried: [...tried], reason: `stopped at ${d.message}` })
      : result('timeout', { ...notAttempted, reason: `stopped at ${d.message}` })),
    cleanup: () => {
      try { client.end(); } catch { /* already closed */ }
      conn.close();
    },
  }, (settle) => {
    if (conn.lastError || conn.ended || socket.destroyed) {
      settle(result('closed', { ...notAttempted, reason: 'connection closed before the handshake' },
        { code: conn.lastError?.code, message: conn.lastError?.message ?? 'connection closed before the handshake' }));
      return;
    }

    const hostVerifier = (key: Buffer): boolean => {
      hostKey = hostKeyInfo(key, lookup);
      return hostKey.status !== 'mismatch' && hostKey.status !== 'revoked';
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
        const needs = m === 'password' ? 'password' : 'publickey';
        if (!offered.includes(needs)) continue;
        if (m === 'password' && hostKey?.status !== 'match') { passwordWithheld = true; continue; }
        current = m;
        tried.push(m);
        if (m === 'publickey') next({ type: 'publickey', username: ctx.user, key: keyMat?.key as ParsedKey });
        else if (m === 'agent') next({ type: 'agent', username: ctx.user, agent: creds?.agent as string });
        else next({ type: 'password', username: ctx.user, password: creds?.password as string });
        return;
      }
      settle(result('ok', loginEnd()));
    };

    client.on('handshake', (neg) => {
      handshakeOk = true;
      algorithms = { kex: neg.kex, serverHostKey: neg.serverHostKey, cipher: neg.cs.cipher, mac: neg.cs.mac, compress: neg.cs.compress };
    });
    client.on('ready', () => {
      if (current === 'none' || current === undefined) {
        authMethods = [];
        settle(result('ok', wanted
          ? { outcome: 'ok', tried: ['none'], method: 'none' }
          : { ...notAttempted, reason: "the server accepts the 'none' method: no credentials needed" }));
        return;
      }
      settle(result('ok', { outcome: 'ok', tried: [...tried], method: current }));
    });
    client.on('error', (err: Error & { level?: string; code?: unknown }) => {
      const msg = err.message ?? '';
      if (!handshakeOk) {
        let h: HandshakeOutcome = 'error';
        if (err.level === 'client-timeout') h = 'timeout';
        else if (/Host denied/i.test(msg)) h = 'hostkey-mismatch';
        else if (err.level === 'handshake' && /no matching/i.test(msg)) h = 'kex-failed';
        else if (err.code === 'ECONNRESET' || err.code === 'EPIPE' || /Connection lost before handshake/i.test(msg)) h = 'closed';
        const reason = h === 'hostkey-mismatch'
          ? `host key ${hostKey?.status === 'revoked' ? 'revoked' : 'does not match known_hosts'}: nothing sent`
          : 'handshake did not complete';
        settle(result(h, { ...notAttempted, reason }, errorOf(err)));
        return;
      }
      if (err.level === 'client-authentication') { settle(result('ok', loginEnd())); return; }
      const login = tried.length > 0 ? loginEnd() : { outcome: 'error' as LoginOutcome, tried: [], reason: msg };
      settle(result('ok', login, errorOf(err)));
    });
    client.on('close', () => {
      if (!handshakeOk) {
        settle(result('closed', { ...notAttempted, reason: 'connection closed before the handshake completed' }));
      } else {
        settle(result('ok', tried.length > 0 ? loginEnd() : { outcome: 'error', tried: [], reason: 'connection closed during authentication' }));
      }
    });

    const debug = (line: string): void => {
      for (const [re, field] of REMOTE_LISTS) {
        const m = re.exec(line);
        // Drop protocol markers (strict kex, ext-info): they are not algorithms anyone chooses.
        if (m) serverAlgorithms[field] = m[1].split(',').filter((a) => a && !/^(kex-strict-|ext-info-)/.test(a));
      }
      if (trace) {
        let safe = line;
        for (const s of secrets) safe = safe.split(s).join('***');
        trace(`ssh2: ${safe}`);
      }
    };

    client.connect({
      sock: socket,
      username: ctx.user,
      readyTimeout: remaining,
      hostVerifier,
      authHandler: authHandler as never,
      debug,
      keepaliveInterval: 0,
    });
  });
}
