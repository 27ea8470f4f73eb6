import { describe, expect, it } from 'vitest';
import { majorityVote } from '../../../../shared/domain/aggregation/majority-vote';
import { logOddsWeight, skillWeightedVote } from '../../../../shared/domain/aggregation/weighted-vote';
import { accuracyEvidenceFromGold, DEFAULT_ACCURACY_PRIOR, smoothedAccuracy } from '../../../../shared/domain/aggregation/worker-skill';
import { accuracy, byItem, generateCrowd } from '../../../support/generated-crowd';

describe('smoothedAccuracy', () => {
  it('gives a new worker the prior: neither perfect nor doomed', () => {
    expect(smoothedAccuracy({ correct: 0, total: 0 })).toBe(DEFAULT_ACCURACY_PRIOR.accuracy);
  });

  it('keeps a short perfect record below 1 and a short bad record above 0', () => {
    const perfect = smoothedAccuracy({ correct: 5, total: 5 });
    const hopeless = smoothedAccuracy({ correct: 0, total: 5 });
    expect(perfect).toBeLessThan(0.9);
    expect(perfect).toBeGreaterThan(DEFAULT_ACCURACY_PRIOR.accuracy);
    expect(hopeless).toBeGreaterThan(0.2);
    expect(Number.isFinite(logOddsWeight(perfect, 2))).toBe(true);
  });

  it('converges to the observed rate with evidence', () => {
    expect(smoothedAccuracy({ correct: 900, total: 1000 })).toBeCloseTo(0.9, 2);
  });
});

describe('logOddsWeight', () => {
  it('is zero at chance, positive above, negative below', () => {
    expect(logOddsWeight(0.5, 2)).toBeCloseTo(0, 12);
    expect(logOddsWeight(0.25, 4)).toBeCloseTo(0, 12);
    expect(logOddsWeight(0.9, 2)).toBeCloseTo(Math.log(9), 12);
    expect(logOddsWeight(0.2, 2)).toBeLessThan(0);
  });

  it('stays finite at 0 and 1', () => {
    expect(Number.isFinite(logOddsWeight(1, 2))).toBe(true);
    expect(Number.isFinite(logOddsWeight(0, 2))).toBe(true);
  });
});

describe('skillWeightedVote', () => {
  it('lets one proven expert outvote two unproven newcomers', () => {
    const skills = new Map([['expert', { correct: 97, total: 100 }]]);
    const r = skillWeightedVote(
      [
        { workerId: 'expert', label: 'yes' },
        { workerId: 'new1', label: 'no' },
        { workerId: 'new2', label: 'no' },
      ],
      skills,
      { classes: ['yes', 'no'] },
    );
    expect(r.label).toBe('yes');
    expect(r.posterior['yes']! + r.posterior['no']!).toBeCloseTo(1, 12);
    expect(r.confidence).toBe(r.posterior['yes']);
  });

  it('counts an adversarial worker against their own answer', () => {
    const r = skillWeightedVote([{ workerId: 'liar', label: 'yes' }], new Map([['liar', { correct: 5, total: 100 }]]), { classes: ['yes', 'no'] });
    expect(r.label).toBe('no');
  });

  it('gives null on a tie', () => {
    const r = skillWeightedVote(
      [
        { workerId: 'a', label: 'yes' },
        { workerId: 'b', label: 'no' },
      ],
      new Map(),
    );
    expect(r).toMatchObject({ label: null, tie: true });
  });

  it('beats majority vote when skills come from a few gold items', () => {
    const crowd = generateCrowd({ seed: 5, classes: 2, mix: { good: 6, spammer: 6, adversarial: 4 }, items: 2000, answersPerItem: 5 });
    const gold = new Map([...crowd.truth].filter((_, i) => i % 10 === 0));
    const skills = accuracyEvidenceFromGold(crowd.answers, gold);
    const items = byItem(crowd.answers);
    const weighted = new Map([...items].map(([item, votes]) => [item, skillWeightedVote(votes, skills, { classes: crowd.classes }).label]));
    const mv = new Map([...items].map(([item, votes]) => [item, majorityVote(votes).label]));
    const notGold = (item: string) => !gold.has(item);
    expect(accuracy(weighted, crowd.truth, notGold) - accuracy(mv, crowd.truth, notGold)).toBeGreaterThan(0.05);
  });
});
