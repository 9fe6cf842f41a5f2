import { midFlightProblems, type KillSnapshot } from './kill.snapshot';

const snapshot = (lag: string[], done: number): KillSnapshot => ({ service: 'inventory-service', lag, done, what: 'orders final' });

describe('midFlightProblems: did the kill land while the service had work in flight?', () => {
  it('is satisfied by a service killed with events unconsumed and part of the work undone', () => {
    expect(midFlightProblems(snapshot(['orderflow.inventory[2] at 10 of 14'], 12), 60)).toEqual([]);
  });

  it('fails a kill that landed after everything was done: nothing unconsumed, all the work finished', () => {
    expect(midFlightProblems(snapshot([], 60), 60)).toEqual([
      'inventory-service had consumed and committed every event when it was killed',
      'inventory-service was killed after all 60 orders final were done',
    ]);
  });

  it('fails when either half says the work was over', () => {
    expect(midFlightProblems(snapshot([], 12), 60)).toHaveLength(1);
    expect(midFlightProblems(snapshot(['g[0] at 1 of 2'], 60), 60)).toHaveLength(1);
  });

  it('fails when there was no work at all', () => {
    expect(midFlightProblems(snapshot(['g[0] at 1 of 2'], 0), 0)).toContain('there was no work for inventory-service to be killed in the middle of (0 orders final)');
  });
});
