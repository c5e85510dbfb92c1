/**
 * Identifies what answers on one alternative port, to find a server that moved: SSH by its
 * identification line, RDP by an X.224 Connection Confirm. Shares the caller's budget: the
 * connect and the identification together stay within timeoutMs.
 */
import type { AltPortResult, Protocol } from '../core/model';
import type { ProbeOptions } from '../core/probes';
import { now } from './abort';
import { probeBanner } from './banner';
import { probeRdp } from './rdp';
import { probeTcp } from './tcp';

export async function probeAltPort(address: string, port: number, protocol: Protocol, o: ProbeOptions): Promise<AltPortResult> {
  const start = now();
  const { result: tcp, connection } = await probeTcp(address, port, o);
  if (!connection) return { port, tcp };
  try {
    const rest: ProbeOptions = { ...o, timeoutMs: Math.max(1, o.timeoutMs - (now() - start)) };
    if (protocol === 'ssh') {
      const b = await probeBanner(connection, rest);
      if (b.outcome === 'ssh') return { port, tcp, protocol: 'ssh', ...(b.line !== undefined ? { banner: b.line } : {}) };
      if (b.outcome === 'other') return { port, tcp, protocol: 'other', ...(b.line !== undefined ? { banner: b.line } : {}) };
      return { port, tcp, protocol: 'silent' };
    }
    const r = await probeRdp(connection, rest);
    if (r.outcome === 'rdp') return { port, tcp, protocol: 'rdp' };
    if (r.outcome === 'not-rdp') return { port, tcp, protocol: 'other' };
    return { port, tcp, protocol: 'silent' };
  } finally {
    connection.close();
  }
}
