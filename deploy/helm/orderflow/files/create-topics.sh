#!/bin/sh
# Generated from the topic registry (libs/contracts/src/topics.ts) by
# deploy/scripts/generate-topics.ts: do not edit. Regenerate with
# `npx nx run deploy:generate-topics`.
#
# Creates every Orderflow topic that does not exist yet, dead-letter topics included. Run
# by the Helm chart's pre-install/pre-upgrade Job and by docker/compose.yml's `topics`
# service, both on the apache/kafka image. Existing topics are left as they are.
#
# Environment (the services' own names):
#   KAFKA_BROKERS             required, host:port[,host:port...]
#   KAFKA_SSL                 true | false (default false)
#   KAFKA_SASL_MECHANISM      plain | scram-sha-256 | scram-sha-512 (unset: no SASL)
#   KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD
#   TOPIC_REPLICATION_FACTOR  unset: the broker's default.replication.factor
#   TOPIC_PARTITIONS          partitions of the event and dead-letter topics; unset: 6
#   KAFKA_TOPICS_CMD          default /opt/kafka/bin/kafka-topics.sh
set -eu

: "${KAFKA_BROKERS:?KAFKA_BROKERS must be set to host:port[,host:port...]}"
kafka_topics="${KAFKA_TOPICS_CMD:-/opt/kafka/bin/kafka-topics.sh}"

umask 077
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
config="$work/client.properties"

# A JAAS value is double-quoted (escape \ and "), inside a Java properties file (escape \).
jaas_quote() {
  printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/\\/\\\\/g'
}

case "${KAFKA_SSL:-false}" in
  true) transport=SSL ;;
  false) transport=PLAINTEXT ;;
  *) echo "create-topics: KAFKA_SSL must be true or false" >&2; exit 1 ;;
esac

case "${KAFKA_SASL_MECHANISM:-}" in
  '') printf 'security.protocol=%s\n' "$transport" > "$config" ;;
  plain|scram-sha-256|scram-sha-512)
    if [ "$KAFKA_SASL_MECHANISM" = plain ]; then
      module=org.apache.kafka.common.security.plain.PlainLoginModule
    else
      module=org.apache.kafka.common.security.scram.ScramLoginModule
    fi
    {
      printf 'security.protocol=SASL_%s\n' "$transport"
      printf 'sasl.mechanism=%s\n' "$(printf '%s' "$KAFKA_SASL_MECHANISM" | tr '[:lower:]' '[:upper:]')"
      printf 'sasl.jaas.config=%s required username="%s" password="%s";\n' "$module" \
        "$(jaas_quote "${KAFKA_SASL_USERNAME:-}")" "$(jaas_quote "${KAFKA_SASL_PASSWORD:-}")"
    } > "$config"
    ;;
  *) echo "create-topics: KAFKA_SASL_MECHANISM must be plain, scram-sha-256 or scram-sha-512" >&2; exit 1 ;;
esac

echo "create-topics: listing topics on $KAFKA_BROKERS"
"$kafka_topics" --bootstrap-server "$KAFKA_BROKERS" --command-config "$config" --list > "$work/existing"

ensure_topic() {
  if grep -qxF "$1" "$work/existing"; then
    echo "create-topics: $1 exists"
    return
  fi
  echo "create-topics: creating $1 ($2 partitions)"
  # --if-not-exists: another run may have created it since the listing.
  "$kafka_topics" --bootstrap-server "$KAFKA_BROKERS" --command-config "$config" --create \
    --if-not-exists --topic "$1" --partitions "$2" \
    ${TOPIC_REPLICATION_FACTOR:+--replication-factor "$TOPIC_REPLICATION_FACTOR"}
}

ensure_topic orderflow.orders.events.v1 "${TOPIC_PARTITIONS:-6}"
ensure_topic orderflow.orders.events.v1.dlt "${TOPIC_PARTITIONS:-6}"
ensure_topic orderflow.inventory.events.v1 "${TOPIC_PARTITIONS:-6}"
ensure_topic orderflow.inventory.events.v1.dlt "${TOPIC_PARTITIONS:-6}"
ensure_topic orderflow.points.events.v1 "${TOPIC_PARTITIONS:-6}"
ensure_topic orderflow.points.events.v1.dlt "${TOPIC_PARTITIONS:-6}"
ensure_topic orderflow.notifications.events.v1 "${TOPIC_PARTITIONS:-6}"
ensure_topic orderflow.notifications.events.v1.dlt "${TOPIC_PARTITIONS:-6}"
ensure_topic orderflow.dead-letters.replays.v1 1
echo "create-topics: done"
