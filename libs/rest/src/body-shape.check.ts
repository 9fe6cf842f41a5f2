import type { FieldError } from './problem';
import { joinField, ValidationProblem } from './validation.problem';

/**
 * How deep arrays and objects may nest in a request body. The deepest body any route takes
 * is an order (object, items array, line object: 3), so this leaves room for growth and
 * still stops a body long before anything that walks it recursively runs out of stack.
 */
export const MAX_BODY_DEPTH = 32;

/**
 * Keys that name an object's prototype machinery. JSON.parse makes `"__proto__"` an own
 * property; Nest's ValidationPipe and class-transformer then drop it (and `constructor`)
 * without a word, so a body carrying one passed the unknown-property check. No body has a
 * property by these names, so they are refused like any other unknown property.
 */
const PROTOTYPE_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** An array or object met during the walk, with the way back to the body for its path. */
interface Container {
  readonly value: object;
  readonly depth: number;
  readonly parent?: Container;
  readonly key?: string;
}

/**
 * What is wrong with the shape of a parsed JSON body, before anything else reads it: nesting
 * deeper than `maxDepth` levels of arrays and objects, or a prototype key anywhere. The walk
 * keeps its own stack rather than recursing, so no body can overflow it, and it stops at the
 * first container too deep, so it costs no more than the parse did.
 */
export function bodyShapeProblem(body: unknown, maxDepth = MAX_BODY_DEPTH): ValidationProblem | undefined {
  if (!isContainer(body)) return undefined;
  const refused: FieldError[] = [];
  const stack: Container[] = [{ value: body, depth: 1 }];
  for (let container = stack.pop(); container; container = stack.pop()) {
    if (container.depth > maxDepth) {
      return new ValidationProblem(
        [{ field: pathOf(container), message: `is nested deeper than ${maxDepth} levels of arrays and objects` }],
        `The request body is nested deeper than ${maxDepth} levels of arrays and objects.`,
      );
    }
    const isArray = Array.isArray(container.value);
    const children: Container[] = [];
    for (const key of Object.keys(container.value)) {
      if (!isArray && PROTOTYPE_KEYS.has(key)) {
        refused.push({ field: joinField(pathOf(container), key), message: `property ${key} should not exist` });
      }
      const child = (container.value as Record<string, unknown>)[key];
      if (isContainer(child)) children.push({ value: child, depth: container.depth + 1, parent: container, key });
    }
    // Last pushed is walked first: the walk, and the errors it reports, follow the body's order.
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]);
  }
  return refused.length > 0 ? new ValidationProblem(refused) : undefined;
}

function isContainer(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}

/** Built only for a container that is reported, from its parents: `items[0].x`. */
function pathOf(container: Container): string {
  const keys: string[] = [];
  for (let at: Container | undefined = container; at?.key !== undefined; at = at.parent) keys.push(at.key);
  return keys.reverse().reduce(joinField, '');
}
