import { BadRequestException, ValidationPipe, type ValidationError } from '@nestjs/common';
import type { FieldError } from './problem';

/** A 400 whose problem document lists every bad field; `detail` says what they share, if anything. */
export class ValidationProblem extends BadRequestException {
  constructor(
    readonly errors: FieldError[],
    readonly detail = 'The request is invalid.',
  ) {
    super(errors.map((e) => `${e.field}: ${e.message}`).join('; '));
  }
}

/**
 * Validates and transforms every DTO: unknown properties are refused (not silently
 * dropped), and nested errors are reported by path, e.g. `items[0].quantity`.
 */
export function validationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    exceptionFactory: (errors) => new ValidationProblem(fieldErrors(errors)),
  });
}

export function fieldErrors(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = joinField(parent, error.property);
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...fieldErrors(error.children ?? [], field)];
  });
}

/** A field's path as problems name it: `items[0].quantity`. */
export const joinField = (parent: string, property: string) =>
  /^\d+$/.test(property) ? `${parent}[${property}]` : parent ? `${parent}.${property}` : property;
