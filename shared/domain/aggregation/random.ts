/**
 * A small seeded PRNG. Aggregation must be reproducible (a re-run of a batch has to give the
 * same labels and the same payouts), so nothing in this library calls Math.random.
 */
export type Random = () => number;

/** mulberry32: 32-bit state, good enough for shuffling and simulation, not for secrets. */
export function mulberry32(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Integer in [0, n). */
export function randomInt(rng: Random, n: number): number {
  return Math.floor(rng() * n);
}

/** Fisher-Yates on a copy, so callers' arrays are never reordered behind their back. */
export function shuffled<T>(items: readonly T[], rng: Random): T[] {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = randomInt(rng, i + 1);
    const tmp = out[i] as T;
    out[i] = out[j] as T;
    out[j] = tmp;
  }
  return out;
}

/** Index drawn from an unnormalised discrete distribution. */
export function sampleIndex(rng: Random, weights: readonly number[]): number {
  let total = 0;
  for (const w of weights) total += w;
  let u = rng() * total;
  for (let i = 0; i < weights.length; i++) {
    u -= weights[i] ?? 0;
    if (u < 0) return i;
  }
  // Rounding can leave u a hair above zero; the last non-zero weight is the right answer then.
  for (let i = weights.length - 1; i >= 0; i--) if ((weights[i] ?? 0) > 0) return i;
  return 0;
}
