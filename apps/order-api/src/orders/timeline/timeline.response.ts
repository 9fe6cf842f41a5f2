import { ApiProperty } from '@nestjs/swagger';

export class TimelineEntryResponse {
  @ApiProperty({ example: 'InventoryReserved' }) type!: string;
  @ApiProperty({ format: 'uuid' }) eventId!: string;
  @ApiProperty({ example: 'inventory-service' }) source!: string;
  @ApiProperty({ format: 'date-time' }) at!: string;
}
