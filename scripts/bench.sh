#!/usr/bin/env bash
# `npm run bench`: builds, then measures (not a test). The lab part needs root.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-node.sh >&2
node esbuild.js --production >/dev/null
npx tsc -p . >/dev/null
# Inside the egress audit: it prints what tried to leave the machine, which must be nothing.
exec bash scripts/egress-audit.sh --name bench -- node out/bench/run.js "$@"
