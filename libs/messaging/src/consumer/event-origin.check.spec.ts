import { Topics } from '@orderflow/contracts';
import { PermanentEventError } from './permanent.error';
import { requireTrustedOrigin } from './event-origin.check';

const event = (type: string, producer: string) => ({ type, meta: { producer } });
const codeOf = (run: () => void) => {
  try {
    run();
    return undefined;
  } catch (error) {
    return error instanceof PermanentEventError ? error.code : `not permanent: ${String(error)}`;
  }
};

describe('requireTrustedOrigin', () => {
  it("accepts each topic's own events from its producer", () => {
    for (const topic of Object.values(Topics)) {
      for (const type of topic.events) expect(codeOf(() => requireTrustedOrigin(topic.name, event(type, topic.producer)))).toBeUndefined();
    }
  });

  it("refuses an event that claims another producer than the topic's", () => {
    expect(codeOf(() => requireTrustedOrigin(Topics.orders.name, event('orderflow.orders.v1.OrderConfirmed', 'points-service')))).toBe(
      'UNTRUSTED_SOURCE',
    );
    expect(codeOf(() => requireTrustedOrigin(Topics.orders.name, event('orderflow.orders.v1.OrderConfirmed', 'mallory')))).toBe(
      'UNTRUSTED_SOURCE',
    );
  });

  it("refuses an event type the topic does not carry, even from that type's own producer", () => {
    expect(codeOf(() => requireTrustedOrigin(Topics.orders.name, event('orderflow.points.v1.PointsAwarded', 'points-service')))).toBe(
      'EVENT_NOT_ON_TOPIC',
    );
    expect(codeOf(() => requireTrustedOrigin(Topics.points.name, event('orderflow.orders.v1.OrderConfirmed', 'order-api')))).toBe(
      'EVENT_NOT_ON_TOPIC',
    );
  });

  it('says in the reason what was claimed, cut short', () => {
    expect(() => requireTrustedOrigin(Topics.orders.name, event('orderflow.orders.v1.OrderCreated', 'x'.repeat(5_000)))).toThrow(
      /^ce_source "x{100}" is not the producer of orderflow\.orders\.events\.v1 \(order-api\)$/,
    );
  });

  it('has no rules for a topic outside the registry', () => {
    expect(codeOf(() => requireTrustedOrigin('it.consumer.private', event('orderflow.orders.v1.OrderCreated', 'anyone')))).toBeUndefined();
  });
});
