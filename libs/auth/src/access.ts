import { Inject, Injectable } from '@nestjs/common';
import { ProblemException } from '@orderflow/rest';
import { AccessPolicy } from './access.policy';
import { AUTH_OPTIONS, type AuthOptions } from './auth.options';
import { insufficientScope } from './auth.problems';
import type { Principal } from './principal';

/**
 * The access rules for handlers, answering with RFC 6750 `insufficient_scope` 403s. A
 * handler that must hide whether another customer's order exists asks `mayRead` and
 * answers 404 itself.
 */
@Injectable()
export class Access {
  readonly policy: AccessPolicy;

  constructor(@Inject(AUTH_OPTIONS) options: AuthOptions) {
    this.policy = new AccessPolicy(options.scopes);
  }

  /** 403 unless the caller is this customer: nobody places orders in someone else's name. */
  assertActsAs(caller: Principal, customerId: string): void {
    if (!this.policy.actsAs(caller, customerId)) {
      // No scope allows this, so there is no insufficient_scope challenge to give.
      throw new ProblemException(403, 'customerId must be the customer the access token was issued for.');
    }
  }

  /** 403 unless the caller is this customer or holds the staff read scope. */
  assertMayRead(caller: Principal, customerId: string): void {
    if (!this.policy.mayRead(caller, customerId)) {
      throw insufficientScope(this.policy.scopes.staffRead, `Only customer ${customerId} or staff may read this customer's data.`);
    }
  }

  /** 403 unless the caller holds the staff read scope (listing across customers). */
  assertMayReadAnyone(caller: Principal): void {
    if (!this.policy.mayReadAnyone(caller)) {
      throw insufficientScope(
        this.policy.scopes.staffRead,
        `Listing every customer's data needs the scope ${this.policy.scopes.staffRead}; filter by your own customerId.`,
      );
    }
  }

  /** 403 unless the caller holds the staff cancel scope. */
  assertMayCancelAnyone(caller: Principal): void {
    if (!caller.scopes.has(this.policy.scopes.staffCancel)) {
      throw insufficientScope(
        this.policy.scopes.staffCancel,
        `Cancelling another customer's order needs the scope ${this.policy.scopes.staffCancel}.`,
      );
    }
  }

  mayRead(caller: Principal, customerId: string): boolean {
    return this.policy.mayRead(caller, customerId);
  }

  mayCancelFor(caller: Principal, customerId: string): boolean {
    return this.policy.mayCancelFor(caller, customerId);
  }
}
