import { describe, expect, it } from 'vitest';
import { majorityVote } from '../../../../shared/domain/aggregation/majority-vote';

describe('majorityVote', () => {
  it('picks the most frequent label with its share as confidence', () => {
    const r = majorityVote([
      { workerId: 'a', label: 'cat' },
      { workerId: 'b', label: 'cat' },
      { workerId: 'c', label: 'dog' },
    ]);
    expect(r).toMatchObject({ label: 'cat', tie: false });
    expect(r.confidence).toBeCloseTo(2 / 3);
  });

  it('gives null on a tie for first place', () => {
    const r = majorityVote([
      { workerId: 'a', label: 'cat' },
      { workerId: 'b', label: 'dog' },
      { workerId: 'c', label: 'cat' },
      { workerId: 'd', label: 'dog' },
      { workerId: 'e', label: 'bird' },
    ]);
    expect(r).toMatchObject({ label: null, tie: true, confidence: 0 });
  });

  it('gives null without votes', () => {
    expect(majorityVote([]).label).toBeNull();
  });
});
