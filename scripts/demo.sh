#!/usr/bin/env bash
# `npm run demo`: install, build, and diagnose the local demo targets (no root, no cloud).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-node.sh >&2
node esbuild.js --production >/dev/null
# As root, inside the egress audit, which proves the demo sent nothing beyond loopback.
exec bash scripts/egress-audit.sh --name demo -- node dist/cli.js demo "$@"
