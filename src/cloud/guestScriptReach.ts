/**
 * "Is it my network?" — the in-guest half (issue 12): the guest connects to its own port on
 * 127.0.0.1, on its private addresses (read inside the guest: `ip -o -4 addr`) and on its
 * public address (passed in: behind 1:1 NAT the guest cannot see it), reading the first line
 * with a bound; and, while the client keeps sending its SYNs (core/clientNet.ts keepSyns),
 * `tcpdump` watches for packets between the caller's address and the port, both directions.
 * Read-only fixed commands; the only variable parts are the port and addresses validated by
 * guestScript.ts before they are written in. Without tcpdump the script says so: the parser
 * never guesses. Pure.
 */
import * as net from 'net';
import type { GuestReach, SelfConnect, SynCapture } from '../core/clientNet';
import type { Section } from './guestScript';

/** How long tcpdump watches, and at most how many packets it prints. */
export const CAPTURE_SECONDS = 6;
export const CAPTURE_PACKETS = 40;
/** Each self-connect's bound (seconds), and how many private addresses are tried. */
const SELF_SECONDS = 3;
const MAX_PRIVATE = 4;

/** The script's sections; `caller` and `publicIps` must be validated IP literals. */
export function reachScript(caller: string | undefined, publicIps: readonly string[]): string {
  for (const a of [...(caller === undefined ? [] : [caller]), ...publicIps]) {
    if (!net.isIP(a)) throw new RangeError(`invalid address: ${String(a)}`);
  }
  return `
CALLER=${caller ?? ''}
PUBLIC_IPS="${publicIps.join(' ')}"

sec reach-addr
if has ip; then ip -o -4 addr show scope global 2>&1 | head -n 16; fi
end reach-addr 0

sec reach-self
TCPTOOL=
if has timeout; then if has bash; then TCPTOOL=bash; elif has nc; then TCPTOOL=nc; fi; fi
echo "tool \${TCPTOOL:-none}"
selfconn() {
  case "$2" in ''|*[!0-9a-fA-F.:]*) return 0;; esac
  if [ "$TCPTOOL" = bash ]; then
    out=$(timeout ${SELF_SECONDS} bash -c 'exec 3<>"/dev/tcp/$1/$2" && IFS= read -r l <&3 && printf "%s\\n" "$l"' cvmd "$2" "$PORT" 2>&1); rc=$?
  else
    out=$(timeout ${SELF_SECONDS} nc -w ${SELF_SECONDS} "$2" "$PORT" </dev/null 2>&1); rc=$?
  fi
  printf 'self %s %s rc=%s %s\\n' "$1" "$2" "$rc" "$(printf '%s\\n' "$out" | head -n 1 | tr -d '\\r' | cut -c1-200)"
}
if [ -n "$TCPTOOL" ]; then
  selfconn loopback 127.0.0.1 &
  for a in $(ip -o -4 addr show scope global 2>/dev/null | awk '{print $4}' | cut -d/ -f1 | head -n ${MAX_PRIVATE}); do selfconn private "$a" & done
  for a in $PUBLIC_IPS; do selfconn public "$a" & done
  wait
fi
end reach-self 0

sec reach-capture
if [ -z "$CALLER" ]; then echo "capture no-caller"
elif ! has tcpdump || ! has timeout; then echo "capture no-tcpdump"
else
  echo "capture start $(date +%s)"
  { timeout ${CAPTURE_SECONDS} tcpdump -i any -n -l -tt -c ${CAPTURE_PACKETS} "tcp port $PORT and host $CALLER" 2>&1; echo "capture rc=$?"; } | head -n ${CAPTURE_PACKETS + 20}
  echo "capture end $(date +%s)"
fi
end reach-capture 0
`;
}

/** `ip -o -4 addr` lines → the IPv4 addresses (scope global: what a NAT forwards to). */
export function parseIpAddrLines(lines: readonly string[]): string[] {
  const out: string[] = [];
  for (const l of lines) {
    const m = /^\d+:\s+\S+\s+inet6?\s+([0-9a-fA-F.:]+)\/\d+\b/.exec(l.trim());
    if (m && net.isIP(m[1]!) && !out.includes(m[1]!)) out.push(m[1]!);
  }
  return out;
}

/** `self SCOPE ADDRESS rc=N FIRST-LINE` lines of the self-connects. */
export function parseSelfLines(lines: readonly string[]): SelfConnect[] {
  const out: SelfConnect[] = [];
  for (const l of lines) {
    const m = /^self (loopback|private|public) (\S+) rc=(\d+) ?(.*)$/.exec(l);
    if (!m || !net.isIP(m[2]!)) continue;
    const [, scope, address, rcText, rest] = m;
    const rc = Number(rcText);
    const line = rest!.trim();
    let outcome: SelfConnect['outcome'];
    // nc keeps the connection open until the bound: its banner comes with rc 124.
    if (/^SSH-\d/.test(line)) outcome = 'ssh';
    else if (/refused/i.test(line)) outcome = 'refused';
    else if (rc === 124) outcome = line ? 'other' : 'timeout';
    else if (rc === 0) outcome = 'other';
    else outcome = 'error';
    out.push({ scope: scope as SelfConnect['scope'], address: address!, outcome, ...(line ? { line } : {}) });
  }
  const order = { loopback: 0, private: 1, public: 2 } as const;
  return out.sort((a, b) => order[a.scope] - order[b.scope]);
}

/** One tcpdump line: `TS [IFACE In|Out] IP SRC.PORT > DST.PORT: Flags [..]` (4.99 with -i any,
 *  or older without the interface). */
const PACKET = /^\d+\.\d+\s+(?:\S+\s+(In|Out|B|M|P)\s+)?IP6?\s+(\S+)\.(\d+) > (\S+)\.(\d+): Flags \[([^\]]*)\]/;

/** The capture section: what reached the guest from the caller, and what it sent back. */
export function parseCapture(lines: readonly string[], caller: string | undefined): SynCapture {
  if (lines.includes('capture no-caller')) return { status: 'no-caller' };
  if (lines.includes('capture no-tcpdump')) return { status: 'no-tcpdump' };
  const start = Number(/^capture start (\d+)$/.exec(lines.find((l) => l.startsWith('capture start ')) ?? '')?.[1]);
  const end = Number(/^capture end (\d+)$/.exec(lines.find((l) => l.startsWith('capture end ')) ?? '')?.[1]);
  const rc = Number(/^capture rc=(\d+)$/.exec(lines.find((l) => l.startsWith('capture rc=')) ?? '')?.[1]);
  if (!caller || !net.isIP(caller)) return { status: 'failed', detail: 'no caller address for the capture' };
  const same = (a: string) => a === caller || (net.isIPv6(a) && net.isIPv6(caller) && a.toLowerCase() === caller.toLowerCase());
  let synsIn = 0;
  let repliesOut = 0;
  let resetsOut = 0;
  let packets = 0;
  const sample: string[] = [];
  for (const l of lines) {
    const m = PACKET.exec(l.trim());
    if (!m) continue;
    packets++;
    if (sample.length < 6) sample.push(l.trim().slice(0, 200));
    const [, , src, , dst, , flags] = m;
    const syn = flags!.includes('S');
    const ack = flags!.includes('.');
    if (same(src!) && syn && !ack) synsIn++;
    else if (same(dst!) && syn && ack) repliesOut++;
    else if (same(dst!) && flags!.includes('R')) resetsOut++;
  }
  // 0: the packet limit was reached; 124: the time limit ended it. Anything else with no
  // packet is tcpdump failing (no permission, no interface): nothing was observed.
  if (!Number.isInteger(start) || !Number.isInteger(end) || Number.isNaN(rc) || (rc !== 0 && rc !== 124 && packets === 0)) {
    const why = lines.filter((l) => l.startsWith('tcpdump:') && !/listening on|data link type/.test(l)).join('; ');
    return { status: 'failed', detail: (why || `tcpdump ended with status ${Number.isNaN(rc) ? '?' : rc}`).slice(0, 300) };
  }
  return { status: 'observed', caller, windowSec: Math.max(0, end - start), synsIn, repliesOut, resetsOut, packets, ...(rc === 0 ? { limitReached: true } : {}), sample };
}

/** The three sections → the reach evidence; undefined when the script printed none of them
 *  (an older script, or output cut before them). */
export function parseReach(s: Map<string, Section>, caller: string | undefined): GuestReach | undefined {
  const self = s.get('reach-self');
  if (!self && !s.has('reach-capture')) return undefined;
  const toolLine = self?.lines.find((l) => l.startsWith('tool '))?.slice(5).trim();
  const tool = toolLine === 'bash' || toolLine === 'nc' ? toolLine : 'none';
  const cap = s.get('reach-capture');
  return {
    tool,
    privateIps: parseIpAddrLines(s.get('reach-addr')?.lines ?? []),
    self: parseSelfLines(self?.lines ?? []),
    ...(cap ? { capture: parseCapture(cap.lines, caller) } : {}),
  };
}
