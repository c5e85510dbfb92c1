#!/usr/bin/env bash
# The suites themselves, with everything already installed and built (scripts/test-all.sh
# runs this inside the egress audit; run it directly to debug a suite outside the audit).
# Appends each suite's counts to $CVM_TEST_TALLY.
set -uo pipefail
cd "$(dirname "$0")/.."
status=0
step() { echo; echo "=== $*"; }

step "compile (tsc, strict; out/ rebuilt from scratch, so no stale test runs)"
npm run --silent compile-tests || exit 1
step "lint"
npx eslint src test bench || status=1

step "unit tests"
npx mocha --config .mocharc.unit.json || status=1

step "fault lab (network namespaces)"
npx mocha --config .mocharc.lab.json || status=1

step "VS Code (code-server + chromium)"
bash scripts/test-vscode.sh || status=1
exit $status
