/**
 * A lab host as a Lighthouse instance: its public address is the host's namespace address, and
 * its firewall — the rules the local endpoint holds for the instance — is enforced on the host
 * itself as an nftables table of its own (`inet lhfw`, policy drop, the rules in order, first
 * match wins as in the cloud). After every change through the API the test calls
 * `enforceFirewall`, so the real probes see exactly what the endpoint's firewall says: a fix
 * that lands below a DROP still leaves the port silent, a reorder opens it.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { FirewallRuleInfo } from '../../src/cloud/firewallEval';
import type { Lab, LabHost } from './lab';
import { REGION } from './tencentEndpoint';
import type { FixtureLighthouseInstance } from './tencentEndpointFixture';

/** One firewall rule as an nft rule (no source = 0.0.0.0/0, as the API documents). */
export function nftRule(r: FirewallRuleInfo): string {
  const proto = (r.Protocol ?? 'ALL').toUpperCase();
  const parts: string[] = [];
  if (r.Ipv6CidrBlock) parts.push(`ip6 saddr ${r.Ipv6CidrBlock}`);
  else if (r.CidrBlock) parts.push(`ip saddr ${r.CidrBlock}`);
  else if (proto !== 'ICMPV6') parts.push('ip saddr 0.0.0.0/0');
  if (proto === 'TCP' || proto === 'UDP') {
    parts.push(`meta l4proto ${proto.toLowerCase()}`);
    const port = (r.Port ?? 'ALL').trim();
    if (port && port.toUpperCase() !== 'ALL') parts.push(`th dport { ${port.split(',').map((p) => p.trim()).join(', ')} }`);
  } else if (proto === 'ICMP') parts.push('meta l4proto icmp');
  else if (proto === 'ICMPV6') parts.push('meta l4proto ipv6-icmp');
  parts.push((r.Action ?? 'ACCEPT').toUpperCase() === 'DROP' ? 'drop' : 'accept');
  return parts.join(' ');
}

/** Replaces the host's `inet lhfw` table with `rules` (established traffic and IPv6 neighbour
 *  discovery pass, as the cloud's stateful firewall lets them). */
export async function enforceFirewall(lab: Lab, h: LabHost, rules: FirewallRuleInfo[]): Promise<void> {
  const body = [
    'table inet lhfw', 'delete table inet lhfw',
    'table inet lhfw {', '  chain input {', '    type filter hook input priority -10; policy drop;',
    '    ct state established,related accept', '    iif lo accept',
    '    meta l4proto ipv6-icmp icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert, nd-router-advert } accept',
    ...rules.map((r) => `    ${nftRule(r)}`), '  }', '}', '',
  ].join('\n');
  const file = path.join(lab.dir, `lhfw-${h.ns}.nft`);
  fs.writeFileSync(file, body);
  await h.exec(['nft', '-f', file]);
}

/** A RUNNING Linux Lighthouse instance in REGION whose public address is the lab host's. */
export function labLighthouseInstance(id: string, h: LabHost, over: Partial<FixtureLighthouseInstance> = {}): FixtureLighthouseInstance {
  return {
    region: REGION, InstanceId: id, InstanceName: id.replace(/^lhins-/, ''), InstanceState: 'RUNNING', InstanceRestrictState: 'NORMAL',
    PublicAddresses: [h.ipv4], PrivateAddresses: ['127.0.1.50'], OsName: 'Debian 12 64bit', Platform: 'DEBIAN', PlatformType: 'LINUX_UNIX',
    Zone: `${REGION}-3`, ...over,
  };
}
