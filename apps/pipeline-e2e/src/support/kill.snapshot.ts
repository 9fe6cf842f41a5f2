/**
 * What a killed service had left to do at the moment of the kill, read right after it (and
 * before anything new is sent): the service is dead, so its committed offsets and the
 * records only it writes stay as they were when it died. A crash test asserts on it that the
 * kill landed mid-flight: one that landed after the work was all done proves nothing about
 * recovery, and must fail rather than pass.
 */
export interface KillSnapshot {
  service: string;
  /**
   * The service's consumer groups' partitions not committed to the end ("group[p] at x of y").
   * Its committed offsets are frozen by the kill; the ends may have grown since, but only
   * with events of work begun before it (nothing new is sent until the snapshot is read).
   */
  lag: string[];
  /** How much of the work in flight before the kill was done at the kill (orders final, points awarded, …). */
  done: number;
  /** What `done` counts, for the message. */
  what: string;
}

/** Why the kill did not land mid-flight (empty when it did), once `total`, the whole of that work, is known. */
export function midFlightProblems(snapshot: KillSnapshot, total: number): string[] {
  const problems: string[] = [];
  if (snapshot.lag.length === 0) problems.push(`${snapshot.service} had consumed and committed every event when it was killed`);
  if (snapshot.done >= total) problems.push(`${snapshot.service} was killed after all ${total} ${snapshot.what} were done`);
  if (total === 0) problems.push(`there was no work for ${snapshot.service} to be killed in the middle of (0 ${snapshot.what})`);
  return problems;
}
