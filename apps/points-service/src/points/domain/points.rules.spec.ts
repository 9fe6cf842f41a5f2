import { balanceOf, type OrderMarkers } from './ledger';
import { awardEntry, decideAward, decideCancel, pointsFor, PointsRuleError, reversalEntry } from './points.rules';

const fresh: OrderMarkers = { awarded: null, cancelled: null };
const at = new Date('2026-01-01T00:00:00Z');
const orderId = '0b8f6a2e-8d6c-4a57-9a3e-2f0c0d5e7b11';

describe('points rules', () => {
  it('awards one point per whole currency unit, rounding down', () => {
    expect(pointsFor(3997n)).toBe(39);
    expect(pointsFor(100n)).toBe(1);
    expect(pointsFor(99n)).toBe(0);
    expect(pointsFor(0n)).toBe(0);
    expect(pointsFor(9_007_199_254_740_991_00n)).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('refuses totals no order can have', () => {
    expect(() => pointsFor(-1n)).toThrow(PointsRuleError);
    expect(() => pointsFor(9_007_199_254_740_992_00n)).toThrow(expect.objectContaining({ code: 'INVALID_TOTAL' }));
  });

  it('awards a confirmed order that has not been awarded or cancelled', () => {
    expect(decideAward(fresh, 39)).toEqual({ action: 'award', points: 39 });
  });

  it('awards an order at most once', () => {
    expect(decideAward({ awarded: 39, cancelled: null }, 39)).toMatchObject({ action: 'none' });
    expect(decideAward({ awarded: 39, cancelled: 39 }, 39)).toMatchObject({ action: 'none' });
  });

  it('does not keep an award that arrives after the cancel', () => {
    expect(decideAward({ awarded: null, cancelled: 0 }, 39)).toMatchObject({
      action: 'none',
      reason: expect.stringContaining('cancelled'),
    });
  });

  it('records nothing for an order worth no points', () => {
    expect(decideAward(fresh, 0)).toMatchObject({ action: 'none' });
  });

  it('reverses exactly what was awarded when an awarded order is cancelled', () => {
    expect(decideCancel({ awarded: 39, cancelled: null })).toEqual({ action: 'reverse', points: 39 });
  });

  it('only marks a cancel that comes before (or without) an award', () => {
    expect(decideCancel(fresh)).toEqual({ action: 'mark-cancelled' });
  });

  it('handles a cancel at most once', () => {
    expect(decideCancel({ awarded: 39, cancelled: 39 })).toMatchObject({ action: 'none' });
    expect(decideCancel({ awarded: null, cancelled: 0 })).toMatchObject({ action: 'none' });
  });

  it('keeps the balance the sum of the entries: a reversal is negative', () => {
    const entries = [awardEntry(orderId, 39, at), awardEntry('other', 12, at), reversalEntry(orderId, 39, at)];
    expect(entries[2]).toEqual({ orderId, points: -39, type: 'REVERSAL', at });
    expect(balanceOf(entries)).toBe(12);
    expect(balanceOf([])).toBe(0);
  });
});
