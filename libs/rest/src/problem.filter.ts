import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { problem, PROBLEM_CONTENT_TYPE, type Problem } from './problem';
import { ProblemException } from './problem.exception';
import { ValidationProblem } from './validation.problem';

/** Maps a domain error's stable `code` to the HTTP status it answers with. */
export type ErrorStatuses = Readonly<Record<string, number>>;

/**
 * The one place errors become HTTP answers, all as problem+json: validation problems
 * with their fields, Nest's HTTP exceptions, body-parser refusals (413, malformed JSON),
 * domain errors by their `code`, and anything else as a bare 500 — logged, never with a
 * stack trace in the answer.
 */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger(ProblemFilter.name);

  constructor(private readonly statuses: ErrorStatuses) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const own = ownBody(error);
    if (own) {
      response.status(own.status).json(own.body);
      return;
    }
    const body = this.toProblem(error);
    if (error instanceof ProblemException) {
      for (const [name, value] of Object.entries(error.headers)) response.setHeader(name, value);
    }
    if (body.status >= 500) this.logger.error((error as Error)?.stack ?? String(error));
    response.status(body.status).type(PROBLEM_CONTENT_TYPE).json(body);
  }

  private toProblem(error: unknown): Problem {
    if (error instanceof ValidationProblem) return problem(400, error.detail, error.errors);
    if (error instanceof HttpException) return problem(error.getStatus(), messageOf(error));
    const code = (error as { code?: unknown })?.code;
    if (typeof code === 'string' && this.statuses[code]) {
      return problem(this.statuses[code], (error as Error).message);
    }
    // body-parser's errors carry a status and say whether their message is safe to show.
    const parser = error as { status?: number; expose?: boolean; message?: string; type?: string };
    if (parser?.expose && typeof parser.status === 'number' && parser.status < 500) {
      const detail = parser.type === 'entity.too.large' ? 'The request body is larger than 64 KiB.' : parser.message;
      return problem(parser.status, detail ?? 'The request could not be read.');
    }
    return problem(500, 'Something went wrong on our side; the request may be retried.');
  }
}

/**
 * An HTTP exception thrown with a body of its own (the health check's report of what is
 * down) is answered with that body; only Nest's generic `{ statusCode, message }` bodies
 * become problem documents.
 */
function ownBody(error: unknown): { status: number; body: object } | undefined {
  if (!(error instanceof HttpException) || error instanceof ValidationProblem) return undefined;
  const body = error.getResponse();
  if (typeof body !== 'object' || body === null || 'statusCode' in body) return undefined;
  return { status: error.getStatus(), body };
}

function messageOf(error: HttpException): string {
  const body = error.getResponse();
  if (typeof body === 'string') return body;
  const message = (body as { message?: unknown }).message;
  return Array.isArray(message) ? message.join('; ') : String(message ?? error.message);
}
