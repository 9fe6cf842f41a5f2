import { topicNamed } from '@orderflow/contracts';
import { PermanentEventError } from './permanent.error';

/** At most this much of what a sender wrote goes into a dead letter's reason. */
const shown = (text: string) => JSON.stringify(text.slice(0, 100));

/**
 * Refuses an event no producer of ours would have sent: a type its topic does not carry
 * (`EVENT_NOT_ON_TOPIC`), or a `ce_source` other than that topic's producer in the registry
 * (`UNTRUSTED_SOURCE`). Both are dead-lettered with the reason, whatever handler wanted
 * them. This catches a misrouted or carelessly forged event; one that names the right
 * producer is for the broker's ACLs to stop (who may write a topic at all). Topics outside
 * the registry (tests' own) have no rules to check.
 */
export function requireTrustedOrigin(topic: string, event: { type: string; meta: { producer: string } }): void {
  const spec = topicNamed(topic);
  if (!spec) return;
  if (!spec.events.includes(event.type)) {
    throw new PermanentEventError(
      'EVENT_NOT_ON_TOPIC',
      `${shown(event.type)} does not travel on ${topic}, which carries ${spec.events.join(', ')}`,
    );
  }
  if (event.meta.producer !== spec.producer) {
    throw new PermanentEventError(
      'UNTRUSTED_SOURCE',
      `ce_source ${shown(event.meta.producer)} is not the producer of ${topic} (${spec.producer})`,
    );
  }
}
