import { SetMetadata } from '@nestjs/common';

export const PUBLIC_ROUTE = 'orderflow:public-route';

/**
 * A route anyone may call without a token: always (`/health/*`, which is never rate
 * limited either), or only while the named surface is configured `open` (`/metrics`).
 */
export const Public = (surface: 'always' | 'metrics' = 'always') => SetMetadata(PUBLIC_ROUTE, surface);
