import { midFlightProblems } from './kill.snapshot';

describe('midFlightProblems: did the kill land while the service had work in flight?', () => {
  it('is satisfied by a service killed with events not yet committed', () => {
    expect(midFlightProblems({ service: 'inventory-service', lag: ['orderflow.inventory[2] at 10 of 14'] })).toEqual([]);
  });

  it('fails a kill that landed after everything was consumed and committed', () => {
    expect(midFlightProblems({ service: 'inventory-service', lag: [] })).toEqual([
      'inventory-service had consumed and committed every event when it was killed',
    ]);
  });
});
