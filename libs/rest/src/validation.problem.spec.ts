import { Type } from 'class-transformer';
import { IsInt, Min, ValidateNested } from 'class-validator';
import { validationPipe, ValidationProblem } from './validation.problem';

class Line {
  @IsInt()
  @Min(1)
  quantity!: number;
}

class Order {
  @ValidateNested({ each: true })
  @Type(() => Line)
  items!: Line[];
}

async function problemFor(body: unknown): Promise<ValidationProblem> {
  try {
    await validationPipe().transform(body, { type: 'body', metatype: Order });
  } catch (error) {
    return error as ValidationProblem;
  }
  throw new Error('expected a validation problem');
}

describe('validationPipe', () => {
  it('names nested fields by path', async () => {
    const problem = await problemFor({ items: [{ quantity: 1 }, { quantity: 0 }] });
    expect(problem.errors).toEqual([{ field: 'items[1].quantity', message: 'quantity must not be less than 1' }]);
  });

  it('refuses unknown properties at any depth', async () => {
    const problem = await problemFor({ items: [{ quantity: 1, price: 5 }], coupon: 'x' });
    expect(problem.errors.map((e) => e.field).sort()).toEqual(['coupon', 'items[0].price']);
  });
});
