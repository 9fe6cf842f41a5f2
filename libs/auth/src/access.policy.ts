import type { Principal, ScopeNames } from './principal';

/**
 * Who may do what, as plain rules (no framework): a customer acts only as themselves;
 * staff scopes widen reading and cancelling to every customer; product administration
 * needs its own scope.
 */
export class AccessPolicy {
  constructor(readonly scopes: ScopeNames) {}

  /** May place orders, and use idempotency keys, as this customer. */
  actsAs(principal: Principal, customerId: string): boolean {
    return principal.customerId === null || principal.customerId === customerId;
  }

  /** May read this customer's orders, timelines, points and notifications. */
  mayRead(principal: Principal, customerId: string): boolean {
    return this.actsAs(principal, customerId) || this.mayReadAnyone(principal);
  }

  /** May list across customers (no customer filter). */
  mayReadAnyone(principal: Principal): boolean {
    return principal.scopes.has(this.scopes.staffRead);
  }

  mayCancelFor(principal: Principal, customerId: string): boolean {
    return this.actsAs(principal, customerId) || principal.scopes.has(this.scopes.staffCancel);
  }

  mayAdministerInventory(principal: Principal): boolean {
    return principal.scopes.has(this.scopes.inventoryAdmin);
  }
}
