import { ApiProperty } from '@nestjs/swagger';
import type { TimelineEvent } from '../domain/order';

export class TimelineEntryResponse {
  @ApiProperty({ example: 'InventoryReserved' }) type!: string;
  @ApiProperty({ format: 'uuid' }) eventId!: string;
  @ApiProperty({ example: 'inventory-service' }) source!: string;
  @ApiProperty({ format: 'date-time' }) at!: string;
}

export function toTimelineEntryResponse(entry: TimelineEvent): TimelineEntryResponse {
  return { type: entry.type, eventId: entry.eventId, source: entry.source, at: entry.at.toISOString() };
}
