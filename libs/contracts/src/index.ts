export * from './gen/orderflow/orders/v1/events_pb';
export * from './gen/orderflow/inventory/v1/events_pb';
export * from './gen/orderflow/points/v1/events_pb';
export * from './gen/orderflow/notifications/v1/events_pb';
export { eventSchemas } from './event.registry';
export type { EventMessage } from './event.registry';
export { decodeEvent, encodeEvent, EnvelopeHeader, isEvent } from './event.envelope';
export type { DecodedEvent, EncodedEvent, EncodeMeta } from './event.envelope';
export { ContractError } from './contract.error';
export * from './topics';
export { CUSTOMER_ID, CUSTOMER_ID_MESSAGE, isCustomerId, isOrderId, isSku, SKU, SKU_MESSAGE } from './formats/ids.format';
export { ORDER_STATUSES, type OrderStatus } from './formats/order-status.format';
export {
  decodeInventoryRejectionReason,
  decodeOrderRejectionReason,
  encodeInventoryRejectionReason,
  encodeOrderRejectionReason,
  REJECTION_REASONS,
  type RejectionReason,
  type StockRejectionReason,
} from './formats/rejection-reason.format';
export { nameBasedUuid } from './formats/name-based-uuid.format';
export { CURRENCY_CODE, CURRENCY_CODE_MESSAGE } from './formats/currency.format';
export { brokerAcls, type BrokerAcl } from './broker.acls';
export { DEFAULT_SCOPE_NAMES } from './formats/scope-names.format';
