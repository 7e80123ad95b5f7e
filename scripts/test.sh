#!/usr/bin/env bash
# The whole test command: lint, typecheck, then every test on real stores (chDB, PGlite and the
# machine's PostgreSQL, Redis, SMTP, Chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)
trap 'echo "test suite wall time: $(( $(date +%s) - started )) s"' EXIT
source scripts/bootstrap.sh --browser
export PATH="$PWD/.tools/node_modules/.bin:$PATH"
# Lint and typecheck run beside the tests, which spend much of their time waiting on stores, browsers
# and child processes; their output is shown at the end, and either failing fails the command.
checks_log=$(mktemp)
pnpm --silent turbo run lint typecheck --output-logs=errors-only >"$checks_log" 2>&1 &
checks=$!
pnpm --silent --filter @overture/dashboard build >/dev/null
status=0
pnpm exec vitest run "$@" || status=$?
if wait "$checks"; then
  echo "lint and typecheck: passed"
else
  cat "$checks_log"
  echo "lint and typecheck: FAILED"
  status=1
fi
rm -f "$checks_log"
exit "$status"
