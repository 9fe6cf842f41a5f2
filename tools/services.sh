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

# Starts the infrastructure in $INFRA_DIR unless it is running (and stops it again when the
# calling script exits), builds the services and exports the infrastructure's env. A running
# infrastructure is used as it is: `infra up` again without the same KAFKA_PORT / MONGO_PORT
# would rewrite its env file with the default ports, i.e. someone else's.
infra_and_services() {
  started_infra=false
  [ -f "$INFRA_DIR/env" ] || started_infra=true
  trap 'if $started_infra; then echo "• Stopping the infrastructure this run started"; bash tools/infra.sh down; fi' EXIT
  if $started_infra; then
    local log
    log=$(mktemp)
    echo "• Starting the infrastructure in $INFRA_DIR"
    if ! bash tools/infra.sh up >"$log" 2>&1; then cat "$log"; rm -f "$log"; exit 1; fi
    rm -f "$log"
  fi
  build_services
  set -a && source "$INFRA_DIR/env" && set +a
}
