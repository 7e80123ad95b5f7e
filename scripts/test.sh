#!/usr/bin/env bash
# The whole test command: lint and typecheck beside every test on real stores (chDB, PGlite and the
# machine's PostgreSQL, Redis, SMTP, Chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)
trap 'echo "test suite wall time: $(( $(date +%s) - started )) s"' EXIT
source scripts/bootstrap.sh --browser
export PATH="$PWD/.tools/node_modules/.bin:$PATH"
# Lint and typecheck run beside the tests at the lowest CPU priority: they take the CPU time the
# tests leave idle (most test files wait on stores, browsers and child processes), not theirs.
checks_log=$(mktemp)
nice -n 19 pnpm --silent turbo run lint typecheck --output-logs=errors-only >"$checks_log" 2>&1 &
checks=$!
pnpm --silent --filter @overture/dashboard build >/dev/null
status=0
pnpm exec vitest run "$@" || status=$?
if ! wait "$checks"; then
  cat "$checks_log" >&2
  echo "lint or typecheck failed (output above)" >&2
  status=1
fi
rm -f "$checks_log"
exit "$status"
