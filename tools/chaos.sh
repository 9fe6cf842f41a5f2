#!/usr/bin/env bash
# `npm run chaos -- [flags]`: the fault-injection suite (tools/chaos). Checks
# the flags, builds the services, then runs chaos.main.ts, which starts a Kafka broker and a
# database of its own (never the shared ones: it kills and restarts them) and the services.
set -uo pipefail
cd "$(dirname "$0")/.."
source tools/deps.sh
source tools/services.sh
export NX_DAEMON=false NX_TUI=false
chaos=(npx tsx --tsconfig tools/chaos/tsconfig.json tools/chaos/src/chaos.main.ts)

case " $* " in *" --help "*|*" -h "*) exec "${chaos[@]}" --help ;; esac
# Flags first: a typo must not cost a build.
"${chaos[@]}" --check-args "$@" || exit $?
build_services
exec "${chaos[@]}" "$@"
