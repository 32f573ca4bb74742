/** Enough digits to see the cost of a few tokens: $12.35, $0.0123, $0.000456. */
export function formatUsd(x: number): string {
  if (x === 0) return '$0';
  if (x < 0) return `-${formatUsd(-x)}`;
  if (x >= 1) return `$${x.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
  const decimals = Math.min(10, Math.ceil(-Math.log10(x)) + 2);
  return `$${x.toFixed(decimals)}`;
}
