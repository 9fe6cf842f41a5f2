#!/usr/bin/env bash
# `npm run bench -- [flags]`: the pipeline benchmark. Checks the flags, starts the
# infrastructure if it is not running (and stops it afterwards if it started it), builds the
# services, then runs apps/pipeline-e2e/src/bench/bench.main.ts, which starts the four
# services with fresh databases and reports. INFRA_DIR, KAFKA_PORT, … as for `npm run infra`.
set -uo pipefail
cd "$(dirname "$0")/.."
source tools/deps.sh
export NX_DAEMON=false NX_TUI=false
export INFRA_DIR="$(realpath -m "${INFRA_DIR:-.infra}")"
bench=(npx tsx --tsconfig apps/pipeline-e2e/tsconfig.spec.json apps/pipeline-e2e/src/bench/bench.main.ts)

# Flags first: a typo must not cost an infrastructure start and a build.
"${bench[@]}" --check-args "$@"
case $? in
  0) ;;
  3) exit 0 ;; # --help was printed
  *) exit 2 ;;
esac

started_infra=false
[ -f "$INFRA_DIR/env" ] || started_infra=true
stop_infra() { if $started_infra; then echo "• Stopping the infrastructure this run started"; bash tools/infra.sh down; fi; }
trap stop_infra EXIT

log=$(mktemp)
# A running infrastructure is used as it is: `infra up` again without the same KAFKA_PORT /
# MONGO_PORT would rewrite its env file with the default ports, i.e. someone else's.
if $started_infra; then
  echo "• Starting the infrastructure in $INFRA_DIR"
  if ! bash tools/infra.sh up >"$log" 2>&1; then cat "$log"; exit 1; fi
fi
echo "• Building the services"
if ! npx nx run-many -t build --projects=tag:type:app --parallel=2 --output-style=static >"$log" 2>&1; then cat "$log"; exit 1; fi
rm -f "$log"
set -a && source "$INFRA_DIR/env" && set +a
"${bench[@]}" "$@"
