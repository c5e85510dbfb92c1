/**
 * Path evidence from this machine (`--trace`): a TCP trace to the target's port with whatever
 * is installed — `mtr --tcp` (JSON), `traceroute -T`, `tcptraceroute`, in that order — then,
 * when none of them can run (not installed, no raw-socket privilege), net-ping's ICMP trace
 * (the same lazily loaded addon as icmp.ts), labelled as ICMP. Each tool runs with spawn and
 * an argv array (never a shell) on an address checked with net.isIP, numeric (-n), bounded in
 * hops and per-hop wait (core/trace.ts traceLimits), under one overall kill bound, with a
 * minimal environment; a user cancel kills the child and rejects. Parsing is core/trace.ts's.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import type { ProbeOptions } from '../core/probeContract';
import {
  boundedOutput, isPrivilegeFailure, OUTBOUND_TCP_TOOLS, parseTraceOutput, traceArgv, traceLimits,
  type OutboundTcpTool, type PathTrace, type TraceHop, type TraceSkip,
} from '../core/trace';
import { guarded, now, since } from './abort';
import { minimalEnv } from './childEnv';
import { loadNetPing, releaseSessionId, takeSessionId, type NetPingSession } from './icmp';

/** Where a tool is found: its executable's path, or undefined when it is not installed. */
export type ToolLookup = (tool: OutboundTcpTool) => string | undefined;

export interface TraceProbeDeps {
  /** Default: the minimal environment's PATH plus the sbin folders (traceroute lives in
   *  /usr/sbin on Debian). Tests inject a lookup that finds nothing to reach the fallback. */
  lookup?: ToolLookup;
  /** Hops to try (default core/trace.ts TRACE_MAX_HOPS). */
  maxHops?: number;
}

/** PATH search for an executable, never a shell's `command -v`. Windows has none of the TCP
 *  tools (tracert is ICMP): the ICMP fallback is used there. */
export function defaultLookup(tool: OutboundTcpTool): string | undefined {
  if (process.platform === 'win32') return undefined;
  const dirs = [...(minimalEnv().PATH ?? '').split(path.delimiter), '/usr/sbin', '/sbin', '/usr/local/sbin'].filter(Boolean);
  for (const dir of new Set(dirs)) {
    const file = path.join(dir, tool);
    try {
      fs.accessSync(file, fs.constants.X_OK);
      if (fs.statSync(file).isFile()) return file;
    } catch { /* not here */ }
  }
  return undefined;
}

interface ToolRun { stdout: string; stderr: string; code: number | null; timedOut?: boolean; spawnError?: string }

const OUTPUT_CAP = 256 * 1024;

function runTool(file: string, args: string[], timeoutMs: number, o: ProbeOptions): Promise<ToolRun> {
  let child: ChildProcess | undefined;
  let stdout = '';
  let stderr = '';
  return guarded<ToolRun>({ timeoutMs, signal: o.signal }, {
    onTimeout: () => ({ stdout, stderr, code: null, timedOut: true }),
    cleanup: () => { if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL'); },
  }, (settle) => {
    child = spawn(file, args, { env: minimalEnv(), stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true, shell: false });
    child.stdout!.setEncoding('utf8').on('data', (d: string) => { if (stdout.length < OUTPUT_CAP) stdout += d; });
    child.stderr!.setEncoding('utf8').on('data', (d: string) => { if (stderr.length < OUTPUT_CAP) stderr += d; });
    child.on('error', (e: NodeJS.ErrnoException) => settle({ stdout, stderr, code: null, spawnError: e.code ?? e.message }));
    child.on('close', (code) => settle({ stdout, stderr, code }));
  });
}

const lastLine = (s: string): string | undefined => s.trim().split('\n').pop()?.slice(0, 300) || undefined;

/** The TCP trace (or the ICMP fallback) from here to address:port. */
export async function probeTrace(address: string, port: number, o: ProbeOptions, deps: TraceProbeDeps = {}): Promise<PathTrace> {
  const start = now();
  const startedAt = new Date().toISOString();
  if (net.isIP(address) === 0) throw new RangeError(`not an IP address: ${address}`);
  const limits = traceLimits(o.timeoutMs, deps.maxHops);
  const lookup = deps.lookup ?? defaultLookup;
  const skipped: TraceSkip[] = [];
  const base = { direction: 'out' as const, target: address, maxHops: limits.maxHops, startedAt };
  // One bound for the whole probe: every tool gets what is left of it.
  const left = () => Math.max(0, limits.killMs - since(start));
  for (const tool of OUTBOUND_TCP_TOOLS) {
    const file = lookup(tool);
    if (!file) { skipped.push({ tool, reason: 'not-installed' }); continue; }
    const args = traceArgv(tool, address, port, limits);
    if (!args) { skipped.push({ tool, reason: 'unsupported' }); continue; }
    if (left() <= 0) break;
    o.log?.(`trace: ${file} ${args.join(' ')}`);
    const r = await runTool(file, args, left(), o);
    if (r.spawnError) { skipped.push({ tool, reason: r.spawnError === 'ENOENT' ? 'not-installed' : r.spawnError === 'EACCES' ? 'no-privilege' : 'failed', detail: r.spawnError }); continue; }
    const all = `${r.stderr}\n${r.stdout}`;
    if (r.code !== 0 && !r.timedOut && isPrivilegeFailure(all)) { skipped.push({ tool, reason: 'no-privilege', ...detailOf(r.stderr || r.stdout) }); continue; }
    const parsed = parseTraceOutput(tool, tool === 'mtr' ? r.stdout : all, address);
    if (!parsed || !parsed.hops.length) { skipped.push({ tool, reason: parsed ? 'no-output' : 'failed', ...detailOf(r.stderr || r.stdout) }); continue; }
    o.log?.(`trace: ${tool} ${parsed.hops.length} hops, reached=${parsed.reached}${r.timedOut ? ' (time bound)' : ''}`);
    return {
      ...base, tool, protocol: 'tcp', port, hops: parsed.hops, reached: parsed.reached, skipped,
      output: boundedOutput(all.trim()), ...(r.timedOut ? { timedOut: true } : {}), durationMs: since(start),
    };
  }
  const icmp = await icmpTrace(address, limits, { ...o, timeoutMs: Math.max(1000, left()) });
  if ('unusable' in icmp) {
    skipped.push({ tool: 'net-ping', reason: /denied|permission|root|CAP_NET_RAW/i.test(icmp.unusable) ? 'no-privilege' : 'failed', detail: icmp.unusable });
    return { ...base, hops: [], reached: false, skipped, unavailable: 'no-tool', durationMs: since(start) };
  }
  return {
    ...base, tool: 'net-ping', protocol: 'icmp', hops: icmp.hops, reached: icmp.reached, skipped,
    output: icmp.hops.map((h) => `${h.ttl} ${h.address ?? '*'}${h.rttMs !== undefined ? ` ${h.rttMs} ms` : ''}${h.flag ? ` ${h.flag}` : ''}`).join('\n'),
    ...(icmp.timedOut ? { timedOut: true } : {}), durationMs: since(start),
  };
}

function detailOf(s: string): { detail?: string } {
  const l = lastLine(s);
  return l ? { detail: l } : {};
}

type IcmpTrace = { hops: TraceHop[]; reached: boolean; timedOut?: boolean } | { unusable: string };

/** net-ping's traceRoute: TTL 1..maxHops, each hop waited `waitS`, ended after three silent
 *  hops or an ICMP destination-unreachable (the hop that sent it is where the path stops). */
function icmpTrace(address: string, limits: { waitS: number; maxHops: number }, o: ProbeOptions): Promise<IcmpTrace> {
  const loaded = loadNetPing();
  if (!loaded.mod) return Promise.resolve({ unusable: loaded.error?.detail ?? 'net-ping not loadable' });
  const sessionId = takeSessionId();
  if (sessionId === undefined) return Promise.resolve({ unusable: 'too many concurrent ICMP sessions' });
  const family = net.isIP(address) === 6 ? 6 : 4;
  let session: NetPingSession;
  try {
    session = loaded.mod.createSession({
      sessionId, networkProtocol: family === 6 ? loaded.mod.NetworkProtocol.IPv6 : loaded.mod.NetworkProtocol.IPv4,
      retries: 0, timeout: limits.waitS * 1000, packetSize: 16, ttl: limits.maxHops,
    });
  } catch (e) {
    releaseSessionId(sessionId);
    return Promise.resolve({ unusable: `raw socket unavailable: ${e instanceof Error ? e.message : String(e)}` });
  }
  if (typeof session.traceRoute !== 'function') {
    try { session.close(); } catch { /* closed */ }
    releaseSessionId(sessionId);
    return Promise.resolve({ unusable: 'net-ping has no traceRoute' });
  }
  const hops: TraceHop[] = [];
  let reached = false;
  let stopped = false;
  return guarded<IcmpTrace>(o, {
    onTimeout: () => ({ hops: [...hops], reached, timedOut: true }),
    cleanup: () => {
      stopped = true;
      try { session.close(); } catch { /* already closed */ }
      releaseSessionId(sessionId);
    },
  }, (settle) => {
    session.on('error', () => settle({ hops: [...hops], reached }));
    session.traceRoute!(address, { ttl: limits.maxHops, maxHopTimeouts: 3 }, (err, _target, ttl, sent, rcvd) => {
      if (stopped) return true;
      const rtt = sent && rcvd ? rcvd.getTime() - sent.getTime() : undefined;
      const source = (err as (Error & { source?: unknown }) | null)?.source;
      const from = typeof source === 'string' && net.isIP(source) ? source : undefined;
      if (!err) {
        reached = true;
        hops.push({ ttl, address, ...(rtt !== undefined ? { rttMs: rtt } : {}) });
        return false;
      }
      if (err.name === 'RequestTimedOutError') { hops.push({ ttl }); return false; }
      if (err.name === 'DestinationUnreachableError') {
        // traceroute's marks: the host itself refusing is still an answer from it.
        if (from === address) reached = true;
        hops.push({ ttl, ...(from ? { address: from, ...(rtt !== undefined ? { rttMs: rtt } : {}) } : {}), flag: '!H' });
        return true;
      }
      hops.push({ ttl, ...(from ? { address: from, ...(rtt !== undefined ? { rttMs: rtt } : {}) } : {}) });
      return false;
    }, () => settle({ hops: [...hops], reached }));
  });
}
