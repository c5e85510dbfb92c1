#!/usr/bin/env bash
# The VS Code tests in REAL VS Code: installs code-server + Node 24 (cached in .code-server/),
# builds and packages the VSIX, then runs (e2e) the user journey and the (integration) suites
# inside code-server's extension host. Bounded, idempotent; the harness kills code-server,
# chromium and sshd (whole process groups) and removes its temp dirs; exits non-zero on failure.
# Debian packages needed: chromium libkrb5-dev openssh-server openssh-client (lab: iproute2 nftables).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
command -v /usr/bin/chromium >/dev/null || { echo "test-vscode: /usr/bin/chromium missing (apt-get install chromium)"; exit 1; }
timeout 1500 bash scripts/setup-code-server.sh
[ -d node_modules/playwright-core ] || timeout 600 npm ci --no-audit --no-fund
timeout 300 npx tsc -p .
timeout 300 npm run --silent package >/dev/null
mkdir -p test-results
TALLY="${CVM_TEST_TALLY:-$(mktemp)}"
export CVM_TEST_TALLY="$TALLY"
: >"$TALLY.vscode"
rc=0
# Every e2e spec (each starts its own code-server), the extension-host suites last.
E2E=$(ls out/test/e2e/*.e2e.test.js | grep -v '/integration\.e2e\.test\.js$')
CVM_TEST_TALLY="$TALLY.vscode" timeout 2700 npx mocha --reporter out/test/support/countingReporter.js --timeout 240000 --exit \
  $E2E out/test/e2e/integration.e2e.test.js || rc=$?
cat "$TALLY.vscode" >>"$TALLY" 2>/dev/null || true
node scripts/tally.js "$TALLY.vscode" "test-vscode (screenshots in test-results/)" || true
rm -f "$TALLY.vscode"
exit $rc
