/**
 * One ICMP echo. Raw sockets (net-ping) give the exact ICMP type/code, but need root or
 * CAP_NET_RAW and a native addon built for the running Node ABI (not Electron's), so the
 * addon is loaded lazily and any failure falls back to the system `ping`, run with execFile
 * and an argv array (never a shell) on an address checked with net.isIP.
 *
 * Environment: CVM_DOCTOR_ICMP=raw|system|off forces the raw-socket addon, the system ping,
 * or no ICMP at all (outcome 'unavailable'); unset = raw sockets, then the system ping.
 */
import { execFile, type ChildProcess } from 'node:child_process';
import * as net from 'node:net';
import { icmpErrorKind, icmpErrorName } from '../core/icmp';
import type { IcmpProblem, IcmpResult } from '../core/model';
import type { ProbeOptions } from '../core/probeContract';
import { guarded, now, since } from './abort';
import { canonicalIp } from './dns';
import { watchEchoErrors } from './icmpErrors';

type Mode = 'auto' | 'raw' | 'system' | 'off';

function modeFromEnv(): Mode {
  const v = (process.env.CVM_DOCTOR_ICMP ?? '').toLowerCase();
  return v === 'raw' || v === 'system' || v === 'off' ? v : 'auto';
}

export interface NetPingSession {
  pingHost(target: string, cb: (err: Error | null, target: string, sent?: Date, rcvd?: Date) => void): unknown;
  /** The ICMP trace (probes/trace.ts's fallback): feed returns true to stop it. */
  traceRoute?(target: string, o: { ttl: number; maxHopTimeouts: number },
    feed: (err: Error | null, target: string, ttl: number, sent?: Date, rcvd?: Date) => boolean | void,
    done: (err: Error | null, target: string) => void): unknown;
  close(): void;
  on(event: 'error', cb: (e: Error) => void): unknown;
  reqs?: Record<string, { callback: unknown; code?: number; type?: number }>;
}
export interface NetPing {
  createSession(o: Record<string, unknown>): NetPingSession;
  NetworkProtocol: { IPv4: number; IPv6: number };
}

// Every raw ICMP socket sees every echo reply on the host, and net-ping matches replies only
// by the ICMP identifier (its sessionId, process.pid by default) and a sequence number that
// starts at 1 in each session: concurrent sessions with the same identifier take each other's
// replies. So each live session gets its own identifier.
const liveIds = new Set<number>();
let nextSessionId = 1 + Math.floor(Math.random() * 65533);
export function takeSessionId(): number | undefined {
  for (let i = 0; i < 65534; i++) {
    const id = nextSessionId;
    nextSessionId = nextSessionId >= 65534 ? 1 : nextSessionId + 1;
    if (!liveIds.has(id)) { liveIds.add(id); return id; }
  }
  return undefined;
}
export function releaseSessionId(id: number): void {
  liveIds.delete(id);
}

/** Why raw sockets cannot be used: the English line (evidence, logs) and its kind. */
export interface Unusable { detail: string; problem: IcmpProblem }

let netPingCache: { mod?: NetPing; error?: Unusable } | undefined;

/** require() of a native addon can throw (missing build, other ABI): remember why. */
export function loadNetPing(): { mod?: NetPing; error?: Unusable } {
  if (!netPingCache) {
    try {
      netPingCache = { mod: require('net-ping') as NetPing };
    } catch (e) {
      const message = e instanceof Error ? e.message.split('\n')[0]! : String(e);
      netPingCache = { error: { detail: `net-ping not loadable: ${message}`, problem: { kind: 'addon-unloadable', message } } };
    }
  }
  return netPingCache;
}

type IcmpPart = Omit<IcmpResult, 'durationMs' | 'address'>;

function rawPing(address: string, family: 4 | 6, o: ProbeOptions, start: number): Promise<IcmpResult> | { unavailable: Unusable } {
  const loaded = loadNetPing();
  if (!loaded.mod) return { unavailable: loaded.error ?? { detail: 'net-ping not loadable', problem: { kind: 'addon-unloadable' } } };
  const sessionId = takeSessionId();
  if (sessionId === undefined) return { unavailable: { detail: 'too many concurrent ICMP sessions', problem: { kind: 'no-session-id' } } };
  let session: NetPingSession;
  try {
    session = loaded.mod.createSession({
      sessionId,
      networkProtocol: family === 6 ? loaded.mod.NetworkProtocol.IPv6 : loaded.mod.NetworkProtocol.IPv4,
      retries: 0,
      timeout: Math.max(1, o.timeoutMs),
      packetSize: 16,
    });
  } catch (e) {
    liveIds.delete(sessionId);
    const message = e instanceof Error ? e.message : String(e);
    return { unavailable: { detail: `raw socket unavailable: ${message}`, problem: { kind: 'raw-socket-denied', message } } };
  }
  const done = (p: IcmpPart): IcmpResult => ({ ...p, address, durationMs: since(start) });
  // net-ping never matches an ICMPv6 error to its request: read those ourselves.
  const v6Errors = family === 6 ? watchEchoErrors(address, sessionId) : undefined;
  return guarded<IcmpResult>(o, {
    onTimeout: () => done({ outcome: 'timeout', method: 'raw-socket' }),
    cleanup: () => {
      v6Errors?.stop();
      try { session.close(); } catch { /* already closed */ }
      liveIds.delete(sessionId);
    },
  }, (settle) => {
    v6Errors?.onNext(() => {
      const e = v6Errors.last()!;
      const rtt = Math.round((performance.now() - sentAt) * 1000) / 1000;
      settle(done({
        outcome: e.kind === 'prohibited' ? 'prohibited' : 'unreachable', method: 'raw-socket',
        detail: `ICMPv6 ${icmpErrorName(6, e.type, e.code)} (source=${e.from})`,
        icmpError: { type: e.type, code: e.code, from: e.from },
        from: e.from, ...(e.from === canonicalIp(address) ? { rttMs: rtt } : {}),
      }));
    });
    // The raw socket reports errors as events; unhandled, an 'error' event would crash the host.
    const socketError = (e: Error): IcmpResult => done({ outcome: 'error', method: 'raw-socket', detail: e.message, problem: { kind: 'socket-error', message: e.message } });
    session.on('error', (e) => settle(socketError(e)));
    let sentAt = 0;
    const sent: { req?: { code?: number; type?: number } } = {};
    const cb = (err: Error | null): void => {
      const rtt = Math.round((performance.now() - sentAt) * 1000) / 1000;
      if (!err) { settle(done({ outcome: 'reply', method: 'raw-socket', rttMs: rtt })); return; }
      if (err.name === 'RequestTimedOutError') { settle(done({ outcome: 'timeout', method: 'raw-socket' })); return; }
      // net-ping keeps the ICMP type and code only on its request record, which we captured
      // below; the sender's address is on the error.
      const code = sent.req?.code;
      const source = (err as Error & { source?: unknown }).source;
      const from = typeof source === 'string' && net.isIP(source) ? canonicalIp(source) : undefined;
      if (err.name === 'DestinationUnreachableError') {
        // An error the target sent itself is a round trip to it (its firewall answered), so
        // its time is kept.
        const type = family === 4 ? 3 : 1;
        const prohibited = code !== undefined && icmpErrorKind(family, type, code) === 'prohibited';
        settle(done({
          outcome: prohibited ? 'prohibited' : 'unreachable', method: 'raw-socket',
          detail: `${err.message}${code !== undefined ? ` code ${code}` : ''}`,
          icmpError: { type, ...(code !== undefined ? { code } : {}), ...(from ? { from } : {}) },
          ...(from ? { from, ...(from === canonicalIp(address) ? { rttMs: rtt } : {}) } : {}),
        }));
        return;
      }
      // Another ICMP error (time exceeded, parameter problem…), or the socket's own failure.
      const type = sent.req?.type;
      settle(typeof type === 'number'
        ? done({ outcome: 'error', method: 'raw-socket', detail: err.message, icmpError: { type, ...(code !== undefined ? { code } : {}), ...(from ? { from } : {}) } })
        : socketError(err));
    };
    sentAt = performance.now();
    session.pingHost(address, cb);
    sent.req = Object.values(session.reqs ?? {}).find((r) => r.callback === cb);
  });
}

/** Classifies iputils/BSD/Windows ping output. Exported for table tests of real outputs. */
export function parsePingOutput(stdout: string, exitCode: number | null, platform: NodeJS.Platform): IcmpPart {
  const rtt = /time[=<]\s*([\d.]+)\s*ms/i.exec(stdout);
  if (platform === 'win32') {
    // Windows text is localised: only the exit code and "TTL=" are reliable.
    if (exitCode === 0 && /TTL=/i.test(stdout)) {
      return { outcome: 'reply', method: 'system-ping', ...(rtt ? { rttMs: Number(rtt[1]) } : {}) };
    }
    return { outcome: 'timeout', method: 'system-ping', ...said(lastLine(stdout)) };
  }
  if (/Packet filtered|Host Prohibited|Net Prohibited|Communication prohibited|Administratively prohibited/i.test(stdout)) {
    const detail = lastMatch(stdout, /.*(filtered|prohibited).*/i);
    return { outcome: 'prohibited', method: 'system-ping', ...said(detail), ...errorSource(detail) };
  }
  if (/Destination (Host|Net|Port|Protocol) Unreachable|Address unreachable|No route to host|Network is unreachable/i.test(stdout)) {
    const detail = lastMatch(stdout, /.*unreachable.*|.*No route to host.*/i);
    return { outcome: 'unreachable', method: 'system-ping', ...said(detail), ...errorSource(detail) };
  }
  if (exitCode === 0 && rtt) return { outcome: 'reply', method: 'system-ping', rttMs: Number(rtt[1]) };
  if (exitCode === 1) return { outcome: 'timeout', method: 'system-ping' };
  return { outcome: 'error', method: 'system-ping', ...said(lastLine(stdout)) };
}

/** A line of the ping's output: the detail (evidence) and the text the report quotes. */
function said(line: string | undefined): { detail?: string; pingOutput?: string } {
  return line ? { detail: line, pingOutput: line } : {};
}

/** The sender of an ICMP error line: iputils "From 10.0.0.1 icmp_seq=1 …", BSD "92 bytes from
 *  10.0.0.1: …". A local "No route to host" names nobody. */
function errorSource(line: string | undefined): { from?: string } {
  const m = line ? /\bfrom ([0-9A-Fa-f:.]+?):?(?:\s|$)/i.exec(line) : null;
  return m && net.isIP(m[1]!) ? { from: canonicalIp(m[1]!) } : {};
}

/**
 * The system ping's environment: only what it needs. It must not inherit the caller's
 * secrets (TENCENTCLOUD_SECRET_KEY, a --password-env variable); LANG=C keeps its text parseable.
 * Windows' ping also needs SystemRoot (Winsock does not start without it).
 */
export function pingEnv(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { PATH: env.PATH ?? (platform === 'win32' ? undefined : '/usr/bin:/bin'), LANG: 'C' };
  if (platform === 'win32' && env.SystemRoot) out.SystemRoot = env.SystemRoot;
  if (out.PATH === undefined) delete out.PATH;
  return out;
}

function lastLine(s: string): string | undefined {
  const l = s.trim().split('\n').pop();
  return l ? l.slice(0, 200) : undefined;
}
function lastMatch(s: string, re: RegExp): string | undefined {
  const m = re.exec(s);
  return m ? m[0].trim().slice(0, 200) : undefined;
}

export function pingArgv(address: string, family: 4 | 6, timeoutMs: number, platform: NodeJS.Platform): { file: string; args: string[] } {
  if (platform === 'win32') {
    return { file: 'ping', args: ['-n', '1', '-w', String(Math.max(1, Math.round(timeoutMs))), ...(family === 6 ? ['-6'] : []), address] };
  }
  if (platform === 'darwin') {
    // macOS -W is milliseconds; IPv6 has its own binary.
    return family === 6
      ? { file: 'ping6', args: ['-n', '-c', '1', address] }
      : { file: 'ping', args: ['-n', '-c', '1', '-W', String(Math.max(1, Math.round(timeoutMs))), address] };
  }
  // iputils: -W in seconds (fractions accepted since 2016); our own timer is the real bound.
  const secs = Math.max(0.001, timeoutMs / 1000);
  return { file: 'ping', args: ['-n', '-c', '1', '-W', secs.toFixed(3), ...(family === 6 ? ['-6'] : []), address] };
}

function systemPing(address: string, family: 4 | 6, o: ProbeOptions, start: number, why?: Unusable): Promise<IcmpResult> {
  let child: ChildProcess | undefined;
  const withWhy = (p: IcmpPart): IcmpResult => ({
    ...p, address, durationMs: since(start),
    ...(why ? { detail: p.detail ? `${p.detail}; ${why.detail}` : why.detail, rawProblem: why.problem } : {}),
  });
  return guarded<IcmpResult>(o, {
    onTimeout: () => withWhy({ outcome: 'timeout', method: 'system-ping' }),
    cleanup: () => { if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL'); },
  }, (settle) => {
    const { file, args } = pingArgv(address, family, o.timeoutMs, process.platform);
    child = execFile(file, args, { timeout: 0, maxBuffer: 64 * 1024, windowsHide: true, env: pingEnv(process.env, process.platform) },
      (err, stdout, stderr) => {
        const e = err as (NodeJS.ErrnoException & { code?: number | string; signal?: NodeJS.Signals | null }) | null;
        if (e && typeof e.code === 'string') {
          // ENOENT/EACCES: no usable ping binary at all.
          settle(withWhy({ outcome: 'unavailable', method: 'none', detail: `system ping: ${e.code}`, problem: { kind: 'ping-not-run', code: e.code } }));
          return;
        }
        const exitCode = e ? (typeof e.code === 'number' ? e.code : null) : 0;
        const parsed = parsePingOutput(`${stdout}\n${stderr}`, exitCode, process.platform);
        if (parsed.outcome === 'error' && stderr.trim()) Object.assign(parsed, said(stderr.trim().slice(0, 200)));
        if (parsed.outcome === 'error' && !parsed.pingOutput) parsed.problem = { kind: 'ping-exit', code: String(exitCode ?? e?.signal ?? '?') };
        settle(withWhy(parsed));
      });
  });
}

/** Resolves at once, but still honours an abort that already happened. */
function immediate(r: IcmpResult, o: ProbeOptions, start: number): Promise<IcmpResult> {
  const fin = (): IcmpResult => ({ ...r, durationMs: since(start) });
  return guarded<IcmpResult>(o, { onTimeout: fin, cleanup: () => undefined }, (settle) => settle(fin()));
}

function unavailable(address: string, why: Unusable, o: ProbeOptions, start: number): Promise<IcmpResult> {
  return immediate({ outcome: 'unavailable', method: 'none', address, detail: why.detail, problem: why.problem, durationMs: 0 }, o, start);
}

export function probeIcmp(address: string, o: ProbeOptions): Promise<IcmpResult> {
  const start = now();
  const family = net.isIP(address);
  if (family !== 4 && family !== 6) {
    return immediate({ outcome: 'error', method: 'none', address, detail: 'not an IP address', problem: { kind: 'not-an-ip' }, durationMs: 0 }, o, start);
  }
  const mode = modeFromEnv();
  if (mode === 'off') return unavailable(address, { detail: 'disabled by CVM_DOCTOR_ICMP=off', problem: { kind: 'disabled' } }, o, start);
  if (mode === 'system') return systemPing(address, family, o, start);
  const raw = rawPing(address, family, o, start);
  if (raw instanceof Promise) return raw;
  o.log?.(`icmp: ${raw.unavailable.detail}`);
  if (mode === 'raw') return unavailable(address, raw.unavailable, o, start);
  return systemPing(address, family, o, start, raw.unavailable);
}

