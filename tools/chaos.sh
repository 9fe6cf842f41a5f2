#!/usr/bin/env bash
# `npm run chaos -- [flags]`: the fault-injection suite (apps/pipeline-e2e/src/chaos). Checks
# the flags, builds the services, then runs chaos.main.ts, which starts a Kafka broker and a
# database of its own (never the shared ones: it kills and restarts them) and the services.
set -uo pipefail
cd "$(dirname "$0")/.."
source tools/deps.sh
export NX_DAEMON=false NX_TUI=false
chaos=(npx tsx --tsconfig apps/pipeline-e2e/tsconfig.spec.json apps/pipeline-e2e/src/chaos/chaos.main.ts)

case " $* " in *" --help "*|*" -h "*) exec "${chaos[@]}" --help ;; esac
# Flags first: a typo must not cost a build.
"${chaos[@]}" --check-args "$@" || exit $?
log=$(mktemp)
echo "• Building the services"
if ! npx nx run-many -t build --projects=tag:type:app --parallel=2 --output-style=static >"$log" 2>&1; then cat "$log"; rm -f "$log"; exit 1; fi
rm -f "$log"
exec "${chaos[@]}" "$@"
