import { InventoryRejectionReason } from '../gen/orderflow/inventory/v1/events_pb';
import { OrderRejectionReason } from '../gen/orderflow/orders/v1/events_pb';
import {
  decodeInventoryRejectionReason,
  decodeOrderRejectionReason,
  encodeInventoryRejectionReason,
  encodeOrderRejectionReason,
  REJECTION_REASONS,
} from './rejection-reason.format';

describe('rejection reasons', () => {
  it('survive a round trip through OrderRejected', () => {
    for (const reason of REJECTION_REASONS) expect(decodeOrderRejectionReason(encodeOrderRejectionReason(reason))).toBe(reason);
  });

  it('read an unset or unknown OrderRejected reason as UNSPECIFIED', () => {
    expect(decodeOrderRejectionReason(OrderRejectionReason.UNSPECIFIED)).toBe('UNSPECIFIED');
    expect(decodeOrderRejectionReason(99 as OrderRejectionReason)).toBe('UNSPECIFIED');
  });

  it('survive a round trip through InventoryRejected', () => {
    for (const reason of ['OUT_OF_STOCK', 'UNKNOWN_SKU'] as const) {
      expect(decodeInventoryRejectionReason(encodeInventoryRejectionReason(reason))).toBe(reason);
    }
  });

  it('read an unset or unknown InventoryRejected reason as out of stock', () => {
    expect(decodeInventoryRejectionReason(InventoryRejectionReason.UNSPECIFIED)).toBe('OUT_OF_STOCK');
    expect(decodeInventoryRejectionReason(99 as InventoryRejectionReason)).toBe('OUT_OF_STOCK');
  });
});
