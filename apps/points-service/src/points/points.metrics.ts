import { Injectable } from '@nestjs/common';
import { Counter, Registry } from 'prom-client';

/** Loyalty points credited and taken back, counted once per order when the ledger changes. */
@Injectable()
export class PointsMetrics {
  private readonly awarded: Counter;
  private readonly reversed: Counter;

  constructor(registry: Registry) {
    this.awarded = new Counter({
      name: 'orderflow_points_awarded_total',
      help: 'Loyalty points awarded for confirmed orders',
      registers: [registry],
    });
    this.reversed = new Counter({
      name: 'orderflow_points_reversed_total',
      help: 'Loyalty points taken back from cancelled orders',
      registers: [registry],
    });
  }

  pointsAwarded(points: number): void {
    this.awarded.inc(points);
  }

  pointsReversed(points: number): void {
    this.reversed.inc(points);
  }
}
