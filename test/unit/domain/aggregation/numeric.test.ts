import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { median, trimmedMean } from '../../../../shared/domain/aggregation/numeric';

describe('median', () => {
  it('takes the middle value, or the mean of the middle two', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
    expect(median([])).toBeNull();
  });

  it('ignores a wild outlier', () => {
    expect(median([10, 11, 12, 10_000])).toBe(11.5);
  });

  it('rejects non-finite answers', () => {
    expect(() => median([1, Number.NaN])).toThrow(RangeError);
  });

  it('does not depend on answer order', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -1000, max: 1000 }), { minLength: 1 }), (xs) => {
        expect(median([...xs].reverse())).toBe(median(xs));
      }),
    );
  });
});

describe('trimmedMean', () => {
  it('drops floor(n * trim) values from each end', () => {
    // n = 10, trim 0.2: drop two from each end, mean of 3..8.
    expect(trimmedMean([1, 2, 3, 4, 5, 6, 7, 8, 9, 1000], 0.2)).toBe(5.5);
    expect(trimmedMean([1, 2, 3, 4, 1000], 0.2)).toBe(3);
    // n * trim = 1.4 rounds down: one value off each end, not two.
    expect(trimmedMean([0, 1, 2, 3, 4, 10, 100], 0.2)).toBe(4);
  });

  it('is the plain mean with trim 0', () => {
    expect(trimmedMean([1, 2, 3, 10], 0)).toBe(4);
  });

  it('falls back to the median when trimming would drop everything', () => {
    expect(trimmedMean([1, 2], 0.49)).toBe(1.5);
    expect(trimmedMean([], 0.2)).toBeNull();
  });

  it('rejects a trim outside [0, 0.5)', () => {
    expect(() => trimmedMean([1], 0.5)).toThrow(RangeError);
  });

  it('lies between the min and max of the answers', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1 }), fc.double({ min: 0, max: 0.49, noNaN: true }), (xs, t) => {
        const m = trimmedMean(xs, t)!;
        expect(m).toBeGreaterThanOrEqual(Math.min(...xs) - 1e-6);
        expect(m).toBeLessThanOrEqual(Math.max(...xs) + 1e-6);
      }),
    );
  });
});
