import type { OpenAPIObject } from '@nestjs/swagger';
import { PROBLEM_DESCRIPTIONS } from './api-problems.decorator';
import { PROBLEM_CONTENT_TYPE } from './problem';

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head'] as const;

const problemRef = (document: OpenAPIObject) => {
  // The ProblemDocument schema, registered by any route's @ApiProblems.
  const name = Object.keys(document.components?.schemas ?? {}).find((key) => key === 'ProblemDocument');
  return name ? { $ref: `#/components/schemas/${name}` } : { type: 'object' };
};

/**
 * Adds what every route answers besides its own statuses, so a client generated from the
 * document knows them: 401, 429 and 503 from the authentication and rate-limit layer on
 * every route that is not public, 400 on every route that takes input, 413 on every route
 * with a body, and 405 for methods a path does not have. `publicPath` tells the open routes.
 */
export function completeDocument(document: OpenAPIObject, publicPath: (path: string) => boolean): OpenAPIObject {
  const schema = problemRef(document);
  closeRequestSchemas(document);
  const problem = (status: number) => ({ description: PROBLEM_DESCRIPTIONS[status], content: { [PROBLEM_CONTENT_TYPE]: { schema } } });
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const operation = item[method];
      if (!operation) continue;
      const responses = operation.responses;
      const add = (status: number) => (responses[String(status)] ??= problem(status));
      if (publicPath(path)) {
        operation.security = [];
      } else {
        [401, 429, 503].forEach(add);
      }
      if ((operation.parameters?.length ?? 0) > 0 || operation.requestBody) add(400);
      if (operation.requestBody) add(413);
      add(405);
    }
  }
  return document;
}

/**
 * Request bodies refuse unknown properties (the validation pipe's forbidNonWhitelisted), so
 * their schemas say `additionalProperties: false`, down to nested ones such as order lines.
 */
function closeRequestSchemas(document: OpenAPIObject): void {
  const schemas = (document.components?.schemas ?? {}) as Record<
    string,
    { properties?: Record<string, unknown>; additionalProperties?: boolean }
  >;
  const closed = new Set<string>();
  const close = (name: string) => {
    const schema = schemas[name];
    if (!schema || closed.has(name)) return;
    closed.add(name);
    schema.additionalProperties = false;
    // Follow the references of its properties (arrays of objects included).
    for (const ref of JSON.stringify(schema.properties ?? {}).matchAll(/"#\/components\/schemas\/([^"]+)"/g)) close(ref[1]);
  };
  for (const item of Object.values(document.paths)) {
    for (const operation of Object.values(item)) {
      const body = (operation as { requestBody?: unknown } | undefined)?.requestBody;
      if (!body) continue;
      for (const ref of JSON.stringify(body).matchAll(/"#\/components\/schemas\/([^"]+)"/g)) close(ref[1]);
    }
  }
}
