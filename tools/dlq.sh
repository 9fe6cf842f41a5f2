#!/usr/bin/env bash
# `npm run dlq -- <command>`: the dead-letter tool (apps/dlq). Exit codes as it documents.
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/deps.sh >&2
exec npx tsx --tsconfig apps/dlq/tsconfig.app.json apps/dlq/src/main.ts "$@"
