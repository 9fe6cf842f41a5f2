/**
 * Stands in for a `DirectPublisher` in a handler's test: records what the handler asks it to
 * publish, and fails the next `failing` publishes the way a crash or a broker that does not
 * take them would. (The publisher itself is tested against the broker in its own lib.)
 */
export class PublishRecorder<E extends { key: string }> {
  readonly published: E[] = [];
  /** How many of the next publishes with something in them fail. */
  failing = 0;

  async publish(events: readonly E[]): Promise<void> {
    if (events.length > 0 && this.failing > 0) {
      this.failing -= 1;
      throw new Error(PUBLISH_FAILED);
    }
    this.published.push(...events);
  }

  /** What was published for one order (the events' key). */
  for(orderId: string): E[] {
    return this.published.filter((event) => event.key === orderId);
  }
}

/** The message of a publish the recorder failed. */
export const PUBLISH_FAILED = 'the broker did not take the events';
