#!/usr/bin/env bash
# Starts the whole system: infrastructure, then the four services with their logs prefixed
# by service. Ctrl-C stops the services, and the infrastructure too if this command started it.
# INFRA_DIR, KAFKA_PORT, … as for `npm run infra`.
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/deps.sh
source tools/infra.lib.sh

infra_up
echo "• Building the services"
npx nx run-many -t build --projects=tag:type:app --parallel=2 --output-style=static >/dev/null

# Local development trusts a local token issuer (tools/token-issuer) unless AUTH_JWKS_URL
# names another one; `npm run -s token -- <customer id> [--staff] [--admin]` prints a token.
issuer_port=${TOKEN_ISSUER_PORT:-3999}
names="" issuer=()
if [ -z "${AUTH_JWKS_URL:-}" ] && [ "${AUTH_DISABLED:-}" != true ]; then
  export AUTH_JWKS_URL="http://127.0.0.1:${issuer_port}/.well-known/jwks.json" AUTH_ISSUER="http://127.0.0.1:${issuer_port}" AUTH_AUDIENCE=orderflow
  names="issuer," issuer=("npx tsx --tsconfig tools/token-issuer/tsconfig.json tools/token-issuer/src/token-issuer.main.ts --port $issuer_port")
  echo "• Token issuer (development only) on :${issuer_port}"
fi

# The prefixed output is not a terminal, so ask for readable lines rather than JSON.
run() { echo "LOG_FORMAT=${LOG_FORMAT:-text} PORT=$2 node dist/apps/$1/main.js"; }
echo "• Starting: order-api :${ORDER_API_PORT:-3000}, inventory-service :${INVENTORY_PORT:-3001}," \
  "points-service :${POINTS_PORT:-3002}, notification-service :${NOTIFICATION_PORT:-3003} (Ctrl-C stops)"
npx concurrently --names "${names}order-api,inventory,points,notification" --prefix "[{name}]" \
  --kill-others --kill-signal SIGTERM \
  "${issuer[@]}" \
  "$(run order-api "${ORDER_API_PORT:-3000}")" \
  "$(run inventory-service "${INVENTORY_PORT:-3001}")" \
  "$(run points-service "${POINTS_PORT:-3002}")" \
  "$(run notification-service "${NOTIFICATION_PORT:-3003}")" || true
