import { describe, expect, it } from 'vitest';
import { accuracyEvidenceFromGold, confusionFromGold, symmetricConfusion } from '../../../../shared/domain/aggregation/worker-skill';

describe('worker skill from gold', () => {
  const gold = new Map([
    ['g1', 'a'],
    ['g2', 'b'],
    ['g3', 'b'],
  ]);
  const answers = [
    { itemId: 'g1', workerId: 'w', label: 'a' },
    { itemId: 'g2', workerId: 'w', label: 'a' },
    { itemId: 'g3', workerId: 'w', label: 'b' },
    { itemId: 'unknown', workerId: 'w', label: 'b' },
  ];

  it('counts correct answers on gold items only', () => {
    expect(accuracyEvidenceFromGold(answers, gold).get('w')).toEqual({ correct: 2, total: 3 });
  });

  it('builds smoothed confusion rows that fall back to the prior where gold is silent', () => {
    const m = confusionFromGold(answers, gold, ['a', 'b', 'c'], { accuracy: 0.8, strength: 2 }).get('w')!;
    // Row a: 1 correct answer + prior 1.6 / 0.2 / 0.2 pseudo-answers.
    expect(m[0]).toEqual([2.6 / 3, 0.2 / 3, 0.2 / 3].map((x) => expect.closeTo(x, 12)));
    // Row b: one a, one b.
    expect(m[1]![0]).toBeCloseTo(1.2 / 4, 12);
    expect(m[1]![1]).toBeCloseTo(2.6 / 4, 12);
    // Row c: no gold, the prior itself.
    expect(m[2]).toEqual(symmetricConfusion(0.8, 3)[2]!.map((x) => expect.closeTo(x, 12)));
  });

  it('makes symmetric matrices whose rows sum to one', () => {
    for (const row of symmetricConfusion(0.7, 4)) expect(row.reduce((s, p) => s + p, 0)).toBeCloseTo(1, 12);
    expect(() => symmetricConfusion(0.7, 1)).toThrow(RangeError);
  });
});
