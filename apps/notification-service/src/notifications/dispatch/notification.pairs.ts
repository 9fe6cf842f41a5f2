import { COMPANION_OF } from '../domain/notification';
import type { Recording } from '../persistence/notification.insertion';

/** How long a new notification waits for its companion before it is stored alone. */
export const PAIR_GATHER_MS = 500;

interface Waiting {
  recording: Recording;
  resolve: (isNew: boolean) => void;
  reject: (error: unknown) => void;
}

/**
 * Gathers the new notifications of one order that come about together (`COMPANION_OF`): an
 * order's confirmation and its points come within moments of each other, from two services,
 * so the first waits up to `gatherMs` for the second, and both are published and stored
 * together: their events in one produce request, their outcomes in one write of the order's
 * document. A pair goes out as soon as it is whole; a notification without a companion (a
 * rejection) goes out at once. Each caller learns whether its own was new.
 */
export class NotificationPairs {
  private readonly waiting = new Map<string, { members: Waiting[]; timer: NodeJS.Timeout }>();

  constructor(
    private readonly write: (recordings: Recording[]) => Promise<boolean[]>,
    private readonly gatherMs = PAIR_GATHER_MS,
  ) {}

  add(recording: Recording): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      const { orderId, kind } = recording.notification;
      const member = { recording, resolve, reject };
      const group = this.waiting.get(orderId);
      if (group) {
        // Another delivery of the same event, handled here meanwhile: the first one records it.
        if (group.members.some((m) => m.recording.notification.kind === kind)) return resolve(false);
        group.members.push(member);
        if (group.members.length === 2) {
          clearTimeout(group.timer);
          this.waiting.delete(orderId);
          this.flush(group.members);
        }
        return;
      }
      if (!COMPANION_OF[kind]) return this.flush([member]);
      const members = [member];
      const timer = setTimeout(() => {
        this.waiting.delete(orderId);
        this.flush(members);
      }, this.gatherMs);
      this.waiting.set(orderId, { members, timer });
    });
  }

  private flush(members: Waiting[]): void {
    this.write(members.map((m) => m.recording)).then(
      (results) => members.forEach((m, i) => m.resolve(results[i])),
      (error: unknown) => members.forEach((m) => m.reject(error)),
    );
  }
}
