/**
 * The in-guest trace back to the caller (`--trace` with guest checks): a section of the TAT
 * script and its parser. Read-only and fixed: `mtr -n --report` (ICMP, one cycle) when it is
 * installed, else `tracepath -n` (UDP), each bounded in hops and, when coreutils' `timeout`
 * exists, in time. The caller's address is the only variable part and must pass net.isIP
 * before it is written in (buildGuestScript checks it; this file checks it again). Pure.
 */
import * as net from 'net';
import { boundedOutput, parseTraceOutput, traceProtocol, type PathTrace, type TraceSkip } from '../core/trace';
import type { Section } from './guestScript';

export const TRACE_BACK_SECTION = 'traceback';
/** Hops and seconds the guest's trace may take (TAT's own timeout is 60 s for the script). */
export const TRACE_BACK_HOPS = 20;
export const TRACE_BACK_SECONDS = 25;

/** The shell fragment: `sec`, `end` and `has` are the script's own helpers. */
export function traceBackFragment(callerIp: string): string {
  const family = net.isIP(callerIp);
  if (family === 0) throw new RangeError(`invalid caller address: ${callerIp}`);
  const six = family === 6 ? ' -6' : '';
  return `
sec ${TRACE_BACK_SECTION}
# Path evidence: from this instance back to the caller ${callerIp} (read-only, bounded).
# tracepath waits about 3 s for each silent hop: cut at the bound, its lines so far kept (stdbuf).
TB=""; has timeout && TB="timeout ${TRACE_BACK_SECONDS}"; LB=""; has stdbuf && LB="stdbuf -oL"
if has mtr; then echo "tool mtr"; $TB mtr -n --report -c 1 -m ${TRACE_BACK_HOPS} --timeout 1${six} ${callerIp} 2>&1; rc=$?
elif has tracepath; then echo "tool tracepath"; $TB $LB tracepath -n -m ${TRACE_BACK_HOPS}${six} ${callerIp} 2>&1; rc=$?
else echo "tool none"; rc=127; fi
end ${TRACE_BACK_SECTION} $rc
`;
}

/**
 * The guest's trace from its section; undefined when the script had no such section (it was
 * not asked for). A section cut short (no END) is parsed as far as it goes (`timedOut`).
 */
export function parseTraceBack(sections: Map<string, Section>, callerIp: string, startedAt: string, durationMs: number): PathTrace | undefined {
  const s = sections.get(TRACE_BACK_SECTION);
  if (!s) return undefined;
  const toolLine = s.lines.find((l) => l.startsWith('tool '));
  const tool = toolLine?.slice(5).trim();
  const body = s.lines.filter((l) => l !== toolLine).join('\n');
  const base = { direction: 'back' as const, target: callerIp, maxHops: TRACE_BACK_HOPS, startedAt, durationMs, hops: [], reached: false };
  const skipped: TraceSkip[] = [];
  if (tool !== 'mtr' && tool !== 'tracepath') {
    skipped.push({ tool: 'mtr', reason: 'not-installed' }, { tool: 'tracepath', reason: 'not-installed' });
    return { ...base, skipped, unavailable: 'no-tool' };
  }
  const parsed = parseTraceOutput(tool, body, callerIp);
  // coreutils' timeout exits 124 when it had to stop the trace.
  const timedOut = s.rc === undefined || s.rc === 124;
  if (!parsed) {
    return { ...base, tool, protocol: traceProtocol(tool, 'back'), skipped: [{ tool, reason: 'no-output', ...(body.trim() ? { detail: body.trim().slice(0, 300) } : {}) }], output: boundedOutput(body), ...(timedOut ? { timedOut } : {}) };
  }
  return {
    ...base, tool, protocol: traceProtocol(tool, 'back'), hops: parsed.hops, reached: parsed.reached, skipped,
    output: boundedOutput(body), ...(timedOut ? { timedOut } : {}),
  };
}
