import type { RejectionReason } from '@orderflow/contracts';
import { formatMoney } from './money.format';
import type { NotificationKind } from './notification';

/** What each kind of notification is about: the facts its template needs. */
export type NotificationFacts =
  | { kind: 'ORDER_CONFIRMED'; orderId: string; total: bigint; currency: string }
  | { kind: 'ORDER_REJECTED'; orderId: string; reason: RejectionReason | 'UNSPECIFIED'; skus: string[] }
  | { kind: 'ORDER_CANCELLED'; orderId: string; total: bigint | null; currency: string }
  | { kind: 'POINTS_AWARDED'; orderId: string; points: bigint; orderTotal: bigint; currency: string }
  | { kind: 'POINTS_REVERSED'; orderId: string; points: bigint };

type Templates = { [K in NotificationKind]: (facts: Extract<NotificationFacts, { kind: K }>) => string };

const points = (n: bigint) => `${n} ${n === 1n ? 'point' : 'points'}`;

const skuList = (skus: string[]) => (skus.length > 0 ? ` (${skus.join(', ')})` : '');

/** UNSPECIFIED: no reason given, or a newer producer's reason this build does not know yet. */
const rejectionText = (reason: RejectionReason | 'UNSPECIFIED', skus: string[]): string => {
  switch (reason) {
    case 'OUT_OF_STOCK':
      return `some items are out of stock${skuList(skus)}`;
    case 'UNKNOWN_SKU':
      return `some items are not in our catalogue${skuList(skus)}`;
    case 'TIMEOUT':
      return 'we could not confirm it in time';
    case 'UNSPECIFIED':
      return 'it could not be fulfilled';
  }
};

/** One customer-facing template per kind; each names the order, and the amount it is about. */
const TEMPLATES: Templates = {
  ORDER_CONFIRMED: (f) => `Your order ${f.orderId} is confirmed. Total: ${formatMoney(f.total, f.currency)}.`,
  ORDER_REJECTED: (f) =>
    `Sorry, we could not accept your order ${f.orderId}: ${rejectionText(f.reason, f.skus)}. You have not been charged.`,
  ORDER_CANCELLED: (f) =>
    f.total === null
      ? `Your order ${f.orderId} has been cancelled.`
      : `Your order ${f.orderId} (${formatMoney(f.total, f.currency)}) has been cancelled.`,
  POINTS_AWARDED: (f) => `You earned ${points(f.points)} for your order ${f.orderId} (${formatMoney(f.orderTotal, f.currency)}).`,
  POINTS_REVERSED: (f) =>
    `The ${points(f.points)} earned with order ${f.orderId} ${f.points === 1n ? 'was' : 'were'} taken back because the order was cancelled.`,
};

/** The message a customer receives for these facts. */
export function renderNotification(facts: NotificationFacts): string {
  return (TEMPLATES[facts.kind] as (facts: NotificationFacts) => string)(facts);
}
