/**
 * What a killed service had left to do at the moment of the kill, read right after it (and
 * before anything new is sent): the service is dead, so its committed offsets stay as they
 * were when it died. A crash test asserts on it that the kill landed mid-flight: one that
 * landed after the work was all done proves nothing about recovery, and must fail rather
 * than pass.
 */
export interface KillSnapshot {
  service: string;
  /**
   * The service's consumer groups' partitions not committed to the end ("group[p] at x of y").
   * Its committed offsets are frozen by the kill; the ends may have grown since, but only
   * with events of work begun before it (nothing new is sent until the snapshot is read).
   * Events not committed are work the service had not finished: handled partly or not at all.
   */
  lag: string[];
}

/** Why the kill did not land mid-flight (empty when it did). */
export function midFlightProblems(snapshot: KillSnapshot): string[] {
  return snapshot.lag.length === 0 ? [`${snapshot.service} had consumed and committed every event when it was killed`] : [];
}
