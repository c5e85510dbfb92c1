#!/usr/bin/env bash
# Installs what the VS Code tests need into .code-server/ (gitignored), idempotently:
# Node 24 (from the npm package node@24, which ships the binary) and code-server, which
# requires Node 24 at install time. Debian packages (chromium, libkrb5-dev) are installed by
# scripts/ensure-system.sh; this script only checks for them.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
CS_DIR="$ROOT/.code-server"
CS_VERSION="${CODE_SERVER_VERSION:-4.139.1}"
NODE24_DIR="$CS_DIR/node24"
mkdir -p "$CS_DIR"

# The node@24 package puts the real distribution (binary + headers) in a nested
# node-<platform>-<arch> package; native builds need that folder as nodedir.
node24_bin() { find "$NODE24_DIR/node_modules/node/node_modules" -maxdepth 3 -path '*/node-*/bin/node' 2>/dev/null | head -n1; }

if [ -z "$(node24_bin)" ] || ! "$(node24_bin)" --version | grep -q '^v24\.'; then
  echo "[setup] installing node@24 into $NODE24_DIR"
  timeout 600 npm install --no-audit --no-fund --prefix "$NODE24_DIR" node@24 >/dev/null
fi
NODE24="$(node24_bin)"
NODE24_BIN_DIR="$(dirname "$NODE24")"
echo "[setup] node 24: $("$NODE24" --version)"

CS_PREFIX="$CS_DIR/cs-$CS_VERSION"
CS_BIN="$CS_PREFIX/node_modules/.bin/code-server"
if [ ! -x "$CS_BIN" ]; then
  for p in chromium; do command -v "$p" >/dev/null || echo "[setup] warning: Debian package '$p' missing"; done
  echo "[setup] installing code-server@$CS_VERSION (takes a few minutes the first time)"
  # code-server's postinstall builds native modules against the running Node: Node 24 first.
  # It reads the Node version from $npm_config_user_agent, which an outer `npm test` (Node 20)
  # exports and the inner npm would take as configuration: drop it so npm sets its own.
  env -u npm_config_user_agent \
  PATH="$NODE24_BIN_DIR:$PATH" npm_config_nodedir="$(dirname "$NODE24_BIN_DIR")" \
    npm_config_update_notifier=false \
    timeout 1200 npm install --no-audit --no-fund --prefix "$CS_PREFIX" "code-server@$CS_VERSION" >"$CS_DIR/install.log" 2>&1 \
    || { tail -n 40 "$CS_DIR/install.log"; exit 1; }
fi
echo "[setup] code-server: $CS_BIN"
# Consumers read these two lines.
printf 'NODE24=%s\nCODE_SERVER=%s\n' "$NODE24" "$CS_BIN" >"$CS_DIR/env"
