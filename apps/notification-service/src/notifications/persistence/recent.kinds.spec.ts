import { RecentKinds } from './recent.kinds';

describe('RecentKinds', () => {
  let now = 0;
  const recent = () => new RecentKinds(2_000, () => now);

  beforeEach(() => (now = 1_000));

  it('answers from a read: the kinds it found are there, the others are not', () => {
    const kinds = recent();
    kinds.read('o-1', ['ORDER_CONFIRMED']);
    expect(kinds.has('o-1', 'ORDER_CONFIRMED')).toBe(true);
    expect(kinds.has('o-1', 'POINTS_AWARDED')).toBe(false);
    expect(kinds.has('o-2', 'ORDER_CONFIRMED')).toBeUndefined();
  });

  it('knows only what a write stored when nothing was read: the other kinds need a query', () => {
    const kinds = recent();
    kinds.written('o-1', ['ORDER_CANCELLED']);
    expect(kinds.has('o-1', 'ORDER_CANCELLED')).toBe(true);
    expect(kinds.has('o-1', 'POINTS_REVERSED')).toBeUndefined();
  });

  it('keeps a kind written while a read was under way, whose answer came back without it', () => {
    const kinds = recent();
    kinds.written('o-1', ['ORDER_CONFIRMED']);
    kinds.read('o-1', []);
    expect(kinds.has('o-1', 'ORDER_CONFIRMED')).toBe(true);
    expect(kinds.has('o-1', 'POINTS_AWARDED')).toBe(false);
    kinds.written('o-1', ['POINTS_AWARDED']);
    expect(kinds.has('o-1', 'POINTS_AWARDED')).toBe(true);
  });

  it('forgets an order once its time is over, and an older order before a newer one', () => {
    const kinds = recent();
    kinds.read('o-old', []);
    now += 1_500;
    kinds.read('o-new', ['ORDER_REJECTED']);
    now += 600;
    expect(kinds.has('o-old', 'ORDER_CONFIRMED')).toBeUndefined();
    expect(kinds.has('o-new', 'ORDER_REJECTED')).toBe(true);
    now += 1_500;
    expect(kinds.has('o-new', 'ORDER_REJECTED')).toBeUndefined();
  });

  it('asks the database again about an order whose write failed, since it may have applied', () => {
    const kinds = recent();
    kinds.read('o-1', []);
    kinds.forget('o-1');
    expect(kinds.has('o-1', 'ORDER_CONFIRMED')).toBeUndefined();
  });
});
