/**
 * The in-guest check sent through TAT, and the parser of its answer. The script is fixed and
 * read-only (it inspects, never changes); the port is its only variable part and is checked to
 * be an integer 1-65535 before it is written in. Its output is sectioned with marker lines so
 * the parser never guesses where one command's output ends. Pure.
 */
import { parseOsRelease } from '../core/guestOs';
import type { CloudEvidence, FirewallDecision } from '../core/model';
import { parseIp, parseRange, rangeContains } from './ipMatch';
import { HEALTH_SCRIPT, parseGuestHealth } from './guestScriptHealth';
import { parseReach, reachScript } from './guestScriptReach';
import { traceBackFragment } from './guestTrace';

export const MARK = '@@CVMDOCTOR';

/** What the script may be told besides the port; each part is validated before it is written
 *  in (a bad value throws, like a bad port). Extendable: other checks add their own options. */
export interface GuestScriptOptions {
  /** The caller's address (net.isIP): the SYN watch looks for packets from it, the trace back
   *  goes to it. */
  callerIp?: string;
  /** The instance's public addresses (net.isIP) as the cloud knows them: the guest connects
   *  to its port on them (behind 1:1 NAT it cannot see them itself). */
  publicIps?: string[];
  /** `--trace`: also trace from the instance back to `callerIp` (guestTrace.ts). */
  traceBack?: boolean;
}

export function buildGuestScript(port: number, opts: GuestScriptOptions = {}): string {
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new RangeError(`invalid port: ${String(port)}`);
  // Validated here (reachScript throws on anything but an IP literal) before any text is built.
  const reach = reachScript(opts.callerIp, opts.publicIps ?? []);
  const traceBack = opts.traceBack && opts.callerIp !== undefined ? traceBackFragment(opts.callerIp) : '';
  return `#!/bin/sh
# CVM Doctor: read-only diagnosis of SSH on port ${port}. This script changes nothing.
PORT=${port}
export LC_ALL=C PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
has() { command -v "$1" >/dev/null 2>&1; }
sec() { echo "${MARK}:BEGIN $1"; }
end() { echo "${MARK}:END $1 rc=$2"; }
SSHD=$(command -v sshd 2>/dev/null || echo /usr/sbin/sshd)

sec service
if has systemctl; then
  for u in ssh sshd ssh.socket; do echo "systemd $u $(systemctl is-active "$u" 2>/dev/null)"; done
  systemctl show -p Listen ssh.socket 2>/dev/null | sed -n 's/^Listen=/socket-listen /p'
fi
if has pgrep; then if pgrep -x sshd >/dev/null 2>&1; then echo "process sshd running"; else echo "process sshd absent"; fi; fi
end service 0

sec osrelease
if [ -r /etc/os-release ]; then head -c 4000 /etc/os-release; elif [ -r /usr/lib/os-release ]; then head -c 4000 /usr/lib/os-release; fi
echo
end osrelease 0

sec listen
if has ss; then ss -Htlnp 2>&1; else netstat -tlnp 2>&1 | tail -n +3; fi
end listen $?

sec configtest
# On Debian/Ubuntu a stopped ssh has no /run/sshd: sshd -t then fails on that alone (its last
# check). Nothing is created here; the parser reads that message as "stopped, config valid".
"$SSHD" -t 2>&1
end configtest $?

sec config
if ! "$SSHD" -T 2>/dev/null | grep -Ei '^(port|listenaddress) '; then
  grep -hEi '^[[:space:]]*(Port|ListenAddress)[[:space:]]' /etc/ssh/sshd_config /etc/ssh/sshd_config.d/*.conf 2>/dev/null
fi
end config 0

sec iptables
if has iptables; then iptables -S INPUT 2>&1 | head -n 200; fi
end iptables $?

sec nft
if has nft; then nft list ruleset 2>&1 | head -c 8000; fi
rc=$?
echo
end nft $rc

sec firewalld
if has firewall-cmd && firewall-cmd --state >/dev/null 2>&1; then
  echo "state running"; echo "ports $(firewall-cmd --list-ports 2>/dev/null)"; echo "services $(firewall-cmd --list-services 2>/dev/null)"
fi
end firewalld 0

sec ufw
if has ufw; then ufw status 2>&1 | head -n 100; fi
end ufw $?

sec hostkeys
for f in /etc/ssh/ssh_host_*_key.pub; do [ -r "$f" ] && ssh-keygen -lf "$f" 2>&1; done
end hostkeys 0
${HEALTH_SCRIPT}${reach}${traceBack}`;
}

export interface Section { lines: string[]; rc?: number }

/** Splits the marker-delimited output; text outside sections is ignored. */
export function parseSections(output: string): Map<string, Section> {
  const out = new Map<string, Section>();
  let current: { name: string; lines: string[] } | undefined;
  for (const raw of output.split(/\r?\n/)) {
    const begin = raw.startsWith(`${MARK}:BEGIN `) ? raw.slice(MARK.length + 7).trim() : undefined;
    if (begin !== undefined) {
      // A section whose END never came (its output was cut mid-line) still counts.
      if (current) out.set(current.name, { lines: current.lines });
      current = { name: begin, lines: [] };
      continue;
    }
    const end = raw.startsWith(`${MARK}:END `) ? /^(\S+) rc=(\d+)/.exec(raw.slice(MARK.length + 5)) : undefined;
    if (end && current && end[1] === current.name) {
      out.set(current.name, { lines: current.lines, rc: Number(end[2]) });
      current = undefined;
      continue;
    }
    if (current) current.lines.push(raw);
  }
  // A section cut short (output truncated) still counts, without an exit code.
  if (current) out.set(current.name, { lines: current.lines });
  return out;
}

type Guest = NonNullable<CloudEvidence['guest']>;

/** Port of a listen address as ss/netstat print it: 0.0.0.0:22, [::]:22, *:22, ::1%lo:631. */
function portOf(addr: string): number | undefined {
  const m = /:(\d{1,5})$/.exec(addr);
  return m ? Number(m[1]) : undefined;
}

function parseListen(lines: string[], socketPorts: number[]): { sshd: number[]; all: Array<{ port: number; process: string }> } {
  const all: Array<{ port: number; process: string }> = [];
  for (const l of lines) {
    const cols = l.trim().split(/\s+/);
    // ss -H: State Recv-Q Send-Q Local Peer Process; netstat: Proto Recv-Q Send-Q Local Foreign State PID/Prog
    const port = cols.length >= 4 ? portOf(cols[3]) : undefined;
    if (port === undefined) continue;
    // ss lists every process holding the socket: ("sshd",…),("systemd",pid=1,…).
    const procs = [...l.matchAll(/\("([^"]+)",pid=/g)].map((x) => x[1]);
    const netstat = /\d+\/(\S+)\s*$/.exec(l)?.[1];
    for (const proc of procs.length ? procs : [netstat ?? '']) all.push({ port, process: proc });
  }
  const uniq = (a: number[]) => [...new Set(a)].sort((x, y) => x - y);
  // sshd itself, or systemd holding the port for ssh.socket (Ubuntu 22.10+ socket activation);
  // systemd holds sockets for other units too, so only the ports ssh.socket lists count.
  return { sshd: uniq(all.filter((p) => /^sshd?$|^sshd:/.test(p.process) || (p.process === 'systemd' && socketPorts.includes(p.port))).map((p) => p.port)), all };
}

function parseConfigPorts(lines: string[]): number[] {
  const ports = new Set<number>();
  for (const l of lines) {
    const m = /^\s*port\s+(\d{1,5})\s*$/i.exec(l);
    if (m) ports.add(Number(m[1]));
    const la = /^\s*listenaddress\s+(\S+)/i.exec(l);
    const p = la ? portOf(la[1].replace(/^\[(.*)\](:\d+)?$/, (_s, a: string, pp?: string) => pp ? `${a}${pp}` : a)) : undefined;
    // "ListenAddress 0.0.0.0:2222" carries its own port; a bare IPv6 address has no port.
    if (p !== undefined && la && !(la[1].includes('::') && !la[1].startsWith('['))) ports.add(p);
  }
  return [...ports].sort((a, b) => a - b);
}

function portInSpec(spec: string, port: number): boolean {
  return spec.split(',').some((p) => {
    const [lo, hi] = p.split(/[:-]/).map((x) => Number(x.trim()));
    return hi === undefined || Number.isNaN(hi) ? lo === port : port >= lo && port <= hi;
  });
}

/** A firewall's answer for the port (model.ts FirewallDecision), with `detail` in English.
 *  `onlyFrom`: it accepts the port only from these sources and blocks the rest, so whether it
 *  blocks depends on the caller's address. */
type FwDecision = (FirewallDecision & { detail: string }) | undefined;
type Why = Omit<FirewallDecision, 'blocks' | 'onlyFrom' | 'callerOutside'>;

/** A blocking decision, unless earlier rules accepted the port from some sources only. */
function blocking(why: Why, detail: string, onlyFrom: string[], port: number): NonNullable<FwDecision> {
  const label = why.firewall;
  return onlyFrom.length
    ? { ...why, blocks: false, onlyFrom, detail: `${label}: tcp/${port} is accepted only from ${onlyFrom.join(', ')} (${detail} for the rest)` }
    : { ...why, blocks: true, detail: `${label}: ${detail}` };
}

/** iptables -S INPUT: first rule that can match a new TCP SYN to the port decides, else the policy. */
export function analyseIptables(lines: string[], port: number): FwDecision {
  const policy = lines.map((l) => /^-P INPUT (\S+)/.exec(l)?.[1]).find(Boolean);
  if (!policy) return undefined;
  const onlyFrom: string[] = [];
  for (const l of lines) {
    if (!l.startsWith('-A INPUT')) continue;
    const target = /\s-j (\S+)/.exec(l)?.[1];
    if (!target) continue;
    // Rules for loopback, established traffic or other protocols don't decide.
    if (/\s-i lo\b|--(ct)?state (?!.*NEW)|--ctstate (?!.*NEW)/.test(l)) continue;
    const proto = /\s-p (\S+)/.exec(l)?.[1];
    if (proto && proto !== 'tcp' && proto !== 'all') continue;
    const dport = /--dports? (\S+)/.exec(l)?.[1];
    if (dport && !portInSpec(dport, port)) continue;
    // A rule for some sources decides only for them: an ACCEPT narrows who gets in.
    const src = /\s-s (\S+)/.exec(l)?.[1];
    if (src) {
      if (target === 'ACCEPT' && !/!\s+-s\s/.test(l)) onlyFrom.push(src);
      continue;
    }
    if (target === 'ACCEPT') return { firewall: 'iptables', kind: 'rule', rule: l, blocks: false, detail: `iptables: ${l}` };
    if (target === 'DROP' || target === 'REJECT') return blocking({ firewall: 'iptables', kind: 'rule', rule: l }, l, onlyFrom, port);
    return { firewall: 'iptables', kind: 'jump', rule: l, blocks: false, detail: `iptables: INPUT jumps to ${target} (not followed): ${l}` };
  }
  return policy === 'DROP' || policy === 'REJECT'
    ? blocking({ firewall: 'iptables', kind: 'policy', policy }, `INPUT policy ${policy} and no rule accepts tcp/${port}`, onlyFrom, port)
    : { firewall: 'iptables', kind: 'policy', policy, blocks: false, detail: `iptables: INPUT policy ${policy}` };
}

const NFT_SADDR = /\b(?:ip6?\s+)?saddr\s+(!=\s*)?(\{[^}]*\}|\S+)\s*/;

/** nft list ruleset: chains hooked on input; a rule for the port (or without matches) decides. */
export function analyseNft(lines: string[], port: number): FwDecision {
  let inInput = false;
  let policy: string | undefined;
  let decided: FwDecision;
  let onlyFrom: string[] = [];
  const results: FwDecision[] = [];
  const close = () => {
    if (inInput) results.push(decided ?? (policy === 'drop'
      ? blocking({ firewall: 'nft', kind: 'policy', policy }, `input chain policy drop and no rule accepts tcp/${port}`, onlyFrom, port)
      : undefined));
    inInput = false; policy = undefined; decided = undefined; onlyFrom = [];
  };
  for (const raw of lines) {
    const l = raw.trim();
    if (/^chain\s/.test(l)) { close(); continue; }
    const hook = /type filter hook input .*policy (\w+)/.exec(l);
    if (hook) { inInput = true; policy = hook[1]; continue; }
    if (!inInput || decided || l === '}' || !l) continue;
    // The verdict ends the rule; `reject` may carry `with tcp reset` / `with icmp(x) type …`,
    // whose words are not matches: only the text before the verdict is tested below.
    const v = /\b(accept|drop|reject(?:\s+with\s+.*?)?|jump \S+|goto \S+)\s*(comment .*)?$/.exec(l);
    if (!v) continue;
    const verdict = v[1];
    const full = l.slice(0, v.index);
    const saddr = NFT_SADDR.exec(full);
    const match = saddr ? full.replace(NFT_SADDR, '') : full;
    if (/\biifname\b|\biif\b|ct state (?!.*new)/.test(match)) continue;
    if (/\b(udp|icmp|icmpv6)\b/.test(match) && !/\btcp\b/.test(match)) continue;
    const dport = /dport\s+(\{[^}]*\}|\S+)/.exec(match)?.[1];
    if (dport && !portInSpec(dport.replace(/[{}\s]/g, ''), port)) continue;
    if (!dport && /\b(tcp|th|meta|ip6?|ct)\b/.test(match) && !/^(tcp\s+)?(counter\s.*)?$/.test(match)) continue;
    if (saddr) {
      if (verdict === 'accept' && !saddr[1]) onlyFrom.push(...saddr[2].replace(/[{}]/g, '').split(',').map((x) => x.trim()).filter(Boolean));
      continue;
    }
    decided = verdict === 'accept' ? { firewall: 'nft', kind: 'rule', rule: l, blocks: false, detail: `nft: ${l}` }
      : verdict === 'drop' || verdict.startsWith('reject') ? blocking({ firewall: 'nft', kind: 'rule', rule: l }, l, onlyFrom, port)
        : { firewall: 'nft', kind: 'jump', rule: l, blocks: false, detail: `nft: input ${verdict} (not followed): ${l}` };
  }
  close();
  return results.find((r) => r?.blocks) ?? results.find((r) => r?.onlyFrom) ?? results.find(Boolean);
}

export function analyseFirewalld(lines: string[], port: number): FwDecision {
  if (!lines.some((l) => l.startsWith('state running'))) return undefined;
  const ports = (lines.find((l) => l.startsWith('ports ')) ?? '').slice(6).split(/\s+/).filter(Boolean);
  const services = (lines.find((l) => l.startsWith('services ')) ?? '').slice(9).split(/\s+/).filter(Boolean);
  const open = ports.some((p) => p.endsWith('/tcp') && portInSpec(p.slice(0, -4), port)) || (port === 22 && services.includes('ssh'));
  const why = { firewall: 'firewalld', kind: 'firewalld', ports, services } as const;
  return open ? { ...why, blocks: false, detail: `firewalld: tcp/${port} allowed` }
    : { ...why, blocks: true, detail: `firewalld is running and neither its ports (${ports.join(' ') || 'none'}) nor services (${services.join(' ') || 'none'}) allow tcp/${port}` };
}

export function analyseUfw(lines: string[], port: number): FwDecision {
  if (!lines.some((l) => /^Status: active/.test(l))) return undefined;
  const onlyFrom: string[] = [];
  for (const l of lines) {
    const m = /^(\S+?)(?:\/(tcp|udp))?\s+(?:\(v6\)\s+)?(ALLOW|DENY|REJECT|LIMIT)(?: IN)?\s+(\S+)/.exec(l.trim());
    if (!m || m[2] === 'udp') continue;
    const matches = /^[\d,:]+$/.test(m[1]) ? portInSpec(m[1], port) : port === 22 && m[1] === 'OpenSSH';
    if (!matches) continue;
    const allows = m[3] === 'ALLOW' || m[3] === 'LIMIT';
    // "22/tcp ALLOW 203.0.113.0/24": that source only, not everyone.
    if (m[4] !== 'Anywhere') {
      if (allows) onlyFrom.push(m[4]);
      continue;
    }
    const rule = { firewall: 'ufw', kind: 'rule', rule: l.trim() } as const;
    return allows ? { ...rule, blocks: false, detail: `ufw: ${l.trim()}` } : blocking(rule, l.trim(), onlyFrom, port);
  }
  return blocking({ firewall: 'ufw', kind: 'ufw-default' }, `ufw is active and no rule allows ${port}/tcp from everyone (default deny incoming)`, onlyFrom, port);
}

/** Whether the caller's address is among a firewall's sources; undefined when one is unreadable. */
function callerAmong(callerIp: string, sources: string[]): boolean | undefined {
  const ip = parseIp(callerIp);
  if (!ip) return undefined;
  let unknown = false;
  for (const src of sources) {
    const r = parseRange(src);
    if (!r) unknown = true;
    else if (rangeContains(r, ip)) return true;
  }
  return unknown ? undefined : false;
}

const KEY_TYPES: Record<string, string> = { ED25519: 'ssh-ed25519', RSA: 'ssh-rsa', DSA: 'ssh-dss' };

function parseHostKeys(lines: string[]): Array<{ type: string; fingerprint: string }> {
  const out: Array<{ type: string; fingerprint: string }> = [];
  for (const l of lines) {
    const m = /^(\d+)\s+(SHA256:[A-Za-z0-9+/]+=*)\s.*\((\w+)\)\s*$/.exec(l.trim());
    if (!m) continue;
    const kind = m[3].toUpperCase();
    const type = kind === 'ECDSA' ? `ecdsa-sha2-nistp${m[1]}` : KEY_TYPES[kind] ?? kind.toLowerCase();
    out.push({ type, fingerprint: m[2].replace(/=+$/, '') });
  }
  return out;
}

/** "[::]:22 (Stream)", "0.0.0.0:22 (Stream)", "22 (Stream)" → 22 (systemctl show -p Listen). */
function socketListenPort(l: string): number | undefined {
  const m = /(?:^|:)(\d{1,5})(?:\s+\(\w+\))?$/.exec(l.trim());
  return m ? Number(m[1]) : undefined;
}

/** sshd -t's last check: on Debian/Ubuntu it fails only because ssh is stopped. */
const PRIVSEP_DIR_MISSING = /^(?:sshd: )?Missing privilege separation directory: \S+$/;

/**
 * Turns the script's output into the guest evidence. `callerIp` (the address the cloud view
 * evaluates, when known) decides a firewall that accepts the port from some sources only.
 */
export function parseGuestOutput(output: string, port: number, callerIp?: string): Omit<Guest, 'agentOnline'> {
  const s = parseSections(output);
  const lines = (name: string) => s.get(name)?.lines ?? [];
  const guest: Omit<Guest, 'agentOnline'> = {};
  const svc = lines('service');
  // Socket activation (Ubuntu 22.10+): ssh.socket listening counts as a running service even
  // while ssh.service itself is idle (inactive).
  const socketPorts = svc.filter((l) => l.startsWith('socket-listen ')).map((l) => socketListenPort(l.slice(14))).filter((p): p is number => p !== undefined);
  const socketActive = svc.includes('systemd ssh.socket active');
  if (svc.some((l) => l.startsWith('systemd ssh.socket '))) guest.sshSocket = { active: socketActive, ports: [...new Set(socketPorts)].sort((a, b) => a - b) };
  if (svc.length) {
    guest.serviceActive = svc.some((l) => /^systemd sshd? active$/.test(l) || l === 'process sshd running') || (socketActive && socketPorts.length > 0);
  }
  const os = parseOsRelease(lines('osrelease'));
  if (os) guest.os = os;
  const listen = parseListen(lines('listen'), socketActive ? socketPorts : []);
  if (s.has('listen')) guest.listeningPorts = listen.sshd;
  const ct = s.get('configtest');
  if (ct && ct.rc !== undefined) {
    const last = ct.lines.map((l) => l.trim()).filter(Boolean).pop() ?? '';
    // Every other check of `sshd -t` (syntax, host keys, certificates) comes before this one.
    const stopped = ct.rc !== 0 && PRIVSEP_DIR_MISSING.test(last);
    guest.configTest = { ok: ct.rc === 0 || stopped, output: ct.lines.join('\n').slice(0, 2000), ...(stopped ? { stopped: true } : {}) };
  }
  if (s.has('config')) {
    const ports = parseConfigPorts(lines('config'));
    // sshd's default when no Port line is present.
    guest.configPorts = ports.length ? ports : [22];
  }
  const decisions = [
    analyseIptables(lines('iptables'), port), analyseNft(lines('nft'), port),
    analyseFirewalld(lines('firewalld'), port), analyseUfw(lines('ufw'), port),
  ].filter((d): d is NonNullable<FwDecision> => !!d);
  if (['iptables', 'nft', 'firewalld', 'ufw'].some((n) => s.has(n))) {
    // A firewall that accepts the port from some sources only blocks this caller when its
    // address is known and outside them; otherwise it is reported, not concluded.
    const limited = decisions.filter((d) => d.onlyFrom?.length);
    const outside = callerIp ? limited.filter((d) => callerAmong(callerIp, d.onlyFrom!) === false) : [];
    const blockers = [...decisions.filter((d) => d.blocks), ...outside];
    guest.firewallBlocks = blockers.length > 0;
    guest.firewallDecisions = decisions.map(({ detail: _english, ...d }, i) => (outside.includes(decisions[i]) ? { ...d, callerOutside: callerIp } : d));
    if (guest.firewallBlocks) {
      guest.firewallDetail = blockers.map((d) => (d.blocks ? d.detail : `${d.detail}; ${callerIp} is not among them`)).join('; ');
    } else {
      guest.firewallDetail = decisions.map((d) => d.detail).join('; ') || 'no firewall rules found for the port';
      const only = [...new Set(limited.flatMap((d) => d.onlyFrom!))];
      if (only.length && !callerIp) guest.firewallAllowsOnly = only;
    }
  }
  if (s.has('hostkeys')) guest.hostKeyFingerprints = parseHostKeys(lines('hostkeys'));
  const health = parseGuestHealth((name) => s.get(name)?.lines);
  if (health) guest.health = health;
  const reach = parseReach(s, callerIp);
  if (reach) guest.reach = reach;
  return guest;
}
