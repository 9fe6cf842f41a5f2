import { Injectable } from '@nestjs/common';
import { Counter, Registry } from 'prom-client';

/** Stock moved by reservations, counted once per order when the outcome is recorded. */
@Injectable()
export class ReservationMetrics {
  private readonly reserved: Counter;
  private readonly released: Counter;

  constructor(registry: Registry) {
    this.reserved = new Counter({
      name: 'orderflow_inventory_units_reserved_total',
      help: 'Units of stock reserved for confirmed reservations',
      registers: [registry],
    });
    this.released = new Counter({
      name: 'orderflow_inventory_units_released_total',
      help: 'Units of stock given back because their order was cancelled',
      registers: [registry],
    });
  }

  unitsReserved(units: number): void {
    this.reserved.inc(units);
  }

  unitsReleased(units: number): void {
    if (units > 0) this.released.inc(units);
  }
}
