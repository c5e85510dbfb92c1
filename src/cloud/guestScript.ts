/**
 * The in-guest check sent through TAT, and the parser of its answer. The script is fixed and
 * read-only (it inspects, never changes); the port is its only variable part and is checked to
 * be an integer 1-65535 before it is written in. Its output is sectioned with marker lines so
 * the parser never guesses where one command's output ends. Pure.
 */
import type { CloudEvidence } from '../core/model';

export const MARK = '@@CVMDOCTOR';

export function buildGuestScript(port: number): string {
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new RangeError(`invalid port: ${String(port)}`);
  return `#!/bin/sh
# CVM Doctor: read-only diagnosis of SSH on port ${port}. This script changes nothing.
PORT=${port}
export LC_ALL=C PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
has() { command -v "$1" >/dev/null 2>&1; }
sec() { echo "${MARK}:BEGIN $1"; }
end() { echo "${MARK}:END $1 rc=$2"; }
SSHD=$(command -v sshd 2>/dev/null || echo /usr/sbin/sshd)

sec service
if has systemctl; then for u in ssh sshd; do echo "systemd $u $(systemctl is-active "$u" 2>/dev/null)"; done; fi
if has pgrep; then if pgrep -x sshd >/dev/null 2>&1; then echo "process sshd running"; else echo "process sshd absent"; fi; fi
end service 0

sec listen
if has ss; then ss -Htlnp 2>&1; else netstat -tlnp 2>&1 | tail -n +3; fi
end listen $?

sec configtest
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
end nft $?

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
`;
}

export interface Section { lines: string[]; rc?: number }

/** Splits the marker-delimited output; text outside sections is ignored. */
export function parseSections(output: string): Map<string, Section> {
  const out = new Map<string, Section>();
  let current: { name: string; lines: string[] } | undefined;
  for (const raw of output.split(/\r?\n/)) {
    const begin = raw.startsWith(`${MARK}:BEGIN `) ? raw.slice(MARK.length + 7).trim() : undefined;
    if (begin !== undefined) { current = { name: begin, lines: [] }; continue; }
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

function parseListen(lines: string[]): { sshd: number[]; all: Array<{ port: number; process: string }> } {
  const all: Array<{ port: number; process: string }> = [];
  for (const l of lines) {
    const cols = l.trim().split(/\s+/);
    // ss -H: State Recv-Q Send-Q Local Peer Process; netstat: Proto Recv-Q Send-Q Local Foreign State PID/Prog
    const port = cols.length >= 4 ? portOf(cols[3]) : undefined;
    if (port === undefined) continue;
    const proc = /users:\(\("([^"]+)"/.exec(l)?.[1] ?? /\d+\/(\S+)\s*$/.exec(l)?.[1] ?? '';
    all.push({ port, process: proc });
  }
  const uniq = (a: number[]) => [...new Set(a)].sort((x, y) => x - y);
  // sshd itself, or systemd holding the socket for it (Ubuntu's ssh.socket activation).
  return { sshd: uniq(all.filter((p) => /^sshd?$|^sshd:/.test(p.process) || p.process === 'systemd').map((p) => p.port)), all };
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

type FwDecision = { blocks: boolean; detail: string } | undefined;

/** iptables -S INPUT: first rule that can match a new TCP SYN to the port decides, else the policy. */
export function analyseIptables(lines: string[], port: number): FwDecision {
  const policy = lines.map((l) => /^-P INPUT (\S+)/.exec(l)?.[1]).find(Boolean);
  if (!policy) return undefined;
  for (const l of lines) {
    if (!l.startsWith('-A INPUT')) continue;
    const target = /\s-j (\S+)/.exec(l)?.[1];
    if (!target) continue;
    // Rules for loopback, other sources, established traffic or other protocols don't decide.
    if (/\s-i lo\b|\s-s \S|--(ct)?state (?!.*NEW)|--ctstate (?!.*NEW)/.test(l)) continue;
    const proto = /\s-p (\S+)/.exec(l)?.[1];
    if (proto && proto !== 'tcp' && proto !== 'all') continue;
    const dport = /--dports? (\S+)/.exec(l)?.[1];
    if (dport && !portInSpec(dport, port)) continue;
    if (target === 'ACCEPT') return { blocks: false, detail: `iptables: ${l}` };
    if (target === 'DROP' || target === 'REJECT') return { blocks: true, detail: `iptables: ${l}` };
    return { blocks: false, detail: `iptables: INPUT jumps to ${target} (not followed): ${l}` };
  }
  return policy === 'DROP' || policy === 'REJECT'
    ? { blocks: true, detail: `iptables: INPUT policy ${policy} and no rule accepts tcp/${port}` }
    : { blocks: false, detail: `iptables: INPUT policy ${policy}` };
}

/** nft list ruleset: chains hooked on input; a rule for the port (or without matches) decides. */
export function analyseNft(lines: string[], port: number): FwDecision {
  let inInput = false;
  let policy: string | undefined;
  let decided: FwDecision;
  const results: FwDecision[] = [];
  const close = () => {
    if (inInput) results.push(decided ?? (policy === 'drop'
      ? { blocks: true, detail: `nft: input chain policy drop and no rule accepts tcp/${port}` }
      : undefined));
    inInput = false; policy = undefined; decided = undefined;
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
    const match = l.slice(0, v.index);
    if (/\biifname\b|\biif\b|\bsaddr\b|ct state (?!.*new)/.test(match)) continue;
    if (/\b(udp|icmp|icmpv6)\b/.test(match) && !/\btcp\b/.test(match)) continue;
    const dport = /dport\s+(\{[^}]*\}|\S+)/.exec(match)?.[1];
    if (dport && !portInSpec(dport.replace(/[{}\s]/g, ''), port)) continue;
    if (!dport && /\b(tcp|th|meta|ip6?|ct)\b/.test(match) && !/^(tcp\s+)?(counter\s.*)?$/.test(match)) continue;
    decided = verdict === 'accept' ? { blocks: false, detail: `nft: ${l}` }
      : verdict === 'drop' || verdict.startsWith('reject') ? { blocks: true, detail: `nft: ${l}` }
        : { blocks: false, detail: `nft: input ${verdict} (not followed): ${l}` };
  }
  close();
  return results.find((r) => r?.blocks) ?? results.find(Boolean);
}

export function analyseFirewalld(lines: string[], port: number): FwDecision {
  if (!lines.some((l) => l.startsWith('state running'))) return undefined;
  const ports = (lines.find((l) => l.startsWith('ports ')) ?? '').slice(6).split(/\s+/).filter(Boolean);
  const services = (lines.find((l) => l.startsWith('services ')) ?? '').slice(9).split(/\s+/).filter(Boolean);
  const open = ports.some((p) => p.endsWith('/tcp') && portInSpec(p.slice(0, -4), port)) || (port === 22 && services.includes('ssh'));
  return open ? { blocks: false, detail: `firewalld: tcp/${port} allowed` }
    : { blocks: true, detail: `firewalld is running and neither its ports (${ports.join(' ') || 'none'}) nor services (${services.join(' ') || 'none'}) allow tcp/${port}` };
}

export function analyseUfw(lines: string[], port: number): FwDecision {
  if (!lines.some((l) => /^Status: active/.test(l))) return undefined;
  for (const l of lines) {
    const m = /^(\S+?)(?:\/(tcp|udp))?\s+(?:\(v6\)\s+)?(ALLOW|DENY|REJECT|LIMIT)(?: IN)?\s+(\S+)/.exec(l.trim());
    if (!m || m[2] === 'udp') continue;
    const matches = /^[\d,:]+$/.test(m[1]) ? portInSpec(m[1], port) : port === 22 && m[1] === 'OpenSSH';
    if (!matches || m[4] !== 'Anywhere') continue;
    return m[3] === 'ALLOW' || m[3] === 'LIMIT' ? { blocks: false, detail: `ufw: ${l.trim()}` } : { blocks: true, detail: `ufw: ${l.trim()}` };
  }
  return { blocks: true, detail: `ufw is active and no rule allows ${port}/tcp (default deny incoming)` };
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

/** Turns the script's output into the guest evidence. */
export function parseGuestOutput(output: string, port: number): Omit<Guest, 'agentOnline'> {
  const s = parseSections(output);
  const lines = (name: string) => s.get(name)?.lines ?? [];
  const guest: Omit<Guest, 'agentOnline'> = {};
  const svc = lines('service');
  if (svc.length) guest.serviceActive = svc.some((l) => /^systemd \S+ active$/.test(l) || l === 'process sshd running');
  const listen = parseListen(lines('listen'));
  if (s.has('listen')) guest.listeningPorts = listen.sshd;
  const ct = s.get('configtest');
  if (ct && ct.rc !== undefined) guest.configTest = { ok: ct.rc === 0, output: ct.lines.join('\n').slice(0, 2000) };
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
    guest.firewallBlocks = decisions.some((d) => d.blocks);
    const shown = guest.firewallBlocks ? decisions.filter((d) => d.blocks) : decisions;
    guest.firewallDetail = shown.map((d) => d.detail).join('; ') || 'no firewall rules found for the port';
  }
  if (s.has('hostkeys')) guest.hostKeyFingerprints = parseHostKeys(lines('hostkeys'));
  return guest;
}
