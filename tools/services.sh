# Sourced by the commands that run against the built services (bench, fuzz, chaos).

# Builds the four services; on failure prints the build's output and exits 1.
build_services() {
  local log
  log=$(mktemp)
  echo "• Building the services"
  if ! npx nx run-many -t build --projects=tag:type:app --parallel=2 --output-style=static >"$log" 2>&1; then
    cat "$log"; rm -f "$log"; exit 1
  fi
  rm -f "$log"
}
