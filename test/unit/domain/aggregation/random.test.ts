import { describe, expect, it } from 'vitest';
import { mulberry32, sampleIndex, shuffled } from '../../../../shared/domain/aggregation/random';

describe('seeded randomness', () => {
  it('repeats for a seed and differs across seeds', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const c = mulberry32(43);
    const xs = Array.from({ length: 5 }, () => a());
    expect(Array.from({ length: 5 }, () => b())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c())).not.toEqual(xs);
    for (const x of xs) expect(x >= 0 && x < 1).toBe(true);
  });

  it('shuffles a copy into a permutation', () => {
    const input = [1, 2, 3, 4, 5, 6, 7, 8];
    const out = shuffled(input, mulberry32(1));
    expect(input).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect([...out].sort()).toEqual(input);
    expect(out).not.toEqual(input);
  });

  it('samples indices in proportion to their weights', () => {
    const rng = mulberry32(9);
    const hits = [0, 0, 0];
    for (let i = 0; i < 20_000; i++) hits[sampleIndex(rng, [1, 0, 3])]!++;
    expect(hits[1]).toBe(0);
    expect(hits[2]! / 20_000).toBeCloseTo(0.75, 1);
  });
});
