/** What a report says it diagnosed: the target as asked (never credentials) and the addresses
 *  its name resolved to. One home for the direct run (diagnose.ts) and the chain
 *  (jumpDiagnose.ts, which adds the bastions). */
import type { DnsResult, ReportTarget, Target } from './model';

export function reportTarget(target: Target, dns: DnsResult | undefined): ReportTarget {
  return {
    host: target.host,
    port: target.port,
    protocol: target.protocol,
    user: target.user,
    name: target.name,
    addresses: dns?.addresses.map((a) => a.address) ?? [],
    cloud: target.cloud,
  };
}
