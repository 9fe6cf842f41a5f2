import { ChaosUsageError, parseChaosArgs } from './chaos.args';

describe('chaos command line', () => {
  it('runs one scenario per fault kind by default, two replicas, 5 orders/s', () => {
    expect(parseChaosArgs([])).toMatchObject({
      mode: 'scenarios',
      replicas: 2,
      rate: 5,
      seed: 1,
      kinds: expect.arrayContaining(['service-kill', 'poison']),
    });
  });

  it('takes a long run with a duration and a seed, and a selection of kinds', () => {
    expect(parseChaosArgs(['--long', '--duration', '1800', '--seed', '7'])).toMatchObject({ mode: 'long', durationSeconds: 1800, seed: 7 });
    expect(parseChaosArgs(['--only', 'broker-kill,poison'])).toMatchObject({ kinds: ['broker-kill', 'poison'] });
  });

  it.each([
    [['--only', 'meteor'], /unknown fault kind meteor/],
    [['--ci', '--long'], /exclude each other/],
    [['--duration', '60'], /--duration is for --long/],
    [['--long', '--duration', 'soon'], /whole number/],
    [['--replicas', '9'], /from 1 to 6/],
    [['--colour'], /Unknown option/],
  ])('refuses %j', (argv, message) => {
    expect(() => parseChaosArgs(argv)).toThrow(ChaosUsageError);
    expect(() => parseChaosArgs(argv)).toThrow(message);
  });
});
