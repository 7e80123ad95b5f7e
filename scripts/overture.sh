#!/usr/bin/env bash
# The CLI (pnpm overture <command>); paths are relative to the repository root.
set -euo pipefail
cd "$(dirname "$0")/.."
exec node --import tsx apps/api/src/cli/overture.ts "$@"
