import { parseCommand, parseSince } from './dlq.args';
import { UsageError } from './exit-codes';

const now = new Date('2026-11-29T12:00:00Z');
const ORDER = '0b8f6a2e-8d6c-4a57-9a3e-2f0c0d5e7b11';

describe('dlq command line', () => {
  it('lists every topic by default, or the ones named by key or full name', () => {
    expect(parseCommand(['list'], now)).toEqual({
      name: 'list',
      selection: { topics: ['orders', 'inventory', 'points', 'notifications'], orderId: undefined, since: undefined },
      json: false,
    });
    const command = parseCommand(['list', '--topic', 'inventory', '--topic', 'orderflow.points.events.v1.dlt', '--json'], now);
    expect(command).toMatchObject({ selection: { topics: ['inventory', 'points'] }, json: true });
  });

  it("takes --group as a service name or a group id, to pick one group's copy of a dead letter", () => {
    expect(parseCommand(['list', '--group', 'inventory-service'], now)).toMatchObject({
      selection: { group: 'orderflow.inventory-service' },
    });
    expect(parseCommand(['replay', '--all', '--group', 'orderflow.points-service'], now)).toMatchObject({
      selection: { group: 'orderflow.points-service' },
    });
  });

  it('takes --since as an ISO time or a duration ago', () => {
    expect(parseSince('30m', now)).toEqual(new Date('2026-11-29T11:30:00Z'));
    expect(parseSince('2d', now)).toEqual(new Date('2026-11-27T12:00:00Z'));
    expect(parseSince('2026-11-01T00:00:00Z', now)).toEqual(new Date('2026-11-01T00:00:00Z'));
  });

  it('replays ids, an order or everything, exactly one of them', () => {
    expect(parseCommand(['replay', 'inventory:3:17', '--dry-run'], now)).toMatchObject({ ids: ['inventory:3:17'], dryRun: true });
    expect(parseCommand(['replay', '--order', ORDER], now)).toMatchObject({ ids: [], selection: { orderId: ORDER } });
    expect(parseCommand(['replay', '--all', '--topic', 'orders'], now)).toMatchObject({ all: true, selection: { topics: ['orders'] } });
  });

  it.each([
    [['frobnicate'], /unknown command "frobnicate"/],
    [['list', '--colour'], /Unknown option '--colour'/],
    [['list', '--topic', 'payments'], /unknown topic "payments"/],
    [['list', '--order', 'not-a-uuid'], /is not an order id/],
    [['list', '--since', 'yesterday'], /neither an ISO time/],
    [['show'], /exactly one dead-letter id/],
    [['show', 'inventory-3-17'], /is not a dead-letter id/],
    [['show', 'inventory:6:1'], /has partitions 0-5/],
    [['replay'], /exactly one of/],
    [['replay', 'orders:0:1', '--all'], /exactly one of/],
    [['purge', '--order', ORDER], /only from its start/],
    [['purge', '--group', 'order-api'], /only from its start/],
    [['list', '--group', 'payments-service'], /unknown consumer group "payments-service"/],
    [['show', 'orders:0:1', '--group', 'order-api'], /the id names one dead letter/],
    [['list', '--yes'], /only purge asks/],
  ])('refuses %j with a clear message', (argv, message) => {
    expect(() => parseCommand(argv, now)).toThrow(UsageError);
    expect(() => parseCommand(argv, now)).toThrow(message);
  });

  it('prints help for no command, help or --help', () => {
    for (const argv of [[], ['help'], ['--help'], ['list', '-h']]) expect(parseCommand(argv, now)).toEqual({ name: 'help' });
  });
});
