#!/usr/bin/env bash
# Installs what a fresh machine lacks (pnpm, the workspace's packages, Debian's redis-server, and with
# --browser Debian's chromium), then returns. Idempotent: a second run only checks.
set -euo pipefail
cd "$(dirname "$0")/.."
PNPM_VERSION=10.34.8

if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version 2>/dev/null)" != "$PNPM_VERSION" ]; then
  # corepack's signature checks fail on some machines; npm installs the exact version instead.
  if ! npm install -g "pnpm@$PNPM_VERSION" >/dev/null 2>&1; then
    npm install --prefix "$PWD/.tools" "pnpm@$PNPM_VERSION" >/dev/null
    export PATH="$PWD/.tools/node_modules/.bin:$PATH"
  fi
fi

if [ "${1:-}" = "--browser" ] && [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing Debian's chromium for the browser tests…"
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "The browser tests need /usr/bin/chromium: install Debian's chromium package (sudo apt-get install chromium)." >&2
    exit 1
  fi
fi

# Without REDIS_URL, "pnpm start" runs its own redis-server on a socket under the data dir.
if [ -z "${REDIS_URL:-}" ] && ! command -v redis-server >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing Debian's redis-server for the embedded start…"
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends redis-server >/dev/null
  else
    echo "Overture's embedded start needs redis-server: install it (sudo apt-get install redis-server, brew install redis) or set REDIS_URL." >&2
  fi
fi

if [ ! -f node_modules/.modules.yaml ] || [ pnpm-lock.yaml -nt node_modules/.modules.yaml ]; then
  pnpm install --frozen-lockfile --reporter=silent
fi
