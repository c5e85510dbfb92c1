#!/usr/bin/env bash
# Installs the npm dependencies when they are missing or were installed from another
# package-lock.json (a stamp holds the lock file's hash: file times change with every
# checkout, so they cannot tell).
set -euo pipefail
cd "$(dirname "$0")/.."
want=$(sha256sum package-lock.json | cut -d' ' -f1)
stamp=node_modules/.cvmd-lock-sha256
# A symlinked node_modules is an install shared by several work trees: `npm ci` would empty
# the folder it points to under the others' feet. Leave it to its owner.
if [ -L node_modules ]; then
  [ "$(cat "$stamp" 2>/dev/null)" = "$want" ] || echo "ensure-node: node_modules is a symlink to another tree's install, which was made from another package-lock.json; not reinstalling" >&2
  exit 0
fi
if [ ! -d node_modules ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  npm ci --no-audit --no-fund
  echo "$want" >"$stamp"
fi
