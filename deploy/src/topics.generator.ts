import { allTopics, ConsumerGroups, PARTITIONS, Topics } from '@orderflow/contracts';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { paths } from './workspace.paths';

/**
 * Renders the deployment's copies of the topic registry (libs/contracts/src/topics.ts).
 * Helm and the compose `topics` container cannot import TypeScript, so they read these
 * checked-in files; a test fails when they differ from what this renders.
 */

const HEADER = [
  'Generated from the topic registry (libs/contracts/src/topics.ts) by',
  'deploy/scripts/generate-topics.ts: do not edit. Regenerate with',
  '`npx nx run deploy:generate-topics`.',
];

const comment = (lines: string[]) => lines.map((line) => `# ${line}`.trimEnd()).join('\n');

/** The registry as chart data: every topic to create, and the topics each service consumes. */
export function renderTopicsYaml(): string {
  const data = {
    topics: allTopics(),
    consumers: Object.fromEntries(
      Object.entries(ConsumerGroups).map(([service, group]) => [
        service,
        { groupId: group.groupId, topics: group.topics.map((key) => Topics[key].name) },
      ]),
    ),
  };
  return `${comment(HEADER)}\n${stringify(data)}`;
}

/**
 * A POSIX sh script for the apache/kafka image that creates every missing topic with
 * kafka-topics.sh. It reads the same connection variables as the services, so the chart's
 * Job and the compose service pass it the services' Kafka settings unchanged.
 */
export function renderCreateTopicsScript(): string {
  // The event topics and their dead-letter topics take TOPIC_PARTITIONS when it is set (the
  // chart's topics.partitions); the replay topic keeps its single partition.
  const ensure = allTopics()
    .map(
      (topic) =>
        `ensure_topic ${topic.name} ${topic.partitions === PARTITIONS ? `"\${TOPIC_PARTITIONS:-${topic.partitions}}"` : topic.partitions}`,
    )
    .join('\n');
  return `#!/bin/sh
${comment(HEADER)}
#
# Creates every Orderflow topic that does not exist yet, dead-letter topics included. Run
# by the Helm chart's pre-install/pre-upgrade Job and by docker/compose.yml's \`topics\`
# service, both on the apache/kafka image. Existing topics are left as they are.
#
# Environment (the services' own names):
#   KAFKA_BROKERS             required, host:port[,host:port...]
#   KAFKA_SSL                 true | false (default false)
#   KAFKA_SASL_MECHANISM      plain | scram-sha-256 | scram-sha-512 (unset: no SASL)
#   KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD
#   TOPIC_REPLICATION_FACTOR  unset: the broker's default.replication.factor
#   TOPIC_PARTITIONS          partitions of the event and dead-letter topics; unset: ${PARTITIONS}
#   KAFKA_TOPICS_CMD          default /opt/kafka/bin/kafka-topics.sh
set -eu

: "\${KAFKA_BROKERS:?KAFKA_BROKERS must be set to host:port[,host:port...]}"
kafka_topics="\${KAFKA_TOPICS_CMD:-/opt/kafka/bin/kafka-topics.sh}"

umask 077
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
config="$work/client.properties"

# A JAAS value is double-quoted (escape \\ and "), inside a Java properties file (escape \\).
jaas_quote() {
  printf '%s' "$1" | sed -e 's/\\\\/\\\\\\\\/g' -e 's/"/\\\\"/g' -e 's/\\\\/\\\\\\\\/g'
}

case "\${KAFKA_SSL:-false}" in
  true) transport=SSL ;;
  false) transport=PLAINTEXT ;;
  *) echo "create-topics: KAFKA_SSL must be true or false" >&2; exit 1 ;;
esac

case "\${KAFKA_SASL_MECHANISM:-}" in
  '') printf 'security.protocol=%s\\n' "$transport" > "$config" ;;
  plain|scram-sha-256|scram-sha-512)
    if [ "$KAFKA_SASL_MECHANISM" = plain ]; then
      module=org.apache.kafka.common.security.plain.PlainLoginModule
    else
      module=org.apache.kafka.common.security.scram.ScramLoginModule
    fi
    {
      printf 'security.protocol=SASL_%s\\n' "$transport"
      printf 'sasl.mechanism=%s\\n' "$(printf '%s' "$KAFKA_SASL_MECHANISM" | tr '[:lower:]' '[:upper:]')"
      printf 'sasl.jaas.config=%s required username="%s" password="%s";\\n' "$module" \\
        "$(jaas_quote "\${KAFKA_SASL_USERNAME:-}")" "$(jaas_quote "\${KAFKA_SASL_PASSWORD:-}")"
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
  "$kafka_topics" --bootstrap-server "$KAFKA_BROKERS" --command-config "$config" --create \\
    --if-not-exists --topic "$1" --partitions "$2" \\
    \${TOPIC_REPLICATION_FACTOR:+--replication-factor "$TOPIC_REPLICATION_FACTOR"}
}

${ensure}
echo "create-topics: done"
`;
}

/** Every generated file, by path from the repository root. */
export function generatedFiles(): { path: string; content: string }[] {
  return [
    { path: join(paths.chart, 'files/topics.yaml'), content: renderTopicsYaml() },
    { path: join(paths.chart, 'files/create-topics.sh'), content: renderCreateTopicsScript() },
  ];
}
