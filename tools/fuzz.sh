#!/usr/bin/env bash
# `npm run fuzz -- [--quick]`: property-based fuzzing of the four services' OpenAPI documents
# with schemathesis (from PyPI, pinned, in a venv under the infrastructure cache), against
# the built services, authenticated. Starts the infrastructure if it is not running (and
# stops it afterwards if it started it). INFRA_DIR, KAFKA_PORT, … as for `npm run infra`.
set -uo pipefail
cd "$(dirname "$0")/.."
source tools/deps.sh
source tools/infra.lib.sh
source tools/services.sh
export NX_DAEMON=false NX_TUI=false
export INFRA_DIR="$(realpath -m "${INFRA_DIR:-.infra}")"
SCHEMATHESIS_VERSION=4.32.5
export SCHEMATHESIS_VENV="$INFRA_DIR/cache/schemathesis-$SCHEMATHESIS_VERSION"

if [ ! -x "$SCHEMATHESIS_VENV/bin/schemathesis" ]; then
  echo "• Installing schemathesis $SCHEMATHESIS_VERSION from PyPI into $SCHEMATHESIS_VENV"
  command -v python3 >/dev/null || { echo "fuzz: python3 (3.9+) with venv is needed: install it (e.g. apt-get install python3-venv)"; exit 1; }
  rm -rf "$SCHEMATHESIS_VENV"
  python3 -m venv "$SCHEMATHESIS_VENV" && "$SCHEMATHESIS_VENV/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION" || {
    rm -rf "$SCHEMATHESIS_VENV"; echo "fuzz: could not install schemathesis"; exit 1; }
fi

infra_up --quiet
build_services
npx tsx --tsconfig tools/fuzz/tsconfig.json tools/fuzz/src/fuzz.main.ts "$@"
