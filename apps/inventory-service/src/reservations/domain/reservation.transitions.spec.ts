import { canMove, releaseStep, reserveStep, RESERVATION_STATUSES, type ReservationStatus } from './reservation.transitions';

describe('reservation state machine', () => {
  it('records an outcome, or a release of an order never reserved, as the first write', () => {
    expect(RESERVATION_STATUSES.filter((to) => canMove(null, to))).toEqual(['RESERVED', 'REJECTED', 'RELEASED']);
  });

  it('decides a reservation as its first write, or from RESERVING left by an earlier version', () => {
    const into = (to: ReservationStatus) => RESERVATION_STATUSES.filter((from) => canMove(from, to));
    expect(into('RESERVED')).toEqual(['RESERVING']);
    expect(into('REJECTED')).toEqual(['RESERVING']);
    expect(into('RESERVING')).toEqual([]);
    expect(into('RELEASING')).toEqual(['RESERVED']);
    expect(into('RELEASED')).toEqual(['RESERVING', 'REJECTED', 'RELEASING']);
  });

  it('never leaves RELEASED', () => {
    expect(RESERVATION_STATUSES.filter((to) => canMove('RELEASED', to))).toEqual([]);
  });

  it('takes stock while undecided; a redelivery after RESERVED drops what holds remain', () => {
    expect(reserveStep(null)).toBe('take');
    expect(RESERVATION_STATUSES.map((status) => [status, reserveStep(status)])).toEqual([
      ['RESERVING', 'take'],
      ['RESERVED', 'drop-take-holds'],
      ['REJECTED', 'done'],
      ['RELEASING', 'done'],
      ['RELEASED', 'done'],
    ]);
  });

  it('gives back what each state holds, and only through moves the machine allows', () => {
    expect(releaseStep('RESERVED')).toEqual({ kind: 'release', giveBack: 'reserved', viaReleasing: true });
    expect(releaseStep('RESERVING')).toEqual({ kind: 'release', giveBack: 'taken', viaReleasing: false });
    expect(releaseStep('RELEASING')).toEqual({ kind: 'release', giveBack: 'reserved', viaReleasing: false });
    expect(releaseStep('REJECTED')).toEqual({ kind: 'release', giveBack: 'nothing', viaReleasing: false });
    expect(releaseStep(null)).toEqual({ kind: 'release', giveBack: 'nothing', viaReleasing: false });
    expect(releaseStep('RELEASED')).toEqual({ kind: 'drop-release-holds' });
    for (const from of [null, ...RESERVATION_STATUSES]) {
      const step = releaseStep(from);
      if (step.kind !== 'release') continue;
      const last = step.viaReleasing ? 'RELEASING' : from;
      if (step.viaReleasing) expect(canMove(from, 'RELEASING')).toBe(true);
      expect(canMove(last, 'RELEASED')).toBe(true);
    }
  });
});
