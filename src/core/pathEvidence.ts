/**
 * Path evidence in a run (`--trace`): the trace from here, run after the probes so its SYNs
 * never race theirs, and the guest's trace back read from the cloud's evidence — or why there
 * is none. Pure: the trace itself is an injected probe (probes/trace.ts).
 */
import type { Emit, DiagnoseDeps } from './diagnose';
import type { CloudEvidence, Target } from './model';
import type { ProbeOptions, Probes } from './probeContract';
import { traceLimits, type PathTrace } from './trace';
import { traceCheck } from './traceText';

/** Traces from here to the address the probes used (none when nothing resolved). */
export async function traceOut(target: Target, address: string | undefined, probes: Probes, deps: Pick<DiagnoseDeps, 'onCheckStart'>, o: ProbeOptions, emit: Emit): Promise<void> {
  if (!address || !probes.trace) return;
  deps.onCheckStart?.({ id: 'path.out', waitFor: 'trace', boundMs: traceLimits(target.timeoutMs).killMs, address, port: target.port });
  const t = await probes.trace(address, target.port, o);
  emit((l) => traceCheck(t, l));
}

/** The guest's trace back to the caller, or a trace that says why there is none. */
export function traceBackOf(cloud: CloudEvidence | undefined, guestChecks: boolean): PathTrace {
  const ran = cloud?.guest?.traceBack;
  if (ran) return ran;
  const caller = cloud?.callerIp ?? '';
  const base: PathTrace = { direction: 'back', target: caller, hops: [], reached: false, maxHops: 0, skipped: [], startedAt: new Date().toISOString(), durationMs: 0 };
  if (!guestChecks) return { ...base, unavailable: 'no-guest-checks' };
  if (!cloud?.callerIp) return { ...base, unavailable: 'caller-unknown' };
  return { ...base, unavailable: 'guest-failed' };
}

/** A target behind bastions is not traced from here: what we could trace is the way to the
 *  first bastion, which the report would then seem to call the target's path. */
export function notTracedThroughJump(target: Target): PathTrace {
  const last = target.jump?.[target.jump.length - 1];
  return {
    direction: 'out', target: target.host, port: target.port, hops: [], reached: false, maxHops: 0, skipped: [],
    unavailable: 'through-jump', ...(last ? { via: last.host } : {}), startedAt: new Date().toISOString(), durationMs: 0,
  };
}
