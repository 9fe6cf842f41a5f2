import { CURRENCY_CODE, CURRENCY_CODE_MESSAGE } from '@orderflow/contracts';
import { MessagingConfig } from '@orderflow/messaging';
import { MongoConfig } from '@orderflow/persistence';
import { IsOptional, Matches } from 'class-validator';

/** inventory-service's own variables. The libs' variables are declared by the libs. */
export class InventoryEnv {
  /** ISO 4217 code of the one currency this deployment prices its products in. */
  @IsOptional()
  @Matches(CURRENCY_CODE, { message: CURRENCY_CODE_MESSAGE })
  CURRENCY = 'USD';
}

/** Everything inventory-service reads from its environment besides what runtime reads itself. */
export const INVENTORY_SERVICE_CONFIG = [MessagingConfig, MongoConfig, InventoryEnv] as const;
