import { priced, repriced, shortSkus, takingOrder, unknownSkus } from './reservation.rules';

const products = [
  { sku: 'MUG', price: 1250, available: 3 },
  { sku: 'TEA', price: 499, available: 0 },
];

describe('reservation rules', () => {
  it('names every SKU the catalogue does not have', () => {
    expect(
      unknownSkus(
        [
          { sku: 'MUG', quantity: 1 },
          { sku: 'X', quantity: 1 },
          { sku: 'Y', quantity: 2 },
        ],
        products,
      ),
    ).toEqual(['X', 'Y']);
    expect(unknownSkus([{ sku: 'MUG', quantity: 1 }], products)).toEqual([]);
  });

  it('names every SKU with less available than ordered, and only those', () => {
    expect(
      shortSkus(
        [
          { sku: 'MUG', quantity: 3 },
          { sku: 'TEA', quantity: 1 },
        ],
        products,
      ),
    ).toEqual(['TEA']);
    expect(shortSkus([{ sku: 'MUG', quantity: 4 }], products)).toEqual(['MUG']);
  });

  it('prices lines at the current price and totals them in minor units', () => {
    expect(
      priced(
        [
          { sku: 'MUG', quantity: 2 },
          { sku: 'TEA', quantity: 3 },
        ],
        products,
      ),
    ).toEqual({
      lines: [
        { sku: 'MUG', quantity: 2, unitPrice: 1250 },
        { sku: 'TEA', quantity: 3, unitPrice: 499 },
      ],
      total: 3997,
    });
  });

  it('takes stock in SKU order whatever the order of the lines', () => {
    expect(
      takingOrder([
        { sku: 'b', quantity: 1 },
        { sku: 'A', quantity: 1 },
        { sku: 'a', quantity: 1 },
      ]).map((l) => l.sku),
    ).toEqual(['A', 'a', 'b']);
  });

  it('tells when a product an order was to be charged for has another price now', () => {
    const charged = [
      { sku: 'MUG', price: 1250 },
      { sku: 'TEA', price: 499 },
    ];
    expect(repriced(charged, products)).toBe(false);
    expect(repriced(charged, [products[0], { ...products[1], price: 549 }])).toBe(true);
  });
});
