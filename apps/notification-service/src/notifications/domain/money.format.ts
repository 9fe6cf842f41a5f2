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

/** A formatter for the currency; none for a code that is not even well-formed, so an odd event still renders. */
function currencyFormatter(currency: string): Intl.NumberFormat | undefined {
  try {
    return new Intl.NumberFormat('en-US', { style: 'currency', currency });
  } catch {
    return undefined;
  }
}
