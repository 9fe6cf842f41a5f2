import { deadLetterTopic, Topics, type TopicKey } from '@orderflow/contracts';
import { ExitCode } from '../cli/exit-codes';
import type { DeadLetterStore } from '../dead-letters/dead-letter.store';

export interface PurgeRequest {
  topics: TopicKey[];
  dryRun: boolean;
  yes: boolean;
  /** Asks the operator; resolves with their answer, or undefined when nobody can answer. */
  ask: (question: string) => Promise<string | undefined>;
}

/** Empties the dead-letter topics of `topics`, after a confirmation; the exit code. */
export async function purgeCommand(store: DeadLetterStore, request: PurgeRequest, out: (text: string) => void): Promise<number> {
  const names = request.topics.map((key) => deadLetterTopic(Topics[key].name));
  const { letters } = await store.readAll(request.topics);
  if (letters.length === 0) {
    out(`No dead letters on ${names.join(', ')}.`);
    return ExitCode.ok;
  }
  const what = `${letters.length} dead letter${letters.length === 1 ? '' : 's'} on ${names.join(', ')}`;
  if (request.dryRun) {
    out(`Would purge ${what}.`);
    return ExitCode.ok;
  }
  if (!request.yes) {
    const answer = await request.ask(`Purge ${what}? This cannot be undone. Type "purge" to confirm: `);
    if (answer === undefined) {
      out('purge needs --yes when it cannot ask (stdin is not a terminal); nothing was purged.');
      return ExitCode.usage;
    }
    if (answer.trim() !== 'purge') {
      out('Not confirmed; nothing was purged.');
      return ExitCode.declined;
    }
  }
  const deleted = await store.purge(request.topics);
  out(`Purged ${deleted} dead letter${deleted === 1 ? '' : 's'} from ${names.join(', ')}.`);
  return ExitCode.ok;
}
