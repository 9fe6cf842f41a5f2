import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { PointsAwardedSchema, PointsReversedSchema } from '@orderflow/contracts';
import { encodeForOutbox } from '@orderflow/messaging';
import type { OutboxMessage } from '@orderflow/persistence';

const producer = 'points-service';

export function awardedEvent(
  award: { customerId: string; orderId: string; points: number; orderTotal: bigint; currency: string; at: Date },
  causationId: string,
): OutboxMessage {
  return encodeForOutbox(
    PointsAwardedSchema,
    {
      orderId: award.orderId,
      customerId: award.customerId,
      points: BigInt(award.points),
      orderTotal: award.orderTotal,
      currency: award.currency,
      awardedAt: timestampFromDate(award.at),
    },
    { producer, causationId, occurredAt: award.at },
  );
}

export function reversedEvent(
  reversal: { customerId: string; orderId: string; points: number; at: Date },
  causationId: string,
): OutboxMessage {
  return encodeForOutbox(
    PointsReversedSchema,
    {
      orderId: reversal.orderId,
      customerId: reversal.customerId,
      points: BigInt(reversal.points),
      reversedAt: timestampFromDate(reversal.at),
    },
    { producer, causationId, occurredAt: reversal.at },
  );
}
