/**
 * Path evidence: a trace from this machine to the target's port, and one from the instance back
 * to the caller (DESIGN.md `--trace`). The model, the argv of each tool, and pure parsers of
 * each tool's real output (fixtures: test/unit/fixtures/trace) into hops, plus the one question
 * a report and a support ticket need answered: where does each direction stop. No I/O.
 */
import { parseIp, sameIp } from './ip';

/** The tools, in the order tried from here (TCP first), then the fallback, then the guest's. */
export type TraceTool = 'mtr' | 'traceroute' | 'tcptraceroute' | 'net-ping' | 'tracepath';
export const OUTBOUND_TCP_TOOLS = ['mtr', 'traceroute', 'tcptraceroute'] as const;
export type OutboundTcpTool = (typeof OUTBOUND_TCP_TOOLS)[number];
/** What the probes were: TCP SYNs to the port, ICMP echoes (often filtered), UDP (tracepath). */
export type TraceProtocol = 'tcp' | 'icmp' | 'udp';

/** One TTL of the trace. `address` absent: nothing answered at this TTL (a silent hop). */
export interface TraceHop {
  ttl: number;
  address?: string;
  rttMs?: number;
  /** mtr's loss at this hop, in percent. */
  lossPct?: number;
  /** An ICMP error marker the tool printed (traceroute's !H !N !P !X !A …): a router or the
   *  host refused the probe there. */
  flag?: string;
  /** tcptraceroute: the port answered SYN-ACK (open) or RST (closed). */
  port?: 'open' | 'closed';
}

/** Why a tool was passed over for the next one. */
export type TraceSkipReason = 'not-installed' | 'no-privilege' | 'unsupported' | 'failed' | 'no-output';
export interface TraceSkip { tool: TraceTool; reason: TraceSkipReason; detail?: string }

export interface PathTrace {
  direction: 'out' | 'back';
  /** The tool whose output the hops come from; absent when none could run. */
  tool?: TraceTool;
  protocol?: TraceProtocol;
  /** The TCP port traced to (protocol tcp). */
  port?: number;
  /** Where the trace went: the target's address (out), the caller's address (back). */
  target: string;
  hops: TraceHop[];
  /** The destination itself answered (a hop with its address, or the tool said so). */
  reached: boolean;
  maxHops: number;
  /** Tools tried before the one used, and why each was passed over. */
  skipped: TraceSkip[];
  /** The tool's own output, bounded (remote text: escape to show). For the ticket pack. */
  output?: string;
  /** The overall time bound ended the tool: the hops are what it printed until then. */
  timedOut?: boolean;
  /** Why there is no trace at all: no tool could run here (or in the guest), the caller's
   *  address is unknown, guest checks were not allowed, or the target is reached through a
   *  bastion (a trace from here would show the way to the bastion only). */
  unavailable?: 'no-tool' | 'caller-unknown' | 'no-guest-checks' | 'guest-failed' | 'through-jump';
  /** With 'through-jump': the bastion the last leg starts from. */
  via?: string;
  startedAt: string;
  durationMs: number;
}

/** Where one direction stops: the last hop that answered, the first silent one after it. */
export interface PathStop {
  reached: boolean;
  lastAnswering?: TraceHop;
  firstSilent?: TraceHop;
  /** The hop that refused the probe with an ICMP error (traceroute's !X …), if any. */
  refusedAt?: TraceHop;
}

export function pathStop(t: Pick<PathTrace, 'hops' | 'reached'>): PathStop {
  const answering = t.hops.filter((h) => h.address !== undefined);
  const last = answering[answering.length - 1];
  const firstSilent = t.hops.find((h) => h.address === undefined && (!last || h.ttl > last.ttl))
    // Not reached, nothing silent printed after the last answer: the next TTL is where it stops.
    ?? (!t.reached && last && !last.flag ? { ttl: last.ttl + 1 } : undefined);
  const refusedAt = t.hops.find((h) => h.flag !== undefined);
  return {
    reached: t.reached,
    ...(last ? { lastAnswering: last } : {}),
    ...(!t.reached && firstSilent ? { firstSilent } : {}),
    ...(refusedAt ? { refusedAt } : {}),
  };
}

// ------------------------------------------------------------------------------------------
// Bounds and argv (never a shell: every value is a separate argument, the address checked).

export const TRACE_MAX_HOPS = 20;

/** The longest the trace from here may take, whatever the tools do. */
export const TRACE_KILL_MS = 30_000;

/** Seconds each hop is waited for (1-2 s, from the run's per-probe timeout), and the kill
 *  bound of the whole probe: a tool that probes hop by hop (tcptraceroute) past a filter would
 *  otherwise take hops × wait; killed, what it printed so far (where the path stops) is kept. */
export function traceLimits(timeoutMs: number, maxHops = TRACE_MAX_HOPS): { waitS: number; maxHops: number; killMs: number } {
  const waitS = Math.min(2, Math.max(1, Math.ceil(timeoutMs / 2000)));
  return { waitS, maxHops, killMs: Math.min(TRACE_KILL_MS, maxHops * waitS * 1000 + 5000) };
}

export function traceArgv(tool: OutboundTcpTool, address: string, port: number, limits: { waitS: number; maxHops: number }): string[] | undefined {
  const family = parseIp(address)?.family;
  if (family === undefined || !Number.isInteger(port) || port < 1 || port > 65535) throw new RangeError(`not an address and port: ${address} ${port}`);
  const hops = String(limits.maxHops);
  const wait = String(limits.waitS);
  const fam = family === 6 ? ['-6'] : ['-4'];
  switch (tool) {
    // One cycle, JSON out: each hop answers or is "???".
    case 'mtr': return ['--tcp', '--port', String(port), '-n', '--json', '-c', '1', '-m', hops, '--timeout', wait, ...fam, address];
    case 'traceroute': return ['-T', '-p', String(port), '-n', '-q', '1', '-w', wait, '-m', hops, ...(family === 6 ? ['-6'] : []), address];
    // tcptraceroute speaks IPv4 only.
    case 'tcptraceroute': return family === 6 ? undefined : ['-n', '-q', '1', '-w', wait, '-m', hops, address, String(port)];
  }
}

/** A tool that ran but failed: was it for lack of privilege (raw sockets), so the next tool
 *  may still work? Real messages: traceroute "You do not have enough privileges to use this
 *  traceroute method." / "socket: Operation not permitted"; mtr-packet "Failure to open IPv4
 *  sockets: Permission denied", mtr "Failure to start mtr-packet"; tcptraceroute "Got root?". */
export function isPrivilegeFailure(output: string): boolean {
  return /not have enough privileges|Operation not permitted|Permission denied|Failure to start mtr-packet|Got root\?|requires root|must be root/i.test(output);
}

// ------------------------------------------------------------------------------------------
// Parsers. Each takes the tool's whole output and the traced address.

export interface ParsedTrace { hops: TraceHop[]; reached: boolean }

const num = (s: string | undefined): number | undefined => (s !== undefined && Number.isFinite(Number(s)) ? Number(s) : undefined);
const ipOrUndefined = (s: string | undefined): string | undefined => (s && parseIp(s) ? s : undefined);
const same = (a: string | undefined, b: string): boolean => a !== undefined && sameIp(a, b);

/** `mtr --json`: report.hubs[] with count (TTL), host ("???" when silent) and Loss%. */
export function parseMtrJson(text: string, target: string): ParsedTrace | undefined {
  let doc: unknown;
  try {
    const start = text.indexOf('{');
    if (start < 0) return undefined;
    doc = JSON.parse(text.slice(start, text.lastIndexOf('}') + 1));
  } catch {
    return undefined;
  }
  const hubs = (doc as { report?: { hubs?: unknown } })?.report?.hubs;
  if (!Array.isArray(hubs)) return undefined;
  const hops: TraceHop[] = [];
  for (const h of hubs as Array<Record<string, unknown>>) {
    const ttl = typeof h.count === 'number' ? h.count : num(String(h.count));
    if (ttl === undefined) continue;
    const loss = typeof h['Loss%'] === 'number' ? h['Loss%'] : undefined;
    const address = ipOrUndefined(typeof h.host === 'string' ? h.host : undefined);
    const answered = address !== undefined && (loss === undefined || loss < 100);
    hops.push({ ttl, ...(answered ? { address } : {}), ...(answered && typeof h.Avg === 'number' ? { rttMs: h.Avg } : {}), ...(loss !== undefined ? { lossPct: loss } : {}) });
  }
  return { hops, reached: hops.some((h) => same(h.address, target)) };
}

/** `mtr --report`: "  3.|-- 10.213.250.10   0.0%   1   3.0   3.0 …" ("???" and 100.0 when silent). */
export function parseMtrReport(text: string, target: string): ParsedTrace | undefined {
  const hops: TraceHop[] = [];
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*(\d+)\.\|--\s+(\S+)\s+([\d.]+)%?\s+(\d+)\s+([\d.]+)\s+([\d.]+)/.exec(line);
    if (!m) continue;
    const loss = Number(m[3]);
    const address = ipOrUndefined(m[2]);
    const answered = address !== undefined && loss < 100;
    hops.push({ ttl: Number(m[1]), ...(answered ? { address, rttMs: Number(m[6]) } : {}), lossPct: loss });
  }
  if (!hops.length && !/^HOST:/m.test(text)) return undefined;
  return { hops, reached: hops.some((h) => same(h.address, target)) };
}

const TRACEROUTE_FLAG = /^!(?:[HNPSFXVC]|A|\d+|F-\d+)$/;

/** traceroute (and tcptraceroute, same hop lines): " 2  10.213.250.6  0.088 ms", " 3  *",
 *  " 3  10.213.250.6  0.013 ms !X", tcptraceroute " 3  10.213.250.10 [open]  0.122 ms". */
export function parseTraceroute(text: string, target: string): ParsedTrace | undefined {
  const hops: TraceHop[] = [];
  // The header goes to stderr, the hops to stdout: in the combined text it may come last.
  const header = /^(traceroute|Tracing the path) to /m.test(text);
  if (!header) return undefined;
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*(\d+)\s+(.*)$/.exec(line);
    if (!m) continue;
    const ttl = Number(m[1]);
    const words = m[2].trim().split(/\s+/);
    const hop: TraceHop = { ttl };
    for (let i = 0; i < words.length; i++) {
      const w = words[i];
      if (hop.address === undefined && parseIp(w)) hop.address = w;
      else if (w === 'ms' && hop.rttMs === undefined) hop.rttMs = num(words[i - 1]);
      else if (w === '[open]' || w === '[closed]') hop.port = w === '[open]' ? 'open' : 'closed';
      else if (TRACEROUTE_FLAG.test(w) && hop.flag === undefined) hop.flag = w;
    }
    if (hop.address === undefined) { delete hop.rttMs; delete hop.flag; }
    // A TTL printed twice (should not happen with -q 1) keeps its first answer.
    const known = hops.find((h) => h.ttl === ttl);
    if (!known) hops.push(hop);
    else if (known.address === undefined && hop.address !== undefined) Object.assign(known, hop);
  }
  // The destination answering with an ICMP error (!X from itself) still answered.
  return { hops, reached: hops.some((h) => same(h.address, target)) };
}

export const parseTcptraceroute = parseTraceroute;

/** tracepath: " 1:  10.213.250.9   0.049ms", " 3:  no reply", " 3:  10.213.250.2  0.026ms reached";
 *  "1?: [LOCALHOST]" lines and repeated TTLs (the PMTU probe) are skipped. */
export function parseTracepath(text: string, target: string): ParsedTrace | undefined {
  const hops: TraceHop[] = [];
  let reachedSaid = false;
  let any = false;
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*(\d+)(\??):\s+(.*)$/.exec(line);
    if (!m) continue;
    any = true;
    if (m[2] === '?') continue;
    const ttl = Number(m[1]);
    const rest = m[3].trim();
    const words = rest.split(/\s+/);
    const address = ipOrUndefined(words[0]);
    const rtt = /([\d.]+)ms\b/.exec(rest);
    if (/\breached\b/.test(rest)) reachedSaid = true;
    const hop: TraceHop = { ttl, ...(address ? { address, ...(rtt ? { rttMs: Number(rtt[1]) } : {}) } : {}) };
    const known = hops.find((h) => h.ttl === ttl);
    if (!known) hops.push(hop);
    else if (known.address === undefined && hop.address !== undefined) Object.assign(known, hop);
  }
  if (!any) return undefined;
  return { hops, reached: reachedSaid || hops.some((h) => same(h.address, target)) };
}

/** The parser for a tool's output (mtr: JSON from here, --report in the guest). */
export function parseTraceOutput(tool: TraceTool, text: string, target: string): ParsedTrace | undefined {
  switch (tool) {
    case 'mtr': return parseMtrJson(text, target) ?? parseMtrReport(text, target);
    case 'traceroute':
    case 'tcptraceroute': return parseTraceroute(text, target);
    case 'tracepath': return parseTracepath(text, target);
    case 'net-ping': return undefined;
  }
}

/** The protocol a tool's trace used (from here: TCP tools and the ICMP fallback; the guest's
 *  mtr sends ICMP echoes, tracepath UDP). */
export function traceProtocol(tool: TraceTool, direction: 'out' | 'back'): TraceProtocol {
  if (tool === 'tracepath') return 'udp';
  if (tool === 'net-ping' || direction === 'back') return 'icmp';
  return 'tcp';
}

/** Output kept for the ticket: the tool's own text, bounded. */
export const TRACE_OUTPUT_LIMIT = 16_000;
export function boundedOutput(s: string): string {
  return s.length > TRACE_OUTPUT_LIMIT ? `${s.slice(0, TRACE_OUTPUT_LIMIT)}\n[…]` : s;
}
