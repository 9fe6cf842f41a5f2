import type { Connection } from 'mongoose';
import type { StoredModel } from '../stored.model';
import { claimPublished, holdPublished, isPublished, nextPublishedDue, releasePublished, takePublished } from './outbox.published';

describe('published outbox entries waiting for their removal', () => {
  let connection: Connection;
  let orders: StoredModel;

  beforeEach(() => {
    connection = {} as Connection;
    orders = { db: connection, collection: { collectionName: 'orders' } } as unknown as StoredModel;
  });

  it('holds what was published per document, merging a later publish into the earlier one', () => {
    holdPublished(connection, 'orders', new Map([['o-1', ['e-1']]]), 1_000);
    holdPublished(connection, 'orders', new Map([['o-1', ['e-2', 'e-1']]]), 2_000);

    expect(isPublished(connection, 'orders', 'o-1', 'e-2')).toBe(true);
    expect(isPublished(connection, 'orders', 'o-2', 'e-1')).toBe(false);
    expect(isPublished(connection, 'points', 'o-1', 'e-1')).toBe(false);
    // It waits from the first publish on.
    expect(nextPublishedDue(connection, 500)).toBe(1_500);
    expect(takePublished(connection, 500, 1_400)).toEqual(new Map());
    expect(takePublished(connection, 500, 1_500)).toEqual(new Map([['orders', new Map([['o-1', ['e-1', 'e-2']]])]]));
    expect(nextPublishedDue(connection, 500)).toBeUndefined();
  });

  it('takes only what waited long enough, everything with 0', () => {
    holdPublished(connection, 'orders', new Map([['old', ['e-1']]]), 1_000);
    holdPublished(connection, 'orders', new Map([['new', ['e-2']]]), 5_000);
    holdPublished(connection, 'ledgers', new Map([['l-1', ['e-3']]]), 1_000);

    expect(takePublished(connection, 3_000, 6_000)).toEqual(
      new Map([
        ['orders', new Map([['old', ['e-1']]])],
        ['ledgers', new Map([['l-1', ['e-3']]])],
      ]),
    );
    expect(takePublished(connection, 0, 6_000)).toEqual(new Map([['orders', new Map([['new', ['e-2']]])]]));
  });

  it("gives a document's entries to the one write that claims them, and takes them back, due at once, if it fails", () => {
    holdPublished(connection, 'orders', new Map([['o-1', ['e-1', 'e-2']]]), Date.now());

    const claimed = claimPublished(orders, 'o-1');
    expect(claimed).toEqual(['e-1', 'e-2']);
    expect(claimPublished(orders, 'o-1')).toEqual([]);
    expect(isPublished(connection, 'orders', 'o-1', 'e-1')).toBe(false);
    expect(takePublished(connection, 0)).toEqual(new Map());

    releasePublished(orders, 'o-1', claimed);
    expect(takePublished(connection, 60_000)).toEqual(new Map([['orders', new Map([['o-1', ['e-1', 'e-2']]])]]));
  });

  it('keeps what each connection (each process, in production) published apart', () => {
    const other = {} as Connection;
    holdPublished(connection, 'orders', new Map([['o-1', ['e-1']]]));
    expect(isPublished(other, 'orders', 'o-1', 'e-1')).toBe(false);
    expect(takePublished(other, 0)).toEqual(new Map());
  });
});
