/**
 * Name resolution. By default through the system resolver (what ssh and mstsc use): all
 * addresses in getaddrinfo's order, which is the order ssh tries them in. `dns.lookup` runs in
 * libuv's thread pool and cannot be cancelled, so it is raced against the timer and its late
 * answer is ignored.
 *
 * With `servers` (DnsOptions), the name is asked of those DNS servers only (no hosts file, no
 * search domains): AAAA and A at once, IPv6 addresses first, each family in the server's order
 * (getaddrinfo's order on a dual-stack host for global addresses, RFC 6724). This is how a
 * test resolves a name of its own without touching the machine's resolver.
 */
import * as dns from 'node:dns';
import * as net from 'node:net';
import type { DnsResult } from '../core/model';
import type { ProbeOptions } from '../core/probeContract';
import { guarded, now, since } from './abort';

export interface DnsOptions {
  /** DNS servers ("127.0.0.1:5353", "[::1]:53") to ask instead of the system resolver. */
  servers?: string[];
}

/** The canonical text of an IP literal (lower case, zeros compressed): how every probe and
 *  the classifier compare addresses. */
export function canonicalIp(address: string): string {
  const family = net.isIP(address);
  if (family === 0) return address;
  return new net.SocketAddress({ address, family: family === 6 ? 'ipv6' : 'ipv4' }).address;
}

export function probeDns(host: string, o: ProbeOptions, d: DnsOptions = {}): Promise<DnsResult> {
  const start = now();
  const family = net.isIP(host);
  if (family === 4 || family === 6) {
    return guarded<DnsResult>(o, {
      onTimeout: () => ({ ok: false, addresses: [], literal: true, errorCode: 'ETIMEOUT', durationMs: since(start) }),
      cleanup: () => undefined,
    }, (settle) => settle({ ok: true, addresses: [{ address: canonicalIp(host), family }], literal: true, durationMs: since(start) }));
  }
  if (host.length === 0 || host.length > 253) {
    return guarded<DnsResult>(o, {
      onTimeout: () => ({ ok: false, addresses: [], literal: false, errorCode: 'ETIMEOUT', durationMs: since(start) }),
      cleanup: () => undefined,
    }, (settle) => settle({ ok: false, addresses: [], literal: false, errorCode: 'EBADNAME', durationMs: since(start) }));
  }
  return d.servers?.length ? viaServers(host, d.servers, o, start) : viaSystem(host, o, start);
}

function viaSystem(host: string, o: ProbeOptions, start: number): Promise<DnsResult> {
  return guarded<DnsResult>(o, {
    onTimeout: () => ({ ok: false, addresses: [], literal: false, errorCode: 'ETIMEOUT', durationMs: since(start) }),
    cleanup: () => undefined,
  }, (settle) => {
    dns.lookup(host, { all: true, verbatim: true }, (err, addrs) => {
      if (err) {
        o.log?.(`dns: ${host}: ${err.code ?? err.message}`);
        settle({ ok: false, addresses: [], literal: false, errorCode: err.code ?? 'EUNKNOWN', durationMs: since(start) });
        return;
      }
      const addresses = addrs
        .filter((a) => a.family === 4 || a.family === 6)
        .map((a) => ({ address: canonicalIp(a.address), family: a.family as 4 | 6 }));
      settle(addresses.length > 0
        ? { ok: true, addresses, literal: false, durationMs: since(start) }
        : { ok: false, addresses: [], literal: false, errorCode: 'ENODATA', durationMs: since(start) });
    });
  });
}

/** "No such record" answers: the other family may still have addresses. */
const NO_RECORDS = new Set(['ENODATA', 'ENOTFOUND']);

function viaServers(host: string, servers: string[], o: ProbeOptions, start: number): Promise<DnsResult> {
  // c-ares: one try per server, each bounded by the probe's own timeout.
  const resolver = new dns.promises.Resolver({ timeout: Math.max(1, Math.min(o.timeoutMs, 5000)), tries: 1 });
  return guarded<DnsResult>(o, {
    onTimeout: () => ({ ok: false, addresses: [], literal: false, errorCode: 'ETIMEOUT', durationMs: since(start) }),
    cleanup: () => resolver.cancel(),
  }, (settle) => {
    resolver.setServers(servers);
    type Answer = { list: DnsResult['addresses']; code?: string };
    const ask = (family: 4 | 6): Promise<Answer> => (family === 6 ? resolver.resolve6(host) : resolver.resolve4(host))
      .then((list) => ({ list: list.map((address) => ({ address: canonicalIp(address), family })) }), (e: NodeJS.ErrnoException) => ({ list: [], code: e.code ?? 'EUNKNOWN' }));
    void Promise.all([ask(6), ask(4)]).then(([v6, v4]) => {
      const addresses = [...v6.list, ...v4.list];
      if (addresses.length > 0) { settle({ ok: true, addresses, literal: false, durationMs: since(start) }); return; }
      // A failure of the server itself (timeout, refused) says more than "no such record".
      const code = [v4.code, v6.code].find((c) => c && !NO_RECORDS.has(c)) ?? v4.code ?? v6.code ?? 'ENODATA';
      o.log?.(`dns: ${host} via ${servers.join(', ')}: ${code}`);
      settle({ ok: false, addresses: [], literal: false, errorCode: code, durationMs: since(start) });
    });
  });
}
