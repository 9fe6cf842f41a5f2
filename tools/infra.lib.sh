# Sourced by the commands that need Kafka and MongoDB (test, start, bench, fuzz): the one
# place that decides whether to start the infrastructure and whether to stop it again.

# Uses the infrastructure in $INFRA_DIR (default .infra; made absolute and exported, so every
# command below and the tests find the same one): starts it unless it is running, stops it
# when the calling script exits only if this call started it, and exports its env
# (KAFKA_BROKERS, MONGODB_URI, …). A running infrastructure is used as it is: `infra up`
# again without the same KAFKA_PORT / MONGO_PORT would rewrite its env file with the default
# ports, i.e. someone else's. With --quiet the launcher's output is shown only if it fails.
# Exits 1 if the infrastructure cannot be started.
infra_up() {
  export INFRA_DIR
  INFRA_DIR="$(realpath -m "${INFRA_DIR:-.infra}")"
  started_infra=false
  trap stop_infra EXIT
  if [ -f "$INFRA_DIR/env" ]; then
    echo "• Using the infrastructure running in $INFRA_DIR"
  else
    started_infra=true
    echo "• Starting the infrastructure in $INFRA_DIR"
    if [ "${1:-}" = --quiet ]; then
      local log
      log=$(mktemp)
      if ! bash tools/infra.sh up >"$log" 2>&1; then cat "$log"; rm -f "$log"; exit 1; fi
      rm -f "$log"
    else
      bash tools/infra.sh up || exit 1
    fi
  fi
  set -a && source "$INFRA_DIR/env" && set +a
}

# Stops the infrastructure if infra_up started it, once: on exit, or earlier when a script
# wants its own last words after it (npm test's summary).
stop_infra() {
  if ${started_infra:-false}; then
    started_infra=false
    echo "• Stopping the infrastructure this run started"
    bash tools/infra.sh down
  fi
}
