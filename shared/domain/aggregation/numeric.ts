/**
 * Numeric answers (counts, measurements, ratings). Both estimators are robust to a few wild
 * answers, which is what a crowd produces: a typo'd extra digit must not move the result much.
 */

function checked(values: readonly number[], fn: string): number[] {
  for (const v of values) if (!Number.isFinite(v)) throw new RangeError(`${fn}: non-finite value ${v}`);
  return [...values].sort((a, b) => a - b);
}

/** Median; the mean of the two middle values for an even count; null when there are no answers. */
export function median(values: readonly number[]): number | null {
  const s = checked(values, 'median');
  const n = s.length;
  if (n === 0) return null;
  const mid = n >> 1;
  return n % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/**
 * Mean after dropping floor(n * trim) values from each end. When that would drop everything
 * (tiny n, large trim) it degrades to the median, the limit of trimming.
 */
export function trimmedMean(values: readonly number[], trim = 0.2): number | null {
  if (!(trim >= 0 && trim < 0.5)) throw new RangeError('trimmedMean: trim must be in [0, 0.5)');
  const s = checked(values, 'trimmedMean');
  const n = s.length;
  if (n === 0) return null;
  const k = Math.floor(n * trim);
  if (n - 2 * k <= 0) return median(s);
  let sum = 0;
  for (let i = k; i < n - k; i++) sum += s[i]!;
  return sum / (n - 2 * k);
}
