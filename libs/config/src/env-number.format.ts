/**
 * Environment variables are strings: a value of digits only becomes a number, anything else
 * stays as it was given, so the validator names the variable instead of taking `NaN` or a
 * silently truncated number. For `@Transform(envInteger)` in every config class.
 */
export const envInteger = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;

/** The message of a whole-number variable with a lower bound, e.g. `must be a whole number of milliseconds, at least 1000`. */
export const wholeNumberOf = (what: string, min: number) => ({ message: `must be a whole number of ${what}, at least ${min}` });
