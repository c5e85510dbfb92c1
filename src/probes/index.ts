/**
 * The real probe set (Node I/O): what the engine runs against a live host.
 * Environment: CVM_DOCTOR_ICMP=raw|system|off picks the ICMP method (see icmp.ts);
 * CVM_DOCTOR_TRACE=1 forwards ssh2's protocol trace to the log (never secrets).
 * CVM_DOCTOR_OPENSSH=off|PATH turns off the system OpenSSH (the Local layer's ssh -G, the fallback and
 * the second opinion) or picks its `ssh` (openssh.ts).
 */
import type { ProbeOptions, Probes } from '../core/probeContract';
import { probeBanner } from './banner';
import { probeDns, type DnsOptions } from './dns';
import { probeIcmp } from './icmp';
import { probeLocal } from './local';
import { probeSecondOpinion } from './secondOpinion';
import { probeRdp } from './rdp';
import { probeSsh } from './ssh';
import { probeTcp } from './tcp';
import { probeTrace, type ToolLookup } from './trace';

export interface ProbeSetOptions {
  log?: (line: string) => void;
  /** Ask these DNS servers instead of the system resolver (dns.ts). */
  dns?: DnsOptions;
  /** The system `ssh` (the extension's setting; default from CVM_DOCTOR_OPENSSH or PATH):
   *  the Local layer's `ssh -G`, the OpenSSH fallback and the second opinion all use it. */
  opensshPath?: string;
  /** Where the trace tools are found (trace.ts defaultLookup unless given). */
  traceLookup?: ToolLookup;
}

export function createProbes(opts: ProbeSetOptions = {}): Probes {
  // A per-call log wins; otherwise the factory's log receives the trace lines.
  const withLog = (o: ProbeOptions): ProbeOptions => (o.log || !opts.log ? o : { ...o, log: opts.log });
  return {
    dns: (host, o) => probeDns(host, withLog(o), opts.dns),
    icmp: (address, o) => probeIcmp(address, withLog(o)),
    tcp: (address, port, o) => probeTcp(address, port, withLog(o)),
    banner: (conn, o) => probeBanner(conn, withLog(o)),
    ssh: (conn, ctx, o) => probeSsh(conn, ctx, withLog(o), opts.opensshPath),
    rdp: (conn, o) => probeRdp(conn, withLog(o)),
    trace: (address, port, o) => probeTrace(address, port, withLog(o), opts.traceLookup ? { lookup: opts.traceLookup } : {}),
    local: (ctx, o) => probeLocal(ctx, { ...withLog(o), ...(opts.opensshPath ? { executable: opts.opensshPath } : {}) }),
    secondOpinion: (ctx, o) => probeSecondOpinion({ ...ctx, ...(opts.opensshPath ? { executable: opts.opensshPath } : {}) }, withLog(o)),
  };
}

export { probeBanner, probeDns, probeIcmp, probeRdp, probeSsh, probeTcp };
export { prepareKey } from './ssh';
export { hostKeyName, sha256Fingerprint } from './knownHosts';
