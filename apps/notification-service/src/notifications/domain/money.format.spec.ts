import { formatMoney } from './money.format';

describe('formatMoney', () => {
  it('renders minor units of USD as dollars and cents', () => {
    expect(formatMoney(3997n, 'USD')).toBe('$39.97');
    expect(formatMoney(5n, 'USD')).toBe('$0.05');
    expect(formatMoney(0n, 'USD')).toBe('$0.00');
    expect(formatMoney(123456789n, 'USD')).toBe('$1,234,567.89');
  });

  it('keeps every digit of amounts beyond floating point precision', () => {
    expect(formatMoney(9007199254740993n, 'USD')).toBe('$90,071,992,547,409.93');
  });

  it('uses the currency’s own number of decimals', () => {
    expect(formatMoney(1250n, 'EUR')).toBe('€12.50');
    expect(formatMoney(1250n, 'JPY')).toBe('¥1,250');
    expect(formatMoney(1250n, 'BHD')).toMatch(/^BHD\s1\.250$/);
  });

  it('falls back to the ISO code for a currency without a symbol', () => {
    expect(formatMoney(3997n, 'XTS')).toMatch(/^XTS\s39\.97$/);
  });

  it('renders the amount with whatever code it got when the code is not a currency code at all', () => {
    expect(formatMoney(3997n, 'dollars')).toBe('39.97 dollars');
    expect(formatMoney(3997n, '')).toBe('39.97');
  });
});
