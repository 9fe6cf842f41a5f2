/**
 * Renders an amount of minor units (cents) for a customer, e.g. 3997n USD → "$39.97".
 * The amount stays an integer until it is a decimal string, so nothing is lost to floating
 * point however large it is; the currency's own number of decimals comes from ICU
 * (0 for JPY, 3 for BHD).
 */
export function formatMoney(minorUnits: bigint, currency: string): string {
  const formatter = currencyFormatter(currency);
  const decimals = BigInt(formatter?.resolvedOptions().maximumFractionDigits ?? 2);
  const negative = minorUnits < 0n;
  const magnitude = negative ? -minorUnits : minorUnits;
  const scale = 10n ** decimals;
  const whole = (magnitude / scale).toString();
  const fraction = decimals === 0n ? '' : `.${(magnitude % scale).toString().padStart(Number(decimals), '0')}`;
  const amount = `${negative ? '-' : ''}${whole}${fraction}`;
  // Intl formats a decimal string exactly (ECMA-402 NumberFormat v3); the ES2022 typings only know numbers.
  return formatter ? formatter.format(amount as unknown as number) : `${amount} ${currency}`.trim();
}

/** Formatters by currency code: building one loads ICU data, a few hundred µs each time. */
const formatters = new Map<string, Intl.NumberFormat | undefined>();

/** A formatter for the currency; none for a code that is not even well-formed, so an odd event still renders. */
function currencyFormatter(currency: string): Intl.NumberFormat | undefined {
  if (formatters.has(currency)) return formatters.get(currency);
  let formatter: Intl.NumberFormat | undefined;
  try {
    formatter = new Intl.NumberFormat('en-US', { style: 'currency', currency });
  } catch {
    formatter = undefined;
  }
  // Well-formed codes are a few hundred at most; odd ones are not kept, so events cannot grow the map.
  if (formatter) formatters.set(currency, formatter);
  return formatter;
}
