#!/usr/bin/env bash
# Runs a command inside an *egress-audit* network namespace and proves that it sent nothing
# off the machine.
#
#   scripts/egress-audit.sh [--name LABEL] -- CMD [ARGS...]
#
# The audit namespace has loopback and one veth whose far end is a *sink* namespace: the
# default routes (IPv4 and IPv6) and the DNS server (/etc/netns/<audit>/resolv.conf) all
# point there. The sink answers nothing (nftables drops every packet in and out but IPv6
# neighbour discovery; forwarding is off) and tcpdump records everything that reaches it.
# Lab namespaces the tests create from inside the audit namespace hang off it exactly as they
# would off the machine's, so lab traffic stays on their own veths and is not recorded.
# When the command ends, any recorded packet other than ARP and IPv6 neighbour/link-local
# traffic fails the run, listing destinations and DNS names.
#
# Not root, or no tcpdump: the audit cannot run. The command then runs unaudited and the
# script says so loudly, and the tally (CVM_TEST_TALLY) counts the audit as skipped, never
# as passed. Exit status: the command's, or 1 when it passed but something left.
# CVM_EGRESS_AUDIT=off runs the command unaudited on purpose (debugging; also reported).
set -uo pipefail

label="egress audit"
if [ "${1:-}" = "--name" ]; then label="egress audit ($2)"; shift 2; fi
[ "${1:-}" = "--" ] && shift
[ $# -gt 0 ] || { echo "usage: egress-audit.sh [--name LABEL] -- CMD [ARGS...]" >&2; exit 2; }

tally() { # passed failed skipped
  [ -n "${CVM_TEST_TALLY:-}" ] && printf '{"suite":"%s","passed":%d,"failed":%d,"skipped":%d}\n' "$label" "$1" "$2" "$3" >>"$CVM_TEST_TALLY"
  return 0
}

why_not=""
if [ "$(id -u)" -ne 0 ]; then why_not="not root (network namespaces need root)"
elif ! command -v tcpdump >/dev/null 2>&1; then why_not="tcpdump is not installed (Debian package tcpdump)"
elif ! command -v ip >/dev/null 2>&1 || ! command -v nft >/dev/null 2>&1; then why_not="ip or nft missing (Debian packages iproute2 nftables)"
elif [ "${CVM_EGRESS_AUDIT:-}" = "off" ]; then why_not="CVM_EGRESS_AUDIT=off"
elif [ -n "${CVM_EGRESS_AUDIT_NS:-}" ]; then why_not="already inside the egress audit (${CVM_EGRESS_AUDIT_NS})"
fi
if [ -n "$why_not" ]; then
  if [ -n "${CVM_EGRESS_AUDIT_NS:-}" ]; then "$@"; exit $?; fi
  echo >&2 "=== $label: NOT RUN — $why_not. The command runs unaudited: nothing proves that it sent no traffic off this machine."
  "$@"; rc=$?
  tally 0 0 1
  exit $rc
fi

id=$$
audit="cvmaudit-$id"
sink="cvmsink-$id"
va="cvmea${id}a"; vs="cvmea${id}s"
dir=$(mktemp -d /tmp/cvmd-egress.XXXXXX)
pcap="$dir/sink.pcap"
tcpdump_pid=""

cleanup() {
  [ -n "$tcpdump_pid" ] && kill "$tcpdump_pid" 2>/dev/null
  ip netns del "$audit" 2>/dev/null
  ip netns del "$sink" 2>/dev/null
  ip link del "$va" 2>/dev/null
  rm -rf "/etc/netns/$audit" "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

fail_setup() { echo "=== $label: could not set up the audit namespaces: $1" >&2; tally 0 1 0; exit 1; }

ip netns add "$sink" || fail_setup "ip netns add $sink"
ip netns add "$audit" || fail_setup "ip netns add $audit"
ip link add "$va" netns "$audit" type veth peer name "$vs" netns "$sink" || fail_setup "veth"
# The sink: addresses for the routes to point at, answers nothing.
ip -n "$sink" link set lo up
ip -n "$sink" addr add 10.214.255.1/30 dev "$vs"
ip -n "$sink" -6 addr add fd00:ce::1/64 dev "$vs" nodad
ip -n "$sink" link set "$vs" up
ip netns exec "$sink" nft -f - <<'NFT' || fail_setup "sink nftables"
table inet sink {
  chain in  { type filter hook input priority 0; policy drop; icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert } accept; }
  chain out { type filter hook output priority 0; policy drop; icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert } accept; }
}
NFT
# The audited side: loopback, one veth, every default route into the sink.
ip -n "$audit" link set lo up
ip -n "$audit" addr add 10.214.255.2/30 dev "$va"
ip -n "$audit" -6 addr add fd00:ce::2/64 dev "$va" nodad
ip -n "$audit" link set "$va" up
ip -n "$audit" route add default via 10.214.255.1
ip -n "$audit" -6 route add default via fd00:ce::1
mkdir -p "/etc/netns/$audit"
printf 'nameserver 10.214.255.1\noptions timeout:1 attempts:1\n' >"/etc/netns/$audit/resolv.conf"

ip netns exec "$sink" tcpdump -i "$vs" -n -U --immediate-mode -w "$pcap" 2>"$dir/tcpdump.err" &
tcpdump_pid=$!
for _ in $(seq 1 100); do grep -q 'listening on' "$dir/tcpdump.err" 2>/dev/null && break; sleep 0.1; done
grep -q 'listening on' "$dir/tcpdump.err" || fail_setup "tcpdump did not start: $(cat "$dir/tcpdump.err")"

echo >&2 "=== $label: running inside network namespace $audit (default routes and DNS lead to the recording sink $sink)"
ip netns exec "$audit" env CVM_EGRESS_AUDIT_NS="$audit" "$@"
rc=$?

sleep 0.5 # packets still in flight
kill -INT "$tcpdump_pid" 2>/dev/null; wait "$tcpdump_pid" 2>/dev/null; tcpdump_pid=""
# Everything but ARP and IPv6 neighbour discovery / link-local chatter (MLD, router solicitations).
filter='not arp and not (ip6 and (src net fe80::/10 or src host :: or dst net ff02::/16)) and not (icmp6 and (ip6[40] == 135 or ip6[40] == 136))'
tcpdump -r "$pcap" -n -tt "$filter" >"$dir/left.txt" 2>/dev/null
n=$(grep -c . "$dir/left.txt")
if [ "$n" -eq 0 ]; then
  echo >&2 "=== $label: passed — 0 packets left the audited namespace"
  tally 1 0 0
  exit $rc
fi
echo >&2 "=== $label: FAILED — $n packet(s) tried to leave the machine"
{
echo "destinations:"
tcpdump -r "$pcap" -n "$filter and (tcp or udp)" 2>/dev/null | sed -nE 's/^.* > ([^ ]+)\.([0-9a-z-]+): .*/  \1 port \2/p' | sort | uniq -c | sort -rn | head -40
other=$(tcpdump -r "$pcap" -n "$filter and not tcp and not udp" 2>/dev/null | head -10)
[ -n "$other" ] && { echo "other packets:"; printf '  %s\n' "$other"; }
names=$(grep -oE '(A|AAAA|HTTPS|SRV|PTR|TXT|CNAME|MX)\? [^ ]+' "$dir/left.txt" | sort | uniq -c | sort -rn | head -40)
[ -n "$names" ] && { echo "DNS names asked for:"; echo "$names"; }
echo "first packets:"; head -20 "$dir/left.txt" | sed 's/^/  /'
} >&2
tally 0 1 0
[ $rc -eq 0 ] && rc=1
exit $rc
