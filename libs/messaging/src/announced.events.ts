import { EnvelopeHeader } from '@orderflow/contracts';
import { toBuffer, type OutboxMessage, type StoredMessage } from '@orderflow/persistence';

/**
 * A consumer's decision can publish its events itself, without an outbox: the conditional
 * write that decides stores them in the document (`announced`) instead, and the handler
 * publishes them (`DirectPublisher`) before it returns. The offset of the event that caused
 * them is committed only after that, so until they are on the broker the cause is still
 * pending: a crash, a timeout or a broker that is down fails the handler, the consumer
 * delivers the cause again, and the handler, finding its decision made, publishes what the
 * document announced for that cause, with the same ids, which consumers drop. The
 * uncommitted offset stands where an outbox entry would, so nothing is written to remove one.
 *
 * A change that no consumed event causes (a REST call, a timer) still needs the outbox:
 * nothing would deliver its cause again.
 */
export function announcedFor(announced: readonly StoredMessage[] | undefined, causeId: string): OutboxMessage[] {
  return (announced ?? [])
    .filter((event) => event.headers[EnvelopeHeader.causationId] === causeId)
    .map((event) => ({ ...event, value: toBuffer(event.value) }));
}
