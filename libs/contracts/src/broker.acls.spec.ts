import { brokerAcls } from './broker.acls';

const line = (acl: { resource: string; name: string; operation: string }) => `${acl.operation} ${acl.resource} ${acl.name}`;

describe('brokerAcls', () => {
  it('lets order-api write the orders topic, read the others, and park on their dead-letter topics', () => {
    expect(brokerAcls('order-api').map(line)).toEqual(
      expect.arrayContaining([
        'WRITE TOPIC orderflow.orders.events.v1',
        'READ TOPIC orderflow.inventory.events.v1',
        'WRITE TOPIC orderflow.inventory.events.v1.dlt',
        'READ GROUP orderflow.order-api',
      ]),
    );
  });

  it('lets points-service write only the points topic and the dead letters of what it reads', () => {
    const writes = brokerAcls('points-service')
      .filter((acl) => acl.operation === 'WRITE')
      .map((acl) => acl.name);
    expect(writes.sort()).toEqual(['orderflow.orders.events.v1.dlt', 'orderflow.points.events.v1']);
    const groups = brokerAcls('points-service')
      .filter((acl) => acl.resource === 'GROUP')
      .map(line);
    expect(groups).toEqual(['READ GROUP orderflow.points-service', 'DESCRIBE GROUP orderflow.points-service']);
  });

  it("lets no service but a topic's producer write it", () => {
    for (const service of ['inventory-service', 'points-service', 'notification-service'] as const) {
      expect(brokerAcls(service).map(line)).not.toContain('WRITE TOPIC orderflow.orders.events.v1');
    }
  });
});
