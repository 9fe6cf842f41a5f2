/**
 * Something a service needs before it may take traffic (its database, its broker).
 * `check` resolves when usable and rejects with a reason when not; it must answer quickly,
 * because Kubernetes calls the readiness endpoint every few seconds.
 */
export interface ReadinessProbe {
  readonly name: string;
  check(): Promise<void>;
}

/** Time after which a probe that has not answered counts as down. */
export const PROBE_TIMEOUT_MS = 2_000;

export async function runProbe(probe: ReadinessProbe, timeoutMs = PROBE_TIMEOUT_MS): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([probe.check(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
