import { describe, expect, it } from 'vitest';
import { effectiveHourlyRateMinor as hourly, payoutAmount, summarize, type Payout } from '../../../shared/domain/payouts/payouts';

const payout = (workerId: string, amountMinor: number, status: Payout['status'], failureReason?: string): Payout => ({
  runId: 'run_1',
  workerId,
  amountMinor,
  currency: 'EUR',
  status,
  shard: 0,
  ...(failureReason ? { failureReason } : {}),
  createdAt: '2025-01-01T00:00:00.000Z',
  updatedAt: '2025-01-01T00:00:00.000Z',
});

describe('payoutAmount', () => {
  it('pays the whole balance once it reaches the minimum', () => {
    expect(payoutAmount(1000, 1000)).toBe(1000);
    expect(payoutAmount(1234, 1000)).toBe(1234);
  });

  it('pays nothing below the minimum', () => {
    expect(payoutAmount(999, 1000)).toBe(0);
  });

  it('pays nothing for an empty or negative balance, even with a zero minimum', () => {
    expect(payoutAmount(0, 0)).toBe(0);
    expect(payoutAmount(-5, 0)).toBe(0);
    expect(payoutAmount(1, 0)).toBe(1);
  });
});

describe('summarize', () => {
  it('counts paid and failed payouts and sums only what was paid', () => {
    const skipped: Payout = { ...payout('f', 1200, 'skipped'), skipReason: 'no_payout_method' };
    const r = summarize([payout('a', 1000, 'paid'), payout('b', 2500, 'paid'), payout('c', 700, 'failed', 'account closed'), payout('d', 400, 'failed'), payout('e', 999, 'started'), skipped]);
    expect(r).toEqual({
      paid: 2,
      failed: 2,
      skipped: 1,
      paidMinor: 3500,
      skippedMinor: 1200,
      failures: [
        { workerId: 'c', reason: 'account closed' },
        { workerId: 'd', reason: 'unknown' },
      ],
      skips: [{ workerId: 'f', reason: 'no_payout_method', amountMinor: 1200 }],
    });
  });

  it('is empty for no payouts', () => {
    expect(summarize([])).toEqual({ paid: 0, failed: 0, skipped: 0, paidMinor: 0, skippedMinor: 0, failures: [], skips: [] });
  });
});

describe('effectiveHourlyRateMinor', () => {
  it('is rewards per hour of measured time, rounded down, and null without measured time', () => {
    expect(hourly({ earnedMinor: 1_000, activeMs: 90_000 })).toBe(40_000);
    expect(hourly({ earnedMinor: 1, activeMs: 7_200_000 })).toBe(0);
    expect(hourly({ earnedMinor: 999, activeMs: 3_600_001 })).toBe(998);
    expect(hourly({ earnedMinor: 500, activeMs: 0 })).toBeNull();
  });
});
