import { DeadLetterHeader, EnvelopeHeader } from '@orderflow/contracts';
import { fromRecord, matches, replayHeaders } from './dead-letter';

const ORDER = '0b8f6a2e-8d6c-4a57-9a3e-2f0c0d5e7b11';
const record = {
  offset: '17',
  key: Buffer.from(ORDER),
  value: Buffer.from([1, 2, 3]),
  timestamp: String(Date.parse('2026-11-29T10:00:00Z')),
  headers: {
    [EnvelopeHeader.id]: Buffer.from('5c1a7a57-5f52-4c61-9d35-7b6f2b0b8f00'),
    [EnvelopeHeader.type]: Buffer.from('orderflow.inventory.v1.InventoryReserved'),
    [EnvelopeHeader.correlationId]: Buffer.from(ORDER),
    [DeadLetterHeader.code]: Buffer.from('UNKNOWN_ORDER'),
    [DeadLetterHeader.reason]: Buffer.from(`order ${ORDER} does not exist`),
    [DeadLetterHeader.topic]: Buffer.from('orderflow.inventory.events.v1'),
    [DeadLetterHeader.partition]: Buffer.from('3'),
    [DeadLetterHeader.offset]: Buffer.from('42'),
    [DeadLetterHeader.group]: Buffer.from('orderflow.order-api'),
    [DeadLetterHeader.at]: Buffer.from('2026-11-29T10:00:01Z'),
  },
};

describe('a dead letter', () => {
  const letter = fromRecord('inventory', 3, record);

  it('says what it is, why it was parked and where it came from', () => {
    expect(letter).toMatchObject({
      id: 'inventory:3:17',
      dltTopic: 'orderflow.inventory.events.v1.dlt',
      code: 'UNKNOWN_ORDER',
      source: { topic: 'orderflow.inventory.events.v1', partition: 3, offset: '42' },
      group: 'orderflow.order-api',
      deadLetteredAt: new Date('2026-11-29T10:00:01Z'),
      orderId: ORDER,
      eventType: 'orderflow.inventory.v1.InventoryReserved',
    });
  });

  it('is replayed with its own headers and event id, without the dead-lettering ones, naming what it replays', () => {
    const headers = replayHeaders(letter);
    expect(headers[EnvelopeHeader.id]).toBe('5c1a7a57-5f52-4c61-9d35-7b6f2b0b8f00');
    expect(Object.keys(headers).filter((name) => Object.values<string>(DeadLetterHeader).includes(name))).toEqual([]);
    expect(headers['dlt-replay-of']).toBe('inventory:3:17');
  });

  it('is selected by topic, order and age', () => {
    expect(matches(letter, { topics: ['inventory'], orderId: ORDER })).toBe(true);
    expect(matches(letter, { topics: ['orders'] })).toBe(false);
    expect(matches(letter, { topics: ['inventory'], orderId: '00000000-0000-4000-8000-000000000000' })).toBe(false);
    expect(matches(letter, { topics: ['inventory'], since: new Date('2026-11-29T11:00:00Z') })).toBe(false);
  });
});
