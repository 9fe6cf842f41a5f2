import { COMPANION_OF } from '../domain/notification';
import type { Recording } from '../persistence/notification.insertion';

/** How long a new notification waits for its companion before it is stored alone. */
export const PAIR_GATHER_MS = 500;

interface Waiting {
  recording: Recording;
  /** Whether it was new, once its write is acknowledged; rejected if the write failed. */
  stored: Promise<boolean>;
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
    const member = waiting(recording);
    const { orderId, kind } = recording.notification;
    const group = this.waiting.get(orderId);
    if (group) {
      // Another delivery of the same event, handled here meanwhile: the first one records it,
      // and this one fails if that write fails.
      const same = group.members.find((m) => m.recording.notification.kind === kind);
      if (same) return same.stored.then(() => false);
      group.members.push(member);
      if (group.members.length === 2) {
        clearTimeout(group.timer);
        this.waiting.delete(orderId);
        this.flush(group.members);
      }
    } else if (!COMPANION_OF[kind]) {
      this.flush([member]);
    } else {
      const members = [member];
      const timer = setTimeout(() => {
        this.waiting.delete(orderId);
        this.flush(members);
      }, this.gatherMs);
      this.waiting.set(orderId, { members, timer });
    }
    return member.stored;
  }

  private flush(members: Waiting[]): void {
    this.write(members.map((m) => m.recording)).then(
      (results) => members.forEach((m, i) => m.resolve(results[i])),
      (error: unknown) => members.forEach((m) => m.reject(error)),
    );
  }
}

function waiting(recording: Recording): Waiting {
  let settle!: Pick<Waiting, 'resolve' | 'reject'>;
  const stored = new Promise<boolean>((resolve, reject) => (settle = { resolve, reject }));
  return { recording, stored, ...settle };
}
