#!/usr/bin/env bash
# `npm run bench -- [flags]`: the pipeline benchmark. Checks the flags, starts the
# infrastructure if it is not running (and stops it afterwards if it started it), builds the
# services, then runs tools/bench/src/bench.main.ts, which starts the four
# services with fresh databases and reports (with --running: measures the stack `npm start`
# runs instead). INFRA_DIR, KAFKA_PORT, … as for `npm run infra`.
set -uo pipefail
cd "$(dirname "$0")/.."
source tools/deps.sh
source tools/infra.lib.sh
source tools/services.sh
export NX_DAEMON=false NX_TUI=false
export INFRA_DIR="$(realpath -m "${INFRA_DIR:-.infra}")"
bench=(npx tsx --tsconfig tools/bench/tsconfig.json tools/bench/src/bench.main.ts)

# Flags first: a typo must not cost an infrastructure start and a build.
"${bench[@]}" --check-args "$@"
case $? in
  0) ;;
  3) exit 0 ;; # --help was printed
  *) exit 2 ;;
esac

infra_up --quiet
# --running measures the stack `npm start` runs, from its own build: nothing to build here.
[[ " $* " == *" --running "* ]] || build_services
"${bench[@]}" "$@"
