/**
 * The OAuth scope names the services grant staff access by, unless a deployment's issuer
 * names them otherwise (`AUTH_SCOPE_*`): the one definition the services' defaults, the test
 * token issuer and `npm run token` share.
 */
export const DEFAULT_SCOPE_NAMES = {
  /** Read any customer's orders, timelines, points and notifications. */
  staffRead: 'orderflow:staff:read',
  /** Cancel any customer's order. */
  staffCancel: 'orderflow:staff:cancel',
  /** Create, replace and adjust products in inventory-service. */
  inventoryAdmin: 'orderflow:inventory:admin',
} as const;
