import { AccessPolicy } from './access.policy';
import { DEFAULT_SCOPES, unrestricted, type Principal } from './principal';

const policy = new AccessPolicy(DEFAULT_SCOPES);
const customer = (id: string, ...scopes: string[]): Principal => ({ customerId: id, scopes: new Set(scopes) });

describe('AccessPolicy', () => {
  it('lets a customer act on and read only their own data', () => {
    const alice = customer('alice');
    expect(policy.actsAs(alice, 'alice')).toBe(true);
    expect(policy.actsAs(alice, 'bob')).toBe(false);
    expect(policy.mayRead(alice, 'bob')).toBe(false);
    expect(policy.mayReadAnyone(alice)).toBe(false);
    expect(policy.mayCancelFor(alice, 'alice')).toBe(true);
    expect(policy.mayCancelFor(alice, 'bob')).toBe(false);
    expect(policy.mayAdministerInventory(alice)).toBe(false);
  });

  it('widens reading and cancelling with the staff scopes, each on its own', () => {
    const reader = customer('staff-1', DEFAULT_SCOPES.staffRead);
    expect(policy.mayRead(reader, 'bob')).toBe(true);
    expect(policy.mayReadAnyone(reader)).toBe(true);
    expect(policy.mayCancelFor(reader, 'bob')).toBe(false);
    const canceller = customer('staff-2', DEFAULT_SCOPES.staffCancel);
    expect(policy.mayCancelFor(canceller, 'bob')).toBe(true);
    expect(policy.mayRead(canceller, 'bob')).toBe(false);
  });

  it('never lets staff place orders for someone else', () => {
    const staff = customer('staff-1', ...Object.values(DEFAULT_SCOPES));
    expect(policy.actsAs(staff, 'bob')).toBe(false);
  });

  it('needs the admin scope for product administration', () => {
    expect(policy.mayAdministerInventory(customer('ops', DEFAULT_SCOPES.inventoryAdmin))).toBe(true);
  });

  it('lets everything through when authentication is disabled', () => {
    const anyone = unrestricted(DEFAULT_SCOPES);
    expect(policy.actsAs(anyone, 'bob')).toBe(true);
    expect(policy.mayReadAnyone(anyone)).toBe(true);
    expect(policy.mayAdministerInventory(anyone)).toBe(true);
  });
});
