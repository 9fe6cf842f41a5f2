import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { OrderEnv } from '../../config/order-env.config';
import { OrderRepository } from '../persistence/order.repository';
import { OrderWorkflow } from '../commands/order.workflow';
import { PendingTimeoutMetrics } from './pending-timeout.metrics';

/** Orders ended per pass; the next pass takes the rest, so one pass stays short. */
const BATCH = 100;

/**
 * Ends every order PENDING for longer than `PENDING_TIMEOUT_MS` as REJECTED (reason
 * TIMEOUT) and publishes `OrderRejected`, so inventory releases whatever it holds for it
 * (ADR 0004). Safe with any number of replicas and no lease: each order is ended through
 * the workflow's version-checked update, so when two replicas find the same order one
 * write wins and the other re-reads a REJECTED order and does nothing.
 */
@Injectable()
export class PendingTimeoutSweeper implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(PendingTimeoutSweeper.name);
  private timer?: NodeJS.Timeout;
  private pass?: Promise<void>;
  private stopped = false;

  constructor(
    private readonly orders: OrderRepository,
    private readonly workflow: OrderWorkflow,
    private readonly env: OrderEnv,
    private readonly metrics: PendingTimeoutMetrics,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.pass;
  }

  /** One pass: ends the overdue orders found now; the number it ended. */
  async sweep(now = new Date()): Promise<number> {
    const before = new Date(now.getTime() - this.env.PENDING_TIMEOUT_MS);
    let ended = 0;
    for (const id of await this.orders.pendingSince(before, BATCH)) {
      if (this.stopped) break;
      const { order, changed } = await this.workflow.apply(id, { kind: 'timeout' });
      if (!changed) continue;
      ended += 1;
      this.metrics.ended();
      this.logger.warn(
        `order ${id}: PENDING since ${order.createdAt.toISOString()}, longer than ${this.env.PENDING_TIMEOUT_MS} ms: rejected (TIMEOUT)`,
      );
    }
    return ended;
  }

  private schedule(delayMs = this.env.PENDING_SWEEP_INTERVAL_MS): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      let next = this.env.PENDING_SWEEP_INTERVAL_MS;
      this.pass = this.sweep()
        // A full batch means more are waiting: go on at once rather than after the interval.
        .then((ended) => void (ended >= BATCH && (next = 0)))
        .catch((error: Error) => this.logger.warn(`looking for overdue PENDING orders failed: ${error.message}; trying again later`))
        .finally(() => {
          this.pass = undefined;
          this.schedule(next);
        });
    }, delayMs);
  }
}
