import { InventoryRejectionReason } from '../gen/orderflow/inventory/v1/events_pb';
import { OrderRejectionReason } from '../gen/orderflow/orders/v1/events_pb';

/**
 * Why an order was rejected, as services store and show it. TIMEOUT: inventory did not answer
 * within the deployment's limit (ADR 0004); the other two are inventory's own decisions.
 */
export const REJECTION_REASONS = ['OUT_OF_STOCK', 'UNKNOWN_SKU', 'TIMEOUT'] as const;

export type RejectionReason = (typeof REJECTION_REASONS)[number];

/** The reasons inventory decides itself. */
export type StockRejectionReason = Exclude<RejectionReason, 'TIMEOUT'>;

const ORDER_REASONS: Record<RejectionReason, OrderRejectionReason> = {
  OUT_OF_STOCK: OrderRejectionReason.OUT_OF_STOCK,
  UNKNOWN_SKU: OrderRejectionReason.UNKNOWN_SKU,
  TIMEOUT: OrderRejectionReason.TIMEOUT,
};

const INVENTORY_REASONS: Record<StockRejectionReason, InventoryRejectionReason> = {
  OUT_OF_STOCK: InventoryRejectionReason.OUT_OF_STOCK,
  UNKNOWN_SKU: InventoryRejectionReason.UNKNOWN_SKU,
};

export const encodeOrderRejectionReason = (reason: RejectionReason): OrderRejectionReason => ORDER_REASONS[reason];

/** UNSPECIFIED: no reason given, or a newer producer's reason this build does not know yet. */
export function decodeOrderRejectionReason(reason: OrderRejectionReason): RejectionReason | 'UNSPECIFIED' {
  return REJECTION_REASONS.find((known) => ORDER_REASONS[known] === reason) ?? 'UNSPECIFIED';
}

export const encodeInventoryRejectionReason = (reason: StockRejectionReason): InventoryRejectionReason => INVENTORY_REASONS[reason];

/** Inventory rejects only for these two; a reason this build does not know reads as out of stock. */
export function decodeInventoryRejectionReason(reason: InventoryRejectionReason): StockRejectionReason {
  return reason === InventoryRejectionReason.UNKNOWN_SKU ? 'UNKNOWN_SKU' : 'OUT_OF_STOCK';
}
