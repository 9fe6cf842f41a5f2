import { DEFAULT_SCOPE_NAMES } from '@orderflow/contracts';
/**
 * Who is calling, as the access token says: the customer they act as (the configured claim,
 * `sub` by default) and the scopes granted to them. With authentication disabled by
 * configuration every request acts as an unrestricted caller: no customer, every scope.
 */
export interface Principal {
  readonly customerId: string | null;
  readonly scopes: ReadonlySet<string>;
}

/** The scope names this deployment's issuer grants; configurable because issuers name them their own way. */
export interface ScopeNames {
  /** Read any customer's orders, timelines, points and notifications. */
  readonly staffRead: string;
  /** Cancel any customer's order. */
  readonly staffCancel: string;
  /** Create, replace and adjust products in inventory-service. */
  readonly inventoryAdmin: string;
}

export const DEFAULT_SCOPES: ScopeNames = DEFAULT_SCOPE_NAMES;

export const unrestricted = (scopes: ScopeNames): Principal => ({
  customerId: null,
  scopes: new Set(Object.values(scopes)),
});
