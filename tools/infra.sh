#!/usr/bin/env bash
# Entry point for `npm run infra -- <command>`: makes sure dependencies are installed first.
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/deps.sh
exec npx tsx --tsconfig tools/infra/tsconfig.json tools/infra/src/infra.cli.ts "$@"
