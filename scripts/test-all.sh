#!/usr/bin/env bash
# `npm test`: everything CI runs, from a clean clone. Installs what it needs (Debian packages
# as root, npm packages), builds, lints, then runs the unit tests, the fault lab (real sshd and
# nftables in network namespaces; root) and the extension in real VS Code (code-server).
# Ends with one tally line: "N passed, N failed, N skipped".
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

step "build (esbuild) and compile (tsc, strict)"
node esbuild.js --production || exit 1
npx tsc -p . || exit 1
step "lint"
npx eslint src test bench || status=1

step "unit tests"
npx mocha --config .mocharc.unit.json || status=1

step "fault lab (network namespaces)"
npx mocha --config .mocharc.lab.json || status=1

if [ -f scripts/test-vscode.sh ]; then
  step "VS Code (code-server + chromium)"
  bash scripts/test-vscode.sh || status=1
fi

node -e '
  const lines = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").filter(Boolean).map(JSON.parse);
  const sum = (k) => lines.reduce((a, l) => a + (l[k] || 0), 0);
  console.log(`\n${sum("passed")} passed, ${sum("failed")} failed, ${sum("skipped")} skipped`);
' "$CVM_TEST_TALLY"
exit $status
