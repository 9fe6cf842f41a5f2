/**
 * Why a Kafka message does not honour the event contract. Every code is permanent: the
 * same bytes fail the same way on every attempt, so a consumer dead-letters the message
 * instead of retrying it.
 */
export type ContractErrorCode =
  /** `ce_type` names no event this build knows (or a schema that is not an event). */
  | 'UNKNOWN_EVENT_TYPE'
  /** A required envelope header is absent. */
  | 'MISSING_HEADER'
  /** A header is present but empty, repeated with different values, or badly formed. */
  | 'MALFORMED_HEADER'
  /** The value is absent or is not a protobuf encoding of the announced type. */
  | 'UNDECODABLE_BODY'
  /** The Kafka key is absent or differs from the order id in the body. */
  | 'KEY_MISMATCH'
  /** The producer side: the event or its metadata cannot be published as given. */
  | 'INVALID_EVENT';

export class ContractError extends Error {
  override readonly name = 'ContractError';

  constructor(
    readonly code: ContractErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${code}: ${message}`, options);
  }
}
