import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiProperty, ApiPropertyOptional, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { MAX_BODY_DEPTH } from './body-shape.check';
import { PROBLEM_CONTENT_TYPE } from './problem';

class FieldErrorDocument {
  @ApiProperty({ example: 'items[0].quantity' }) field!: string;
  @ApiProperty({ example: 'quantity must not be less than 1' }) message!: string;
}

/** The RFC 9457 problem document every error answers with, as OpenAPI shows it. */
export class ProblemDocument {
  @ApiProperty({ example: 'about:blank' }) type!: string;
  @ApiProperty({ example: 'Bad Request' }) title!: string;
  @ApiProperty({ type: 'integer', minimum: 400, maximum: 599, example: 400 }) status!: number;
  @ApiProperty({ example: 'The request is invalid.' }) detail!: string;
  @ApiPropertyOptional({ type: [FieldErrorDocument], description: 'validation errors only: each bad field' }) errors?: FieldErrorDocument[];
}

const DESCRIPTIONS: Record<number, string> = {
  400: `The request is invalid: a malformed parameter, body or header (each bad field is named), or a body nested deeper than ${MAX_BODY_DEPTH} levels of arrays and objects.`,
  401: 'No access token, or one that is invalid or expired (WWW-Authenticate says which, per RFC 6750).',
  403: 'The token does not allow this: another customer, or a missing scope (WWW-Authenticate names it).',
  404: 'No such resource, or one the caller may not see.',
  405: 'The path exists but not with this method (Allow lists the methods it has).',
  409: 'Conflicts with the current state.',
  413: 'The request body is larger than 64 KiB.',
  422: 'The Idempotency-Key was already used by this caller with a different request.',
  429: 'Too many requests from this caller (or IP address); retry after Retry-After seconds.',
  503: "The token issuer's keys cannot be fetched, or the request took too long; retry after Retry-After seconds.",
};

export const problemContent = () => ({ [PROBLEM_CONTENT_TYPE]: { schema: { $ref: getSchemaPath(ProblemDocument) } } });

/** Documents the problem answers a route gives, each with its status's usual meaning or `descriptions`. */
export function ApiProblems(statuses: number[], descriptions: Record<number, string> = {}): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiExtraModels(ProblemDocument),
    ...statuses.map((status) =>
      ApiResponse({ status, description: descriptions[status] ?? DESCRIPTIONS[status], content: problemContent() }),
    ),
  );
}

export { DESCRIPTIONS as PROBLEM_DESCRIPTIONS };
