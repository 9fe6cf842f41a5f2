import { canMove, releaseStep, reserveStep, RESERVATION_STATUSES, type ReservationStatus } from './reservation.transitions';

describe('reservation state machine', () => {
  it('opens a reservation in RESERVING, or records a release of one never opened', () => {
    expect(RESERVATION_STATUSES.filter((to) => canMove(null, to))).toEqual(['RESERVING', 'RELEASED']);
  });

  it('decides a reservation from RESERVING only', () => {
    const into = (to: ReservationStatus) => RESERVATION_STATUSES.filter((from) => canMove(from, to));
    expect(into('RESERVED')).toEqual(['RESERVING']);
    expect(into('REJECTED')).toEqual(['RESERVING']);
    expect(into('RELEASING')).toEqual(['RESERVED']);
    expect(into('RELEASED')).toEqual(['RESERVING', 'REJECTED', 'RELEASING']);
  });

  it('never leaves RELEASED', () => {
    expect(RESERVATION_STATUSES.filter((to) => canMove('RELEASED', to))).toEqual([]);
  });

  it('takes stock only while RESERVING; a redelivery after RESERVED drops what holds remain', () => {
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
