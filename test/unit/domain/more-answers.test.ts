import { describe, expect, it } from 'vitest';
import { reviewExecutionName } from '../../../shared/domain/marketplace/microtask';
import { decideMoreAnswers } from '../../../shared/domain/quality/more-answers';

const policy = { initialAnswers: 2, maxAnswers: 4, targetConfidence: 0.95 };
const classes = ['cat', 'dog'];
const votes = (...labels: string[]) => labels.map((label, i) => ({ workerId: `w${i}`, label }));
const none = new Map<string, { correct: number; total: number }>();

describe('decideMoreAnswers', () => {
  it('asks for one more answer while workers of unknown skill disagree or agree too thinly', () => {
    expect(decideMoreAnswers({ policy, classes, votes: votes('cat', 'dog'), goldEvidence: none })).toMatchObject({ open: true, reason: 'uncertain', label: null });
    // Two prior-skilled (0.7) workers agreeing: 0.49 / (0.49 + 0.09) = 0.845, below 0.95.
    const d = decideMoreAnswers({ policy, classes, votes: votes('cat', 'cat'), goldEvidence: none });
    expect(d).toMatchObject({ open: true, label: 'cat' });
    expect(d.confidence).toBeCloseTo(0.49 / 0.58, 9);
  });

  it('stops when workers with a strong gold record agree', () => {
    const gold = new Map([['w0', { correct: 40, total: 40 }], ['w1', { correct: 39, total: 40 }]]);
    expect(decideMoreAnswers({ policy, classes, votes: votes('dog', 'dog'), goldEvidence: gold })).toMatchObject({ open: false, reason: 'confident', label: 'dog' });
  });

  it('never goes past the maximum, and has nothing to decide without answers', () => {
    expect(decideMoreAnswers({ policy, classes, votes: votes('cat', 'dog', 'cat', 'dog'), goldEvidence: none })).toMatchObject({ open: false, reason: 'max_reached' });
    expect(decideMoreAnswers({ policy, classes, votes: [], goldEvidence: none })).toMatchObject({ open: false, reason: 'no_answers' });
  });
});

describe('reviewExecutionName', () => {
  it('keeps the first round under the historical name and gives each later round its own', () => {
    expect(reviewExecutionName({ microtaskId: 'mt_1' })).toBe('review-mt_1');
    expect(reviewExecutionName({ microtaskId: 'mt_1', extraSlots: 2 })).toBe('review-mt_1-round-3');
  });
});
