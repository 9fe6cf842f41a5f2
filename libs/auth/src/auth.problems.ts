import { ProblemException } from '@orderflow/rest';

const REALM = 'realm="orderflow"';

/**
 * The answers of RFC 6750 §3. A request without a token gets the bare challenge; a bad one
 * gets `invalid_token` with the same words whatever was wrong (signature, issuer, audience,
 * expiry), so nothing tells a caller which check a forged token failed.
 */
export const tokenRequired = () =>
  new ProblemException(401, 'This request needs a bearer access token (Authorization: Bearer <token>).', {
    'WWW-Authenticate': `Bearer ${REALM}`,
  });

export const tokenInvalid = () =>
  new ProblemException(401, 'The access token is invalid or has expired.', {
    'WWW-Authenticate': `Bearer ${REALM}, error="invalid_token", error_description="The access token is invalid or has expired"`,
  });

export const keysUnavailable = () =>
  new ProblemException(503, 'Access tokens cannot be checked right now; retry shortly.', { 'Retry-After': '5' });

/** 403 with the scope that would have allowed it (RFC 6750 `insufficient_scope`). */
export const insufficientScope = (scope: string, detail: string) =>
  new ProblemException(403, detail, {
    'WWW-Authenticate': `Bearer ${REALM}, error="insufficient_scope", scope="${scope}"`,
  });
