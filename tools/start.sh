#!/usr/bin/env bash
# Starts the whole system: infrastructure, then the four services with their logs prefixed
# by service. Ctrl-C stops the services, and the infrastructure too if this command started it.
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/deps.sh

started_infra=false
[ -f .infra/env ] || started_infra=true
stop_infra() { if $started_infra; then echo "• Stopping the infrastructure"; bash tools/infra.sh down; fi; }
trap stop_infra EXIT

bash tools/infra.sh up
echo "• Building the services"
npx nx run-many -t build --projects=tag:type:app --parallel=2 --output-style=static >/dev/null
set -a && source .infra/env && set +a

# The prefixed output is not a terminal, so ask for readable lines rather than JSON.
run() { echo "LOG_FORMAT=${LOG_FORMAT:-text} PORT=$2 node dist/apps/$1/main.js"; }
echo "• Starting: order-api :${ORDER_API_PORT:-3000}, inventory-service :${INVENTORY_PORT:-3001}," \
  "points-service :${POINTS_PORT:-3002}, notification-service :${NOTIFICATION_PORT:-3003} (Ctrl-C stops)"
npx concurrently --names "order-api,inventory,points,notification" --prefix "[{name}]" \
  --kill-others --kill-signal SIGTERM \
  "$(run order-api "${ORDER_API_PORT:-3000}")" \
  "$(run inventory-service "${INVENTORY_PORT:-3001}")" \
  "$(run points-service "${POINTS_PORT:-3002}")" \
  "$(run notification-service "${NOTIFICATION_PORT:-3003}")" || true
