import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertPricing, assertWithinBudget, maxCostPerAssignment, PAY_TIERS, settleApproved, tieredReward, type Pricing } from '../../../shared/domain/marketplace/pricing';
import { leaseEndWithin } from '../../../shared/domain/marketplace/project';

const base: Pricing = { rewardMinor: 100, feeBasisPoints: 1_500 };
const rich: Pricing = { ...base, tierPay: { silver: 11_000, gold: 12_500 }, bonusRules: { accuracy: { minAgreement: 0.8, amountMinor: 20 }, speed: { maxSeconds: 60, amountMinor: 5 } } };

describe('the reserve per answer slot', () => {
  it('is the reward and its fee when there are no tiers or bonuses', () => {
    expect(maxCostPerAssignment(base)).toEqual({ rewardMinor: 100, bonusMinor: 0, feeMinor: 15, totalMinor: 115 });
  });

  it('covers the best tier and every bonus, with the fee reserved per payment', () => {
    // gold 125 (fee 19) + accuracy 20 (fee 3) + speed 5 (fee 1: 0.75 rounds up)
    expect(maxCostPerAssignment(rich)).toEqual({ rewardMinor: 125, bonusMinor: 25, feeMinor: 23, totalMinor: 173 });
  });
});

describe('settling an approved answer', () => {
  it('pays the tier reward, the bonuses earned, and returns the rest', () => {
    const s = settleApproved(rich, { tier: 'silver', agreement: 1, secondsToSubmit: 30 });
    expect(s.rewardMinor).toBe(110);
    expect(s.rewardFeeMinor).toBe(17);
    expect(s.bonuses.map((b) => [b.rule, b.amountMinor, b.feeMinor])).toEqual([
      ['accuracy', 20, 3],
      ['speed', 5, 1],
    ]);
    expect(s.bonuses[0]!.reason).toMatch(/consensus of 100 %/);
    expect(s.unusedMinor).toBe(173 - (110 + 17) - (20 + 3) - (5 + 1));
  });

  it('pays no accuracy bonus without consensus or below the threshold, and no speed bonus when slow', () => {
    expect(settleApproved(rich, { tier: 'bronze', agreement: null, secondsToSubmit: 61 }).bonuses).toEqual([]);
    expect(settleApproved(rich, { tier: 'bronze', agreement: 0.67, secondsToSubmit: 61 }).bonuses).toEqual([]);
    expect(settleApproved(rich, { tier: 'bronze', agreement: 0.8, secondsToSubmit: 60 }).bonuses.map((b) => b.rule)).toEqual(['accuracy', 'speed']);
  });

  it('never spends more than the slot reserved, whatever the prices, tier and facts', () => {
    fc.assert(
      fc.property(
        fc.record({
          rewardMinor: fc.integer({ min: 1, max: 100_000 }),
          feeBasisPoints: fc.integer({ min: 0, max: 10_000 }),
          silver: fc.integer({ min: 10_000, max: 30_000 }),
          extra: fc.integer({ min: 0, max: 20_000 }),
          acc: fc.integer({ min: 1, max: 10_000 }),
          speed: fc.integer({ min: 1, max: 10_000 }),
        }),
        fc.constantFrom(...PAY_TIERS),
        fc.option(fc.double({ min: 0, max: 1, noNaN: true })),
        fc.integer({ min: 0, max: 10_000 }),
        (p, tier, agreement, secondsToSubmit) => {
          const pricing: Pricing = {
            rewardMinor: p.rewardMinor,
            feeBasisPoints: p.feeBasisPoints,
            tierPay: { silver: p.silver, gold: Math.min(30_000, p.silver + p.extra) },
            bonusRules: { accuracy: { minAgreement: 0.5, amountMinor: p.acc }, speed: { maxSeconds: 100, amountMinor: p.speed } },
          };
          const s = settleApproved(pricing, { tier, agreement, secondsToSubmit });
          const spent = s.rewardMinor + s.rewardFeeMinor + s.bonuses.reduce((a, b) => a + b.amountMinor + b.feeMinor, 0);
          expect(s.unusedMinor).toBeGreaterThanOrEqual(0);
          expect(spent + s.unusedMinor).toBe(maxCostPerAssignment(pricing).totalMinor);
          expect(Number.isSafeInteger(s.unusedMinor)).toBe(true);
        },
      ),
    );
  });
});

describe('tiers, budget and deadlines', () => {
  it('rounds a tiered reward down and pays bronze workers the base reward', () => {
    expect(tieredReward({ rewardMinor: 99, tierPay: { gold: 12_500 } }, 'gold')).toBe(123);
    expect(tieredReward({ rewardMinor: 99, tierPay: { gold: 12_500 } }, 'silver')).toBe(99);
    expect(tieredReward({ rewardMinor: 99, tierPay: { gold: 12_500 } }, 'bronze')).toBe(99);
  });

  it('refuses multipliers below ×1 and a gold tier paying less than silver', () => {
    expect(() => assertPricing({ ...base, tierPay: { silver: 9_000 } })).toThrow(expect.objectContaining({ details: { issues: [expect.objectContaining({ path: 'tierPay.silver' })] } }));
    expect(() => assertPricing({ ...base, tierPay: { silver: 12_000, gold: 11_000 } })).toThrow(/tier pay/i);
  });

  it('refuses a commitment beyond the cap with what is left, and allows one that fits exactly', () => {
    expect(() => assertWithinBudget({ budgetCapMinor: 1_000, committedMinor: 900 }, 100)).not.toThrow();
    expect(() => assertWithinBudget({ budgetCapMinor: 1_000, committedMinor: 900 }, 101)).toThrow(
      expect.objectContaining({ kind: 'conflict', code: 'budget_cap_reached', details: { budgetCapMinor: 1_000, committedMinor: 900, neededMinor: 101 } }),
    );
    expect(() => assertWithinBudget({ committedMinor: 10 ** 9 }, 10 ** 9)).not.toThrow();
  });

  it('ends a lease at the deadline when the deadline comes first', () => {
    expect(leaseEndWithin({ deadline: '2026-01-01T10:00:00.000Z' }, '2026-01-01T11:00:00.000Z')).toBe('2026-01-01T10:00:00.000Z');
    expect(leaseEndWithin({ deadline: '2026-01-01T12:00:00.000Z' }, '2026-01-01T11:00:00.000Z')).toBe('2026-01-01T11:00:00.000Z');
    expect(leaseEndWithin({}, '2026-01-01T11:00:00.000Z')).toBe('2026-01-01T11:00:00.000Z');
  });
});
