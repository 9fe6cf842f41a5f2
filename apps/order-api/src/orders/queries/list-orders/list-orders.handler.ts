import { BadRequestException, Injectable } from '@nestjs/common';
import { Access, type Principal } from '@orderflow/auth';
import type { OrderStatus } from '@orderflow/contracts';
import { decodeCursor, encodeCursor, type Page } from '@orderflow/rest';
import type { Order } from '../../domain/order';
import { OrderRepository } from '../../persistence/order.repository';

export interface ListOrdersQuery {
  customerId?: string;
  status?: OrderStatus;
  /** `nextCursor` of the previous page. */
  cursor?: string;
  limit: number;
}

/** `GET /orders`: a page of orders, newest first, of the customers the caller may see. */
@Injectable()
export class ListOrdersHandler {
  constructor(
    private readonly orders: OrderRepository,
    private readonly access: Access,
  ) {}

  async execute(caller: Principal, query: ListOrdersQuery): Promise<Page<Order>> {
    if (query.customerId !== undefined) this.access.assertMayRead(caller, query.customerId);
    // Without a filter a customer sees their own orders; only staff see everyone's.
    const customerId = query.customerId ?? (this.access.policy.mayReadAnyone(caller) ? undefined : (caller.customerId ?? undefined));
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor, ['createdAt', 'id'] as const);
    if (after && Number.isNaN(Date.parse(after.createdAt))) throw new BadRequestException('cursor is not one this API handed out');
    // One extra tells whether another page follows.
    const orders = await this.orders.list({
      customerId,
      status: query.status,
      after: after && { createdAt: new Date(after.createdAt), id: after.id },
      limit: query.limit + 1,
    });
    const page = orders.slice(0, query.limit);
    const last = page[page.length - 1];
    return {
      items: page,
      nextCursor: orders.length > query.limit ? encodeCursor({ createdAt: last.createdAt.toISOString(), id: last.id }) : null,
    };
  }
}
