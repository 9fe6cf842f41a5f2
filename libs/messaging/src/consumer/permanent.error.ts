import { ContractError } from '@orderflow/contracts';

/**
 * A failure that retrying cannot fix (an event that fails validation, a state the handler
 * can never reach): the message goes to the dead-letter topic and its partition moves on.
 * Any other error is taken as transient and retried.
 */
export class PermanentEventError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function permanentCode(error: unknown): string | undefined {
  if (error instanceof PermanentEventError || error instanceof ContractError) return error.code;
  return undefined;
}
