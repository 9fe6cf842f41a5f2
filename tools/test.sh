#!/usr/bin/env bash
# The whole test suite — lint, type check, unit, integration (real Kafka and MongoDB), build, the
# black-box e2e suite with the four services as real processes, and a short schemathesis
# run against their OpenAPI documents. Installs what it needs,
# starts the infrastructure (in $INFRA_DIR, default .infra) if it is not running, and stops
# what it started.
set -uo pipefail
cd "$(dirname "$0")/.."
source tools/deps.sh
source tools/infra.lib.sh
export NX_DAEMON=false NX_TUI=false FORCE_COLOR=0

log=$(mktemp)
infra_up

status=0
# One line per step for the summary at the end: "<step>|<result>".
steps=()
step() { steps+=("$1|$2"); }
echo "• Production dependencies without high or critical advisories (npm run audit)"
bash tools/audit.sh
case $? in
  0) step "dependency advisories" "none high or critical" ;;
  3) echo "  (the advisory check could not run here; CI must be able to reach the registry's audit endpoint)"
     step "dependency advisories" "NOT CHECKED (audit endpoint unreachable or refusing)" ;;
  *) status=1; step "dependency advisories" "FAILED"; printf 'Failed tasks:\n- npm-audit\n\n' >> "$log" ;;
esac
echo "• Formatting (prettier --check; \`npm run format\` fixes it)"
if npx prettier --check --log-level warn "{apps,libs,deploy,tools}/**/*.{ts,mjs,cjs}" "*.mjs"; then
  step "formatting" "passed"
else
  status=1; step "formatting" "FAILED"
  printf 'Failed tasks:\n- prettier\n\n' >> "$log"
fi
echo "• Lint, type check, unit and integration tests, build"
# typecheck: tsc --noEmit of the tools, the stack client and the e2e suite, which no build
# type-checks (tsx and ts-jest run them); a few seconds a project.
# Two jest targets: test (unit, nothing running) and integration (the infrastructure above);
# each project's jest prints its own "Tests:" line, all added up at the end.
# --skip-nx-cache: each run tests against the infrastructure it just started, never replays.
npx nx run-many -t lint typecheck test integration build --parallel=2 --skip-nx-cache --output-style=static 2>&1 | tee -a "$log"
if [ "${PIPESTATUS[0]}" -eq 0 ]; then step "lint, types, unit, integration, build" "passed"; else status=1; step "lint, types, unit, integration, build" "FAILED"; fi
# Killing the shared database would break the tests running against it, so the durability
# check runs its own private instance; only for the local default, which the project owns.
mode=$(cat "$INFRA_DIR/mode" 2>/dev/null || echo unknown)
not_local="SKIPPED (the infrastructure is ${mode}, and this step needs private instances only the local infrastructure starts)"
if [ "$mode" = local ]; then
  echo "• The local database keeps acknowledged writes through a SIGKILL"
  if npx nx run infra:durability --skip-nx-cache --output-style=static; then
    step "database durability (SIGKILL)" "passed"
  else
    status=1; step "database durability (SIGKILL)" "FAILED"
    printf 'Failed tasks:\n- mongodb-durability\n\n' >> "$log"
  fi
else
  step "database durability (SIGKILL)" "$not_local"
fi
echo "• End-to-end suite"
npx nx e2e pipeline-e2e --skip-nx-cache --output-style=static 2>&1 | tee -a "$log"
if [ "${PIPESTATUS[0]}" -eq 0 ]; then step "end-to-end suite" "passed"; else status=1; step "end-to-end suite" "FAILED"; fi
# The suite as a client of a running stack (--configuration=external), against services
# started with their default rate limits: a short selection keeps it a client any
# deployment can bear (docs/testing.md).
echo "• End-to-end suite against a stack with the default rate limits, short selection"
npx tsx --tsconfig apps/pipeline-e2e/tsconfig.spec.json apps/pipeline-e2e/src/external/stack.main.ts \
  -- --testPathPatterns='(orders|points|notifications)\.e2e' 2>&1 | tee -a "$log"
if [ "${PIPESTATUS[0]}" -eq 0 ]; then
  step "end-to-end, external (short)" "passed"
else
  status=1; step "end-to-end, external (short)" "FAILED"
  printf 'Failed tasks:\n- pipeline-e2e-external\n\n' >> "$log"
fi
# Restarting the broker and the database would break everything else using them, so the
# fault-injection selection runs on a private instance of both; only the local default can.
if [ "$mode" = local ]; then
  echo "• Fault injection, short selection (npm run chaos -- --ci)"
  if npx tsx --tsconfig tools/chaos/tsconfig.json tools/chaos/src/chaos.main.ts --ci; then
    step "fault injection (--ci)" "passed"
  else
    status=1; step "fault injection (--ci)" "FAILED"
    printf 'Failed tasks:\n- chaos\n\n' >> "$log"
  fi
else
  step "fault injection (--ci)" "$not_local"
fi

echo "• OpenAPI fuzzing with schemathesis, short run (npm run fuzz -- --quick)"
bash tools/fuzz.sh --quick 2>&1 | tee -a "$log"
if [ "${PIPESTATUS[0]}" -eq 0 ]; then
  step "OpenAPI fuzzing (--quick)" "passed"
else
  status=1; step "OpenAPI fuzzing (--quick)" "FAILED"
  printf 'Failed tasks:\n- openapi-fuzz\n\n' >> "$log"
fi

# Jest prints "Tests: 1 failed, 2 skipped, 40 passed, 43 total" per project; add them up.
read -r passed failed < <(sed 's/\x1b\[[0-9;]*m//g' "$log" | grep -E '^Tests:' | awk '
  { for (i = 2; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i } }
  END { print p + 0, f + 0 }')
# Lint and build failures have no jest line; name the failed Nx tasks so they are not missed.
failed_tasks=$(sed 's/\x1b\[[0-9;]*m//g' "$log" | awk '/^Failed tasks:/ { on = 1; next } on && /^- / { print $2; next } on && NF { on = 0 }' | sort -u | paste -sd ' ')
rm -f "$log"
# The infrastructure goes first, so the summary is the last thing printed.
trap - EXIT
stop_infra
echo
echo "Summary"
for s in "${steps[@]}"; do printf '  %-38s %s\n' "${s%%|*}" "${s#*|}"; done
[ -z "$failed_tasks" ] || echo "  failed tasks: ${failed_tasks}"
# The jest tests of every step above, added up, in jest's own words.
failures=""
[ "$failed" -eq 0 ] || failures="${failed} failed, "
echo "Tests:       ${failures}${passed} passed, $((passed + failed)) total"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ] || status=1
exit $status
