import { describe, expect, it } from 'vitest';
import { GoldPolicySchema } from '../../../../shared/api/gold-policy';
import { blocksFromProject, goldAccuracy, goldPolicyVerdict, GOLD_PRIOR } from '../../../../shared/domain/quality/gold-policy';

describe('gold accuracy', () => {
  it('starts at the prior mean and moves less as gold answers accumulate', () => {
    expect(goldAccuracy({ goldCount: 0, goldMatchedCount: 0 })).toBe(GOLD_PRIOR.matched / (GOLD_PRIOR.matched + GOLD_PRIOR.missed));
    // One miss does not sink a newcomer...
    expect(goldAccuracy({ goldCount: 1, goldMatchedCount: 0 })).toBeCloseTo(4 / 6, 4);
    // ...a run of them does, and a long good record absorbs one.
    expect(goldAccuracy({ goldCount: 5, goldMatchedCount: 0 })).toBe(0.4);
    expect(goldAccuracy({ goldCount: 50, goldMatchedCount: 49 })).toBeGreaterThan(0.96);
  });
});

describe('gold policy', () => {
  const policy = GoldPolicySchema.parse({ accuracyFloor: 0.6, action: 'reject_recent' });

  it('defaults to acting from 5 gold answers', () => {
    expect(policy.minAnswers).toBe(5);
    expect(GoldPolicySchema.safeParse({ accuracyFloor: 1.5, action: 'warn' }).success).toBe(false);
    expect(GoldPolicySchema.safeParse({ accuracyFloor: 0.5, action: 'fine' }).success).toBe(false);
  });

  it('acts only from the minimum number of answers, and only below the floor', () => {
    expect(goldPolicyVerdict(policy, { goldCount: 4, goldMatchedCount: 0 })).toBeNull();
    expect(goldPolicyVerdict(policy, { goldCount: 5, goldMatchedCount: 3 })).toBeNull();
    const v = goldPolicyVerdict(policy, { goldCount: 5, goldMatchedCount: 1 });
    expect(v).toEqual({
      action: 'reject_recent',
      rule: 'gold_policy.accuracy_below_floor',
      evidence: { goldAnswered: 5, goldMatched: 1, accuracy: 0.5, accuracyFloor: 0.6, minAnswers: 5 },
    });
  });

  it('blocks from the project for every action but a warning', () => {
    expect([blocksFromProject('warn'), blocksFromProject('block_from_project'), blocksFromProject('reject_recent')]).toEqual([false, true, true]);
  });
});
