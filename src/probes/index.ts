/**
 * The real probe set (Node I/O): what the engine runs against a live host.
 * Environment: CVM_DOCTOR_ICMP=raw|system|off picks the ICMP method (see icmp.ts);
 * CVM_DOCTOR_TRACE=1 forwards ssh2's protocol trace to the log (never secrets).
 * CVM_DOCTOR_OPENSSH=off|PATH turns off the OpenSSH second opinion or picks its `ssh` (openssh.ts).
 */
import type { ProbeOptions, Probes } from '../core/probes';
import { probeAltPort } from './altPort';
import { probeBanner } from './banner';
import { probeDns } from './dns';
import { probeIcmp } from './icmp';
import { probeRdp } from './rdp';
import { probeSsh } from './ssh';
import { probeTcp } from './tcp';

export function createProbes(opts: { log?: (line: string) => void } = {}): Probes {
  // A per-call log wins; otherwise the factory's log receives the trace lines.
  const withLog = (o: ProbeOptions): ProbeOptions => (o.log || !opts.log ? o : { ...o, log: opts.log });
  return {
    dns: (host, o) => probeDns(host, withLog(o)),
    icmp: (address, o) => probeIcmp(address, withLog(o)),
    tcp: (address, port, o) => probeTcp(address, port, withLog(o)),
    banner: (conn, o) => probeBanner(conn, withLog(o)),
    ssh: (conn, ctx, o) => probeSsh(conn, ctx, withLog(o)),
    rdp: (conn, o) => probeRdp(conn, withLog(o)),
    altPort: (address, port, protocol, o) => probeAltPort(address, port, protocol, withLog(o)),
  };
}

export { probeAltPort, probeBanner, probeDns, probeIcmp, probeRdp, probeSsh, probeTcp };
export { hostKeyName, sha256Fingerprint } from './knownHosts';
