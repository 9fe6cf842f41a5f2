import { Injectable } from '@nestjs/common';
import { Access, type Principal } from '@orderflow/auth';
import { emptyLedger, type Ledger } from '../../domain/ledger';
import { LedgerRepository } from '../../persistence/ledger.repository';

/**
 * `GET /customers/{customerId}/points`. A customer who never earned anything simply has
 * balance 0: there is no 404 here. So another customer's points answer 403, which says
 * nothing about whether they exist.
 */
@Injectable()
export class CustomerPointsHandler {
  constructor(
    private readonly ledgers: LedgerRepository,
    private readonly access: Access,
  ) {}

  async execute(caller: Principal, customerId: string): Promise<Ledger> {
    this.access.assertMayRead(caller, customerId);
    return (await this.ledgers.find(customerId)) ?? emptyLedger(customerId);
  }
}
