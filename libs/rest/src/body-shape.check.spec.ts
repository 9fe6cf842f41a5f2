import { bodyShapeProblem, MAX_BODY_DEPTH } from './body-shape.check';

/** Arrays nested `depth` levels deep, as a caller would send them. */
const deepArrays = (depth: number) => JSON.parse('['.repeat(depth) + ']'.repeat(depth));
const deepObjects = (depth: number) => JSON.parse('{"a":'.repeat(depth) + '1' + '}'.repeat(depth));
const order = (extra: string) => JSON.parse(`{"customerId":"c-1","items":[{"sku":"SKU-1","quantity":2}]${extra}}`);

describe('bodyShapeProblem', () => {
  it('lets through bodies of every ordinary shape, up to the nesting limit', () => {
    for (const body of [undefined, null, 'text', 7, true, {}, [], order(''), deepArrays(MAX_BODY_DEPTH), deepObjects(MAX_BODY_DEPTH)]) {
      expect(bodyShapeProblem(body)).toBeUndefined();
    }
  });

  it.each([
    ['arrays', deepArrays],
    ['objects', deepObjects],
  ])('refuses %s nested one level past the limit, and 5,000 or 20,000 deep, naming the limit', (_, build) => {
    for (const depth of [MAX_BODY_DEPTH + 1, 5_000, 20_000]) {
      const problem = bodyShapeProblem(build(depth));
      expect(problem?.getStatus()).toBe(400);
      expect(problem?.detail).toBe(`The request body is nested deeper than ${MAX_BODY_DEPTH} levels of arrays and objects.`);
      expect(problem?.errors).toEqual([
        { field: expect.any(String), message: `is nested deeper than ${MAX_BODY_DEPTH} levels of arrays and objects` },
      ]);
    }
  });

  it('names where the body goes too deep', () => {
    const body = order(`,"x":${'['.repeat(MAX_BODY_DEPTH)}${']'.repeat(MAX_BODY_DEPTH)}`);
    expect(bodyShapeProblem(body)?.errors[0].field).toBe(`x${'[0]'.repeat(MAX_BODY_DEPTH - 1)}`);
    expect(bodyShapeProblem(deepObjects(MAX_BODY_DEPTH + 1))?.errors[0].field).toBe(Array(MAX_BODY_DEPTH).fill('a').join('.'));
  });

  it('counts depth down every branch, not only the first', () => {
    const wide = JSON.parse(`[${'[],'.repeat(1000)}${'['.repeat(MAX_BODY_DEPTH)}${']'.repeat(MAX_BODY_DEPTH)}]`);
    expect(bodyShapeProblem(wide)?.errors[0].field).toMatch(/^\[1000\]/);
  });

  it.each(['__proto__', 'constructor', 'prototype'])('refuses %s as a key anywhere, like an unknown property', (key) => {
    const top = order(`,"${key}":{"admin":true}`);
    expect(bodyShapeProblem(top)?.errors).toEqual([{ field: key, message: `property ${key} should not exist` }]);
    const nested = JSON.parse(`{"customerId":"c-1","items":[{"sku":"SKU-1","quantity":2,"${key}":{"admin":true}}]}`);
    expect(bodyShapeProblem(nested)?.errors).toEqual([{ field: `items[0].${key}`, message: `property ${key} should not exist` }]);
    expect(bodyShapeProblem(nested)?.detail).toBe('The request is invalid.');
  });

  it('names every prototype key of a body, in the body’s order', () => {
    const body = JSON.parse('{"__proto__":1,"items":[{"constructor":1},{"x":{"prototype":1}}],"z":{"__proto__":{"__proto__":1}}}');
    expect(bodyShapeProblem(body)?.errors.map((e) => e.field)).toEqual([
      '__proto__',
      'items[0].constructor',
      'items[1].x.prototype',
      'z.__proto__',
      'z.__proto__.__proto__',
    ]);
  });

  it('takes the same words as values, and an array of them, as harmless', () => {
    expect(bodyShapeProblem({ name: '__proto__', tags: ['constructor', 'prototype'] })).toBeUndefined();
  });

  it('leaves every prototype as it was', () => {
    bodyShapeProblem(JSON.parse('{"__proto__":{"admin":true},"a":[{"constructor":{"prototype":{"admin":true}}}]}'));
    expect(({} as { admin?: unknown }).admin).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('admin');
  });
});
