import { Injectable, type ExecutionContext } from '@nestjs/common';
import { normalizeIp, ThrottlerGuard, type ThrottlerModuleOptions } from '@nestjs/throttler';
import type { RateLimitOptions } from './auth.options';
import type { AuthenticatedRequest } from './caller.decorator';
import { PUBLIC_ROUTE } from './public.decorator';
import { RateLimitStorage } from './rate-limit.storage';

type TrackedRequest = AuthenticatedRequest & { ip?: string; path?: string };

const callerOf = (request: TrackedRequest): string | null => request.principal?.customerId ?? null;

/**
 * `@nestjs/throttler` with one budget per caller across all routes: an authenticated
 * caller is counted by customer id, anything else by IP address (so a flood of bad tokens
 * is limited too). Health probes (`@Public('always')`) are never limited. Counters live in
 * this process (`RateLimitStorage`, bounded): with N replicas a caller gets up to N times the
 * limit (see docs/security.md).
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  /**
   * By the route's mark, not its path, so no spelling of a path changes the answer. A
   * probe refused with 429 would take a healthy replica out of service; what made unlimited
   * readiness calls costly, a database and broker round trip each, `ReadinessCache` removes.
   */
  protected override async shouldSkip(context: ExecutionContext): Promise<boolean> {
    return this.reflector.getAllAndOverride<string | undefined>(PUBLIC_ROUTE, [context.getHandler(), context.getClass()]) === 'always';
  }

  /**
   * An IPv6 address counts as its /64 network (the library's default, which overriding this
   * method would lose): a subscriber gets a whole /64, and counting each address apart would
   * give whoever rotates through it a fresh budget per address and fill the counters' table.
   */
  protected override async getTracker(request: Record<string, unknown>): Promise<string> {
    const caller = callerOf(request as TrackedRequest);
    return caller !== null ? `caller:${caller}` : `ip:${normalizeIp((request as TrackedRequest).ip ?? 'unknown', this.ipv6SubnetPrefix)}`;
  }

  protected override generateKey(_context: ExecutionContext, tracker: string, throttler: string): string {
    return `${throttler}:${tracker}`;
  }
}

export function throttlerOptions(limits: RateLimitOptions): ThrottlerModuleOptions {
  return {
    errorMessage: 'Too many requests; retry after the number of seconds in Retry-After.',
    storage: new RateLimitStorage(limits.maxCallers),
    throttlers: [
      {
        name: 'default',
        ttl: limits.windowMs,
        limit: (context) => (callerOf(context.switchToHttp().getRequest<TrackedRequest>()) !== null ? limits.perCaller : limits.perIp),
      },
    ],
  };
}
