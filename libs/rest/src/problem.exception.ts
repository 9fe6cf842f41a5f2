import { HttpException } from '@nestjs/common';

/**
 * An HTTP error whose answer needs headers besides its problem document, such as
 * `WWW-Authenticate` on a 401 (RFC 6750) or `Allow` on a 405. The filter sets them.
 */
export class ProblemException extends HttpException {
  constructor(
    status: number,
    detail: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(detail, status);
  }
}
