/**
 * Name resolution through the system resolver (what ssh and mstsc would use), all addresses in
 * the resolver's order. `dns.lookup` runs in libuv's thread pool and cannot be cancelled, so it
 * is raced against the timer and its late answer is ignored.
 */
import * as dns from 'node:dns';
import * as net from 'node:net';
import type { DnsResult } from '../core/model';
import type { ProbeOptions } from '../core/probes';
import { guarded, now, since } from './abort';

export function probeDns(host: string, o: ProbeOptions): Promise<DnsResult> {
  const start = now();
  const family = net.isIP(host);
  if (family === 4 || family === 6) {
    return guarded<DnsResult>(o, {
      onTimeout: () => ({ ok: false, addresses: [], literal: true, errorCode: 'ETIMEOUT', durationMs: since(start) }),
      cleanup: () => undefined,
    }, (settle) => settle({ ok: true, addresses: [{ address: host, family }], literal: true, durationMs: since(start) }));
  }
  return guarded<DnsResult>(o, {
    onTimeout: () => ({ ok: false, addresses: [], literal: false, errorCode: 'ETIMEOUT', durationMs: since(start) }),
    cleanup: () => undefined,
  }, (settle) => {
    if (host.length === 0 || host.length > 253) {
      settle({ ok: false, addresses: [], literal: false, errorCode: 'EBADNAME', durationMs: since(start) });
      return;
    }
    dns.lookup(host, { all: true, verbatim: true }, (err, addrs) => {
      if (err) {
        o.log?.(`dns: ${host}: ${err.code ?? err.message}`);
        settle({ ok: false, addresses: [], literal: false, errorCode: err.code ?? 'EUNKNOWN', durationMs: since(start) });
        return;
      }
      const addresses = addrs
        .filter((a) => a.family === 4 || a.family === 6)
        .map((a) => ({ address: a.address, family: a.family as 4 | 6 }));
      settle(addresses.length > 0
        ? { ok: true, addresses, literal: false, durationMs: since(start) }
        : { ok: false, addresses: [], literal: false, errorCode: 'ENODATA', durationMs: since(start) });
    });
  });
}
