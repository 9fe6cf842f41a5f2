import { parseArgs } from 'node:util';
import { groupIdOf, topicKeyOf, parseDeadLetterId, TOPIC_KEYS, type Selection } from '../dead-letters/dead-letter';
import { UsageError } from './exit-codes';

export type Command =
  | { name: 'help' }
  | { name: 'list'; selection: Selection; json: boolean }
  | { name: 'show'; id: string; json: boolean }
  | { name: 'replay'; ids: string[]; selection: Selection; all: boolean; dryRun: boolean; json: boolean }
  | { name: 'purge'; selection: Selection; dryRun: boolean; yes: boolean };

export const USAGE = `Usage: npm run dlq -- <command> [flags]

  list                  dead letters: id, age, order, event, error code, consumer group, source, replayed, reason
  show <id>             one dead letter: its headers and its payload decoded as JSON
  replay <id>...        send dead letters back to their source topic, original key, headers and event id
  replay --order <id>   ... every dead letter of that order
  replay --all          ... every dead letter (narrowed by --topic and --since)
  purge                 delete every dead letter of the selected topics (asks to confirm)

Flags:
  --topic <t>           orders | inventory | points | notifications (or a full topic name); repeatable
  --order <uuid>        only this order's dead letters (list, replay)
  --group <g>           only those this consumer group parked: order-api, inventory-service, points-service,
                        notification-service (or a group id); each group parks its own copy (list, replay)
  --since <when>        only those dead-lettered since an ISO time or a duration ago (30m, 2h, 7d)
  --dry-run             say what would be done, do nothing (replay, purge)
  --yes                 purge without asking
  --json                machine-readable output (list, show, replay)

Exit codes: 0 done, 1 failed (Kafka), 2 bad usage, 3 nothing found, 4 purge not confirmed.
Kafka: KAFKA_BROKERS (and KAFKA_SSL, KAFKA_SASL_*), else the env file of \`npm run infra -- up\`.`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `--since`: an ISO 8601 time, or a duration ago (`90s`, `30m`, `2h`, `7d`). */
export function parseSince(value: string, now: Date): Date {
  const duration = /^(\d+)([smhd])$/.exec(value);
  if (duration) {
    const unit = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[duration[2] as 's' | 'm' | 'h' | 'd'];
    return new Date(now.getTime() - Number(duration[1]) * unit);
  }
  const at = /^\d{4}-\d{2}-\d{2}/.test(value) ? new Date(value) : new Date(NaN);
  if (Number.isNaN(at.getTime()))
    throw new UsageError(`--since "${value}" is neither an ISO time (2026-11-29T10:00:00Z) nor a duration (30m, 2h, 7d)`);
  return at;
}

export function parseCommand(argv: string[], now = new Date()): Command {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        topic: { type: 'string', multiple: true },
        order: { type: 'string' },
        group: { type: 'string' },
        since: { type: 'string' },
        all: { type: 'boolean', default: false },
        'dry-run': { type: 'boolean', default: false },
        yes: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  const [name, ...rest] = positionals;
  if (values.help || name === undefined || name === 'help') return { name: 'help' };

  if (values.order !== undefined && !UUID.test(values.order)) throw new UsageError(`--order "${values.order}" is not an order id (a UUID)`);
  const selection: Selection = {
    topics: values.topic ? [...new Set(values.topic.map(topicKeyOf))] : TOPIC_KEYS,
    orderId: values.order?.toLowerCase(),
    since: values.since === undefined ? undefined : parseSince(values.since, now),
    ...(values.group !== undefined && { group: groupIdOf(values.group) }),
  };
  const refuse = (flag: string, why: string) => {
    throw new UsageError(`${name} does not take ${flag}: ${why}`);
  };
  if (name !== 'replay' && values.all) refuse('--all', 'only replay does');
  if ((name === 'list' || name === 'show') && values['dry-run']) refuse('--dry-run', 'it changes nothing anyway');
  if (name !== 'purge' && values.yes) refuse('--yes', 'only purge asks for confirmation');

  switch (name) {
    case 'list':
      if (rest.length > 0) throw new UsageError(`list takes no ids (got ${rest.join(' ')}); use show <id>`);
      return { name, selection, json: values.json };
    case 'show':
      if (rest.length !== 1) throw new UsageError('show takes exactly one dead-letter id, e.g. show inventory:3:17');
      if (values.topic || values.order || values.since || values.group)
        refuse('--topic, --order, --since or --group', 'the id names one dead letter');
      parseDeadLetterId(rest[0]);
      return { name, id: rest[0], json: values.json };
    case 'replay': {
      rest.forEach(parseDeadLetterId);
      const ways = [rest.length > 0, values.order !== undefined, values.all].filter(Boolean).length;
      if (ways !== 1) throw new UsageError('replay needs exactly one of: dead-letter ids, --order <uuid>, --all');
      return { name, ids: rest, selection, all: values.all, dryRun: values['dry-run'], json: values.json };
    }
    case 'purge':
      if (rest.length > 0)
        throw new UsageError(
          'purge takes no ids: Kafka deletes a partition only from its start, so purge empties whole dead-letter topics (--topic)',
        );
      if (values.order || values.since || values.group)
        refuse(
          '--order, --since or --group',
          'Kafka deletes a partition only from its start, so purge empties whole dead-letter topics (--topic)',
        );
      if (values.json) refuse('--json', 'it prints only a summary');
      return { name, selection, dryRun: values['dry-run'], yes: values.yes };
    default:
      throw new UsageError(`unknown command "${name}": use list, show, replay or purge`);
  }
}
