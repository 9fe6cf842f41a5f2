import { parseStackArgs, StackUsageError } from './stack.args';

describe('parseStackArgs', () => {
  it('starts the services with their own default limits when given no flags', () => {
    expect(parseStackArgs([])).toEqual({ limits: {}, suiteArgs: [] });
  });

  it('sets the limits it is given, in either spelling, and passes everything after -- to the suite', () => {
    expect(
      parseStackArgs(['--rate-limit-per-caller', '120', '--rate-limit-per-ip=60', '--', '--testPathPatterns=orders', '--', 'x']),
    ).toEqual({
      limits: { RATE_LIMIT_PER_CALLER: '120', RATE_LIMIT_PER_IP: '60' },
      suiteArgs: ['--testPathPatterns=orders', '--', 'x'],
    });
  });

  it('refuses unknown flags, suite flags before --, and limits that are not whole numbers above 0', () => {
    expect(() => parseStackArgs(['--testPathPatterns=orders'])).toThrow(StackUsageError);
    for (const value of ['0', '-1', '1.5', 'many'])
      expect(() => parseStackArgs(['--rate-limit-per-caller', value])).toThrow(/whole number above 0/);
    expect(() => parseStackArgs(['--rate-limit-per-ip'])).toThrow('got nothing');
  });

  it('answers help', () => {
    expect(parseStackArgs(['--rate-limit-per-caller', '5', '--help'])).toBe('help');
  });
});
