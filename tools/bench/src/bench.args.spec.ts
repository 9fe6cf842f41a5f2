import { DEFAULTS, parseArgs, UsageError } from './bench.args';

describe('parseArgs', () => {
  it('uses the defaults without flags', () => {
    expect(parseArgs([])).toEqual(DEFAULTS);
  });

  it('reads bursts, rates and durations, in both flag forms', () => {
    const options = parseArgs(['--bursts', '100x4,20x2', '--rates=5,12.5', '--duration', '3']);
    expect(options).toMatchObject({
      bursts: [
        { orders: 100, clients: 4 },
        { orders: 20, clients: 2 },
      ],
      rates: [5, 12.5],
      duration: 3,
    });
  });

  it('lets explicit flags win over --quick wherever they stand', () => {
    expect(parseArgs(['--duration', '9', '--quick'])).toMatchObject({ duration: 9, kafkaMessages: 10_000 });
  });

  it('runs only the flat run when --flat comes without other load', () => {
    expect(parseArgs(['--flat', '20000'])).toMatchObject({ flat: 20_000, bursts: [], rates: [] });
    expect(parseArgs(['--flat', '200', '--rates', '5'])).toMatchObject({ flat: 200, rates: [5] });
  });

  it('runs the flash sale, 20,000 orders unless a count follows, and the flat-reads run alone', () => {
    expect(parseArgs(['--flash'])).toMatchObject({ flash: 20_000, bursts: [], rates: [] });
    expect(parseArgs(['--flash', '500', '--no-limits'])).toMatchObject({ flash: 500, limits: false });
    expect(parseArgs(['--flash', '--no-limits'])).toMatchObject({ flash: 20_000, limits: false });
    expect(parseArgs(['--stored', '1000,100000'])).toMatchObject({ stored: [1000, 100_000], bursts: [], rates: [] });
  });

  it('measures the running stack with one 2,000-order burst unless told otherwise, never with the limits or a profiler', () => {
    expect(parseArgs(['--running'])).toMatchObject({ running: true, bursts: [{ orders: 2000, clients: 64 }], rates: [], limits: false });
    expect(parseArgs(['--running', '--rates', '50'])).toMatchObject({ running: true, rates: [50], limits: false });
    expect(() => parseArgs(['--running', '--profile', 'dist/p'])).toThrow(/drop --running/);
  });

  it('warms the services up with 2,000 unreported orders, 100 when quick, or as many as asked', () => {
    expect(parseArgs([])).toMatchObject({ warmUp: 2000 });
    expect(parseArgs(['--quick'])).toMatchObject({ warmUp: 100 });
    expect(parseArgs(['--warm-up', '500'])).toMatchObject({ warmUp: 500 });
    expect(() => parseArgs(['--warm-up', '0'])).toThrow(/whole number above 0/);
  });

  it('answers help', () => {
    expect(parseArgs(['--quick', '--help'])).toBe('help');
  });

  it.each([
    [['--bursts', '100'], /ORDERSxCLIENTS/],
    [['--bursts', '0x4'], /ORDERSxCLIENTS/],
    [['--rates', '5,x'], /--rates needs a number/],
    [['--rates'], /comma-separated/],
    [['--flat', '-3'], /whole number/],
    [['--duration', '0'], /above 0/],
    [['--frobnicate'], /unknown flag --frobnicate/],
    [['--stored', '5000,1000'], /growing counts/],
    [['--profile'], /needs a directory/],
  ])('rejects %j with a usage error', (argv, message) => {
    expect(() => parseArgs(argv)).toThrow(UsageError);
    expect(() => parseArgs(argv)).toThrow(message);
  });
});
