#!/usr/bin/env bash
# `npm test`: everything CI runs, from a clean clone. First, in the machine's own network
# namespace, it installs what the suites need (Debian packages as root, npm packages,
# code-server) and builds. Then every suite — lint, strict type check, unit tests, the fault
# lab (real sshd and nftables in network namespaces; root) and the extension in real VS Code
# (code-server) — runs inside the egress audit (scripts/egress-audit.sh), which fails the run
# if any packet tried to leave the machine. Ends with one tally line:
# "N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")/.."
export CVM_TEST_TALLY="$PWD/test-results/tally.jsonl"
mkdir -p test-results
: > "$CVM_TEST_TALLY"
status=0
step() { echo; echo "=== $*"; }

step "system packages"
bash scripts/ensure-system.sh || status=1
step "npm packages"
bash scripts/ensure-node.sh || exit 1
step "code-server and Node 24 for the VS Code tests"
timeout 1500 bash scripts/setup-code-server.sh || status=1

step "build (esbuild)"
node esbuild.js --production || exit 1

step "the suites, inside the egress audit"
bash scripts/egress-audit.sh --name "npm test" -- bash scripts/test-suites.sh || status=1

node scripts/tally.js "$CVM_TEST_TALLY" || status=1
exit $status
