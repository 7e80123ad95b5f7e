#!/usr/bin/env bash
# The whole test command: lint, typecheck, then every test on real stores (chDB, PGlite and the
# machine's PostgreSQL, Redis, SMTP, Chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)
trap 'echo "test suite wall time: $(( $(date +%s) - started )) s"' EXIT
source scripts/bootstrap.sh --browser
export PATH="$PWD/.tools/node_modules/.bin:$PATH"
pnpm --silent turbo run lint typecheck --output-logs=errors-only
pnpm --silent --filter @overture/dashboard build >/dev/null
pnpm exec vitest run "$@"
