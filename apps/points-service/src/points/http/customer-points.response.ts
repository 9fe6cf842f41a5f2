import { ApiProperty } from '@nestjs/swagger';
import { CUSTOMER_ID } from '@orderflow/contracts';
import type { Ledger } from '../domain/ledger';

class PointsEntryResponse {
  @ApiProperty({ format: 'uuid' }) orderId!: string;
  @ApiProperty({ type: 'integer', description: 'positive for an award, negative for a reversal', example: 39 }) points!: number;
  @ApiProperty({ enum: ['AWARD', 'REVERSAL'] }) type!: string;
  @ApiProperty({ format: 'date-time' }) at!: string;
}

export class CustomerPointsResponse {
  @ApiProperty({ example: 'c-1', pattern: CUSTOMER_ID.source }) customerId!: string;
  @ApiProperty({ type: 'integer', description: 'the sum of all entries, shown or not', example: 39 }) balance!: number;
  @ApiProperty({ type: [PointsEntryResponse], description: 'the newest 100 entries, oldest first' }) entries!: PointsEntryResponse[];
}

/** The public shape of a ledger: a whitelist, so markers and the outbox never leak out. */
export function toCustomerPointsResponse(ledger: Ledger): CustomerPointsResponse {
  return {
    customerId: ledger.customerId,
    balance: ledger.balance,
    entries: ledger.entries.map((entry) => ({
      orderId: entry.orderId,
      points: entry.points,
      type: entry.type,
      at: entry.at.toISOString(),
    })),
  };
}
