/** RFC 6750 §2.1: `Bearer` then a b64token (letters, digits, `-._~+/`, trailing `=`). */
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

export type BearerToken = { kind: 'missing' } | { kind: 'malformed' } | { kind: 'present'; token: string };

/** The token of an `Authorization` header; another scheme counts as no bearer token at all. */
export function bearerToken(header: string | string[] | undefined): BearerToken {
  if (header === undefined || Array.isArray(header)) return { kind: 'missing' };
  if (!/^Bearer(\s|$)/i.test(header)) return { kind: 'missing' };
  const match = BEARER.exec(header);
  return match ? { kind: 'present', token: match[1] } : { kind: 'malformed' };
}
