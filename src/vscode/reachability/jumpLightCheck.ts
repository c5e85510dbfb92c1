/**
 * The light check of an instance behind bastions: the first bastion's port and banner, a
 * login to it with the instance's key or the agent (never a password), then a `direct-tcpip`
 * channel per hop and the target's banner through it — the engine's own probes. An
 * unreachable bastion is checked once per interval whatever the number of instances behind
 * it: the others get its result at once, without a socket. Every probe bounded, every session
 * closed. No `vscode` import.
 */
import { DEFAULT_SSH_USER, type Credentials, type JumpHop } from '../../core/model';
import type { JumpSession, OpenConnection, ProbeOptions } from '../../core/probeContract';
import { probeBanner } from '../../probes/banner';
import { probeSsh } from '../../probes/ssh';
import { probeTcp } from '../../probes/tcp';
import type { LightCheck, LightResult, LightTarget } from './lightCheck';

export type ChainTarget = LightTarget & { jump: JumpHop[] };

/** Direct targets to `direct`, targets behind bastions to `chain`. */
export function withChains(direct: LightCheck, chain: (t: ChainTarget, timeoutMs: number, signal: AbortSignal) => Promise<LightResult>): LightCheck {
  return (t, timeoutMs, signal) => (t.jump?.length ? chain(t as ChainTarget, timeoutMs, signal) : direct(t, timeoutMs, signal));
}

const round = (ms: number) => Math.round(ms * 10) / 10;

/** What one bastion answered lately, shared by every instance behind it. */
interface GateEntry { at: number; result?: LightResult; pending?: Promise<LightResult> }

/**
 * `intervalMs()`: how long a bastion's failure stands for the instances behind it (the
 * scheduler's interval). `agent`: SSH_AUTH_SOCK, when set.
 */
export function createChainCheck(opts: { intervalMs: () => number; now?: () => number; agent?: string }) {
  const now = opts.now ?? (() => Date.now());
  const gates = new Map<string, GateEntry>();

  /** The first bastion's TCP connect and banner, once per interval while it fails. */
  async function front(h: JumpHop, timeoutMs: number, signal: AbortSignal): Promise<{ failed?: LightResult; conn?: OpenConnection; banner?: Awaited<ReturnType<typeof probeBanner>> }> {
    const key = `${h.host.toLowerCase()}:${h.port}`;
    const g = gates.get(key);
    if (g?.result && now() - g.at < opts.intervalMs()) return { failed: g.result };
    if (g?.pending) {
      const r = await g.pending;
      if (r.state !== 'reachable') return { failed: r };
    }
    let release!: (r: LightResult) => void;
    const entry: GateEntry = { at: now(), pending: new Promise<LightResult>((r) => { release = r; }) };
    gates.set(key, entry);
    const settle = (r: LightResult) => {
      entry.pending = undefined;
      entry.at = now();
      if (r.state !== 'reachable') entry.result = r;
      else gates.delete(key);
      release(r);
    };
    const o: ProbeOptions = { timeoutMs, signal };
    try {
      const { result, connection } = await probeTcp(h.host, h.port, o);
      if (result.outcome !== 'connected' || !connection) {
        const r: LightResult = { state: 'unreachable', reason: 'bastion', detail: `${h.host}: ${result.outcome === 'timeout' ? 'timeout' : result.errorCode ?? result.outcome}` };
        settle(r);
        return { failed: r };
      }
      const banner = await probeBanner(connection, o);
      if (banner.outcome !== 'ssh') {
        connection.close();
        const r: LightResult = { state: 'unreachable', reason: 'bastion', detail: `${h.host}: ${banner.outcome === 'timeout' ? 'no SSH banner' : banner.outcome}` };
        settle(r);
        return { failed: r };
      }
      settle({ state: 'reachable', reason: 'ssh', latencyMs: round(result.durationMs), detail: h.host });
      return { conn: connection, banner };
    } catch (e) {
      // A cancel says nothing about the bastion: nothing is kept for the others.
      entry.pending = undefined;
      gates.delete(key);
      release({ state: 'unreachable', reason: 'error', detail: String(e) });
      throw e;
    }
  }

  return async function chainCheck(t: ChainTarget, timeoutMs: number, signal: AbortSignal): Promise<LightResult> {
    const sessions: JumpSession[] = [];
    const o: ProbeOptions = { timeoutMs, signal };
    const creds = (h: { identityFile?: string }): Credentials | undefined => {
      const file = h.identityFile ?? t.identityFile;
      const c: Credentials = { ...(file ? { identityFile: file } : {}), ...(opts.agent ? { agent: opts.agent } : {}) };
      return c.identityFile || c.agent ? c : undefined;
    };
    /** Log in to a bastion on `conn`; the session, or why not. */
    const login = async (h: JumpHop, conn: OpenConnection, banner: Awaited<ReturnType<typeof probeBanner>>): Promise<JumpSession | LightResult> => {
      let session: JumpSession | undefined;
      const r = await probeSsh(conn, {
        host: h.host, address: h.host, port: h.port, user: h.user ?? DEFAULT_SSH_USER, credentials: creds(h), knownHostsPath: t.knownHostsPath, banner,
        ...(sessions.length ? { via: t.jump[sessions.length - 1]!.host } : {}),
        keepSession: (s) => { session = s; },
      }, o);
      if (session) { sessions.push(session); return session; }
      const why = r.handshake !== 'ok' ? r.handshake : r.login.reasonKind ?? r.login.outcome;
      return { state: 'degraded', reason: 'bastion-login', detail: `${h.host}: ${why}` };
    };
    try {
      const first = t.jump[0]!;
      const f = await front(first, timeoutMs, signal);
      if (f.failed) return f.failed;
      let s = await login(first, f.conn!, f.banner!);
      if (!('forward' in s)) return s;
      const hops: Array<{ host: string; port: number; jump?: JumpHop }> = [...t.jump.slice(1).map((h) => ({ host: h.host, port: h.port, jump: h })), { host: t.host, port: t.port }];
      for (let i = 0; i < hops.length; i++) {
        const h = hops[i]!;
        const via = t.jump[i]!.host;
        const { result, connection } = await s.forward(h.host, h.port, o);
        if (!connection) {
          const kind = result.forward?.kind ?? 'error';
          return { state: 'unreachable', reason: kind === 'timeout' ? 'timeout' : 'error', detail: `${h.host}:${h.port} seen from ${via}: ${kind}${result.forward?.message ? ` (${result.forward.message})` : ''}` };
        }
        const last = i === hops.length - 1;
        if (last && t.protocol === 'rdp') { connection.close(); return { state: 'reachable', reason: 'connected', latencyMs: round(result.durationMs), detail: `connected through ${via}` }; }
        const b = await probeBanner(connection, o);
        if (last) {
          connection.close();
          switch (b.outcome) {
            case 'ssh': return { state: 'reachable', reason: 'ssh', latencyMs: round(result.durationMs), detail: (b.line ?? 'SSH').slice(0, 120) };
            case 'timeout': return { state: 'degraded', reason: 'banner-timeout', latencyMs: round(result.durationMs), detail: 'banner timeout' };
            case 'other': return { state: 'degraded', reason: 'not-ssh', latencyMs: round(result.durationMs), detail: 'not SSH' };
            default: return { state: 'degraded', reason: 'closed', latencyMs: round(result.durationMs), detail: b.errorCode ?? 'closed before banner' };
          }
        }
        if (b.outcome !== 'ssh') { connection.close(); return { state: 'degraded', reason: 'bastion', detail: `${h.host}: ${b.outcome}` }; }
        const next = await login(h.jump!, connection, b);
        if (!('forward' in next)) return next;
        s = next;
      }
      return { state: 'unreachable', reason: 'error', detail: 'empty chain' };
    } finally {
      for (const x of sessions.reverse()) x.close();
    }
  };
}
