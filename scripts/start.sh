#!/usr/bin/env bash
# Starts Overture. "all" (the default) runs the API and the worker in one process on the embedded
# stores under $OVERTURE_DATA_DIR (default .data); "api" and "worker" run apart against servers.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bootstrap.sh
export PATH="$PWD/.tools/node_modules/.bin:$PATH"
role="${1:-all}"
if [ "$role" != "worker" ] && { [ ! -f apps/dashboard/dist/index.html ] || [ -n "$(find apps/dashboard/src apps/api/src/trpc -newer apps/dashboard/dist/index.html -print -quit 2>/dev/null)" ]; }; then
  echo "Building the dashboard…"
  pnpm --filter @overture/dashboard build >/dev/null
fi
exec node --import tsx apps/api/src/main.ts "$role"
