/** Exit codes a script can rely on; docs/operations.md lists them. */
export const ExitCode = {
  ok: 0,
  /** Kafka unreachable, a produce or delete refused: nothing (more) was done. */
  failed: 1,
  /** A bad command, flag, id or topic: nothing was done. */
  usage: 2,
  /** No dead letter has that id, or none matched what to replay. */
  notFound: 3,
  /** Purge not confirmed. */
  declined: 4,
} as const;

/** A mistake in the command line: printed with the usage hint, exit code 2. */
export class UsageError extends Error {
  readonly exitCode = ExitCode.usage;
}

/** Nothing matched: exit code 3. */
export class NotFoundError extends Error {
  readonly exitCode = ExitCode.notFound;
}
