import { DEFAULT_SCOPE_NAMES } from '@orderflow/contracts';

export const TOKEN_USAGE = 'usage: npm run -s token -- <customer id> [--staff] [--admin] [--scope "a b"] [--expires-in seconds]';

const SCOPES = { staff: [DEFAULT_SCOPE_NAMES.staffRead, DEFAULT_SCOPE_NAMES.staffCancel], admin: [DEFAULT_SCOPE_NAMES.inventoryAdmin] };

/** What `POST /token` is asked for: the issuer's own field names. */
export interface TokenAsk {
  sub: string;
  scope: string;
  expires_in?: number;
}

/**
 * `npm run -s token`'s arguments as the request to the issuer. Throws TOKEN_USAGE without a
 * customer id, or for an --expires-in that is not a whole number of seconds, so a typo is
 * told before the issuer is asked.
 */
export function tokenAsk(argv: string[]): TokenAsk {
  const args = [...argv];
  const value = (flag: string) => {
    const at = args.indexOf(flag);
    return at >= 0 ? args.splice(at, 2)[1] : undefined;
  };
  const scopes = [...(value('--scope')?.split(' ').filter(Boolean) ?? [])];
  const expiresIn = value('--expires-in');
  if (args.includes('--staff')) scopes.push(...SCOPES.staff);
  if (args.includes('--admin')) scopes.push(...SCOPES.admin);
  const sub = args.find((arg) => !arg.startsWith('--'));
  if (!sub || (expiresIn !== undefined && !/^\d+$/.test(expiresIn))) throw new Error(TOKEN_USAGE);
  return { sub, scope: scopes.join(' '), ...(expiresIn !== undefined && { expires_in: Number(expiresIn) }) };
}
