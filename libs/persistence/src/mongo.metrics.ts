import type { Connection, mongo } from 'mongoose';
import { Counter, type Registry } from 'prom-client';

/** The commands that write, and how many documents each statement of theirs names. */
const WRITES: Record<string, (command: mongo.Document) => number> = {
  insert: (command) => (command['documents'] as unknown[] | undefined)?.length ?? 0,
  update: (command) => (command['updates'] as unknown[] | undefined)?.length ?? 0,
  delete: (command) => (command['deletes'] as unknown[] | undefined)?.length ?? 0,
  findAndModify: () => 1,
};

/**
 * What the service asks of its database, for the cost census of `npm run bench`: commands
 * by name, and the document writes they carry (a bulk write of 40 updates is one command
 * and 40 writes), by collection. A write is a statement sent, whether or not its condition
 * then matched: the database does the work either way. Counted from the driver's command
 * monitoring, so nothing is missed, whatever code path issued the command.
 */
export function countMongoCommands(connection: Connection, registry: Registry): void {
  const commands = new Counter({
    name: 'orderflow_mongodb_commands_total',
    help: 'MongoDB commands this service sent, by command name',
    labelNames: ['command'],
    registers: [registry],
  });
  const written = new Counter({
    name: 'orderflow_mongodb_documents_written_total',
    help: 'Document writes (insert, update or delete statements) this service sent, by command name and collection',
    labelNames: ['command', 'collection'],
    registers: [registry],
  });
  connection.getClient().on('commandStarted', (event: mongo.CommandStartedEvent) => {
    commands.inc({ command: event.commandName });
    const writes = WRITES[event.commandName]?.(event.command);
    // A write command names its collection as its first field's value.
    if (writes) written.inc({ command: event.commandName, collection: String(event.command[event.commandName]) }, writes);
  });
}
