import { describe, expect, it } from 'vitest';
import { assertFee, extendSubscription, feeBasisPointsFor, payPerTask, subscriptionActive, SUBSCRIPTION } from '../../../../shared/domain/billing/plans';
import { DomainError } from '../../../../shared/domain/errors';

const now = '2026-03-01T00:00:00.000Z';
const later = (days: number) => new Date(Date.parse(now) + days * 86_400_000).toISOString();

describe('client plans', () => {
  it('charges the platform default without a plan or on pay-per-task', () => {
    expect(feeBasisPointsFor(undefined, now, 1_000)).toBe(1_000);
    expect(feeBasisPointsFor(payPerTask('o', now), now, 1_000)).toBe(1_000);
  });

  it('lowers the fee while a subscription runs, and not after it lapses', () => {
    const sub = extendSubscription(undefined, 'o', now);
    expect(sub.subscriptionPaidThrough).toBe(later(SUBSCRIPTION.periodDays));
    expect(subscriptionActive(sub, later(29))).toBe(true);
    expect(feeBasisPointsFor(sub, later(29), 1_000)).toBe(SUBSCRIPTION.feeBasisPoints);
    expect(subscriptionActive(sub, later(30))).toBe(false);
    expect(feeBasisPointsFor(sub, later(31), 1_000)).toBe(1_000);
  });

  it('extends a running period from its end, a lapsed one from now', () => {
    const sub = extendSubscription(undefined, 'o', now);
    expect(extendSubscription(sub, 'o', later(10)).subscriptionPaidThrough).toBe(later(60));
    expect(extendSubscription(sub, 'o', later(45)).subscriptionPaidThrough).toBe(later(75));
  });

  it('lets a negotiated fee win over the plan', () => {
    const sub = { ...extendSubscription(undefined, 'o', now), feeOverrideBasisPoints: 1_200 };
    expect(feeBasisPointsFor(sub, later(1), 1_000)).toBe(1_200);
    expect(feeBasisPointsFor({ ...payPerTask('o', now), feeOverrideBasisPoints: 0 }, now, 1_000)).toBe(0);
  });

  it('accepts fees from 0 to 10000 basis points only', () => {
    expect(() => assertFee(0)).not.toThrow();
    expect(() => assertFee(10_000)).not.toThrow();
    for (const bad of [-1, 10_001, 12.5]) expect(() => assertFee(bad)).toThrow(DomainError);
  });
});
