/**
 * `npm run dlq -- list|show|replay|purge`: the dead letters the services parked, for an
 * operator. See USAGE (cli/dlq.args.ts) and docs/operations.md, "Dead letters".
 */
import { createInterface } from 'node:readline/promises';
import { parseCommand, USAGE } from './cli/dlq.args';
import { ExitCode, NotFoundError, UsageError } from './cli/exit-codes';
import { listCommand } from './commands/list.command';
import { purgeCommand } from './commands/purge.command';
import { replayCommand } from './commands/replay.command';
import { showCommand } from './commands/show.command';
import { DeadLetterStore } from './dead-letters/dead-letter.store';
import { kafkaFromEnv } from './kafka.config';

const out = (text: string) => process.stdout.write(`${text}\n`);

async function ask(question: string): Promise<string | undefined> {
  if (!process.stdin.isTTY) return undefined;
  const prompt = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return await prompt.question(question);
  } finally {
    prompt.close();
  }
}

async function main(argv: string[]): Promise<number> {
  const command = parseCommand(argv);
  if (command.name === 'help') {
    out(USAGE);
    return ExitCode.ok;
  }
  const store = new DeadLetterStore(kafkaFromEnv());
  try {
    switch (command.name) {
      case 'list':
        await listCommand(store, command.selection, command.json, out);
        return ExitCode.ok;
      case 'show':
        await showCommand(store, command.id, command.json, out);
        return ExitCode.ok;
      case 'replay':
        await replayCommand(store, command, out);
        return ExitCode.ok;
      case 'purge':
        return await purgeCommand(store, { topics: command.selection.topics, dryRun: command.dryRun, yes: command.yes, ask }, out);
    }
  } finally {
    await store.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: Error) => {
    if (error instanceof UsageError) {
      process.stderr.write(`dlq: ${error.message}\nRun \`npm run dlq -- --help\` for the commands and flags.\n`);
      process.exit(error.exitCode);
    }
    if (error instanceof NotFoundError) {
      process.stderr.write(`dlq: ${error.message}\n`);
      process.exit(error.exitCode);
    }
    process.stderr.write(`dlq: failed: ${error.message}\n`);
    process.exit(ExitCode.failed);
  },
);
