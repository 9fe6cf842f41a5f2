#!/usr/bin/env bash
# The whole test suite — lint, unit, integration (real Kafka and MongoDB), build, the
# black-box e2e suite with the four services as real processes, and a short schemathesis
# run against their OpenAPI documents. Installs what it needs,
# starts the infrastructure if it is not running, and stops what it started.
set -uo pipefail
cd "$(dirname "$0")/.."
source tools/deps.sh
export NX_DAEMON=false NX_TUI=false FORCE_COLOR=0

log=$(mktemp)
started_infra=false
[ -f .infra/env ] || started_infra=true
stop_infra() { if $started_infra; then echo "• Stopping the infrastructure this run started"; bash tools/infra.sh down; fi; }
trap stop_infra EXIT

bash tools/infra.sh up || exit 1

status=0
echo "• Production dependencies without high or critical advisories (npm run audit)"
bash tools/audit.sh
case $? in
  0) ;;
  3) echo "  (the advisory check could not run here; CI must be able to reach the registry's audit endpoint)" ;;
  *) status=1; printf 'Failed tasks:\n- npm-audit\n\n' >> "$log" ;;
esac
echo "• Lint, unit and integration tests, build"
npx nx run-many -t lint test build --parallel=2 --output-style=static 2>&1 | tee -a "$log"
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1
# Killing the shared database would break the tests running against it, so the durability
# check runs its own private instance; only for the local default, which the project owns.
if [ "$(cat .infra/mode 2>/dev/null)" = local ]; then
  echo "• The local database keeps acknowledged writes through a SIGKILL"
  if ! npx tsx --tsconfig tools/tsconfig.json tools/infra/mongodb.durability.ts; then
    status=1
    printf 'Failed tasks:\n- mongodb-durability\n\n' >> "$log"
  fi
fi
echo "• End-to-end suite"
npx nx e2e pipeline-e2e --output-style=static 2>&1 | tee -a "$log"
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1
# Restarting the broker and the database would break everything else using them, so the
# fault-injection selection runs on a private instance of both; only the local default can.
if [ "$(cat .infra/mode 2>/dev/null)" = local ]; then
  echo "• Fault injection, short selection (npm run chaos -- --ci)"
  if ! npx tsx --tsconfig apps/pipeline-e2e/tsconfig.spec.json apps/pipeline-e2e/src/chaos/chaos.main.ts --ci; then
    status=1
    printf 'Failed tasks:\n- chaos\n\n' >> "$log"
  fi
fi

echo "• OpenAPI fuzzing with schemathesis, short run (npm run fuzz -- --quick)"
bash tools/fuzz.sh --quick 2>&1 | tee -a "$log"
if [ "${PIPESTATUS[0]}" -ne 0 ]; then
  status=1
  printf 'Failed tasks:\n- openapi-fuzz\n\n' >> "$log"
fi

# Jest prints "Tests: 1 failed, 2 skipped, 40 passed, 43 total" per project; add them up.
read -r passed failed < <(sed 's/\x1b\[[0-9;]*m//g' "$log" | grep -E '^Tests:' | awk '
  { for (i = 2; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i } }
  END { print p + 0, f + 0 }')
# Lint and build failures have no jest line; name the failed Nx tasks so they are not missed.
failed_tasks=$(sed 's/\x1b\[[0-9;]*m//g' "$log" | awk '/^Failed tasks:/ { on = 1; next } on && /^- / { print $2; next } on && NF { on = 0 }' | sort -u | paste -sd ' ')
rm -f "$log"
echo
echo "Summary: ${passed} passed, ${failed} failed${failed_tasks:+; failed tasks: ${failed_tasks}}"
[ "$failed" -eq 0 ] || status=1
exit $status
