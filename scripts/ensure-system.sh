#!/usr/bin/env bash
# Installs the Debian packages the demo, the lab and the VS Code tests need, when run as root
# on a machine that lacks them (CI starts from a clean machine). Idempotent: does nothing
# when everything is there. Not root: says what is missing and carries on (lab tests skip).
set -euo pipefail

# fonts-nanum: Korean glyphs in the VS Code screenshots (test-results/). tcpdump: the egress
# audit (scripts/egress-audit.sh) records what tries to leave the machine. putty-tools:
# puttygen makes the PPK v2/v3 keys the local-key tests read. traceroute, mtr-tiny,
# tcptraceroute, iputils-tracepath: the path evidence (--trace) runs them against the lab's router.
PACKAGES=(openssh-server openssh-client nftables iproute2 iputils-ping nmap xrdp chromium libkrb5-dev procps passwd fonts-nanum tcpdump putty-tools traceroute mtr-tiny tcptraceroute iputils-tracepath)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "ensure-system: not root; missing Debian packages: ${missing[*]} (lab and VS Code tests will be skipped)" >&2
  exit 0
fi
echo "ensure-system: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# Debian starts services on install where it can; the lab starts its own sshd/xrdp in
# namespaces and must not find the machine's copies holding ports.
for svc in ssh xrdp; do
  if command -v service >/dev/null 2>&1; then service "$svc" stop >/dev/null 2>&1 || true; fi
done
