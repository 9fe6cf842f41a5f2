import { envInteger } from './env-number.format';

describe('envInteger', () => {
  it.each([
    ['3000', 3000],
    [' 42 ', 42],
  ])('reads %j as a number', (value, expected) => {
    expect(envInteger({ value })).toBe(expected);
  });

  it.each(['80a', '1.5', '-1', '', undefined])('leaves %j for the validator to name', (value) => {
    expect(envInteger({ value })).toBe(value);
  });
});
