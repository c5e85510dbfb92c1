/**
 * The one order in which checks are shown (report, webview, exports, CLI): the order a person
 * reasons in, layer by layer, whatever order the probes finished in. Pure.
 */
import type { Check, CheckId } from './model';

export const CHECK_ORDER: readonly CheckId[] = [
  // The user's own ssh configuration, keys and agent come before any packet.
  'local.config', 'local.keys', 'local.agent',
  'dns', 'icmp', 'tcp', 'altports', 'banner', 'kex', 'hostkey', 'auth', 'login', 'openssh', 'rdp',
  // After a login: whether VS Code's server will run there (its own report section).
  'vscode.session', 'vscode.platform', 'vscode.glibc', 'vscode.libstdcxx', 'vscode.kernel', 'vscode.tar', 'vscode.disk',
  'vscode.fetcher', 'vscode.download', 'vscode.forwarding',
  'cloud.instance', 'cloud.securityGroups', 'cloud.firewall', 'cloud.networkAcl', 'cloud.guest', 'cloud.guestReach', 'cloud.health', 'cloud.monitor',
  // Path evidence (--trace): where each direction stops.
  'path.out', 'path.back',
];

const RANK = new Map<CheckId, number>(CHECK_ORDER.map((id, i) => [id, i]));

/** Through bastions, hop N's checks (`hop2.tcp`) follow hop N-1's, each hop in this order. */
export function checkRank(id: Check['id']): number {
  const m = /^hop(\d+)\.(.+)$/.exec(id);
  const hop = m ? Number(m[1]) : 1;
  const layer = (m ? m[2] : id) as CheckId;
  return (hop - 1) * (CHECK_ORDER.length + 1) + (RANK.get(layer) ?? CHECK_ORDER.length);
}

/** A copy in CHECK_ORDER; checks of the same id keep their order (the sort is stable). */
export function sortChecks<T extends Pick<Check, 'id'>>(checks: readonly T[]): T[] {
  return [...checks].sort((a, b) => checkRank(a.id) - checkRank(b.id));
}
