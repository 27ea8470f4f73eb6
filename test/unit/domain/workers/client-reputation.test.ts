import { describe, expect, it } from 'vitest';
import {
  clientReputationOf,
  emptyClientCounters,
  LATENCY_BUCKET_BOUNDS_SECONDS,
  LATENCY_BUCKET_COUNT,
  latencyBucketOf,
  medianLatencyFromBuckets,
  MIN_DECISIONS_FOR_REPUTATION,
  type ClientCounters,
} from '../../../../shared/domain/workers/client-reputation';

const HOUR = 3600;

/** Counters built from individual decisions, the way the adapter ADDs them. */
function countersFrom(decisions: { approved: boolean; latencySeconds: number; rewardMinor?: number; activeMs?: number }[], currency: 'EUR' | 'USD' = 'EUR'): ClientCounters {
  const c = emptyClientCounters();
  c.latencyBuckets = Array.from({ length: LATENCY_BUCKET_COUNT }, () => 0);
  let earnedMinor = 0;
  let activeMs = 0;
  for (const d of decisions) {
    if (d.approved) c.approvedCount++;
    else c.rejectedCount++;
    c.latencyBuckets[latencyBucketOf(d.latencySeconds)]!++;
    earnedMinor += d.approved ? (d.rewardMinor ?? 0) : 0;
    activeMs += d.activeMs ?? 0;
  }
  c.pay = [{ currency, earnedMinor, activeMs }];
  return c;
}

describe('latency buckets', () => {
  it('puts a latency in the first bucket whose bound it does not exceed', () => {
    expect(latencyBucketOf(0)).toBe(0);
    expect(latencyBucketOf(HOUR)).toBe(0);
    expect(latencyBucketOf(HOUR + 1)).toBe(1);
    expect(latencyBucketOf(-5)).toBe(0);
    expect(latencyBucketOf(LATENCY_BUCKET_BOUNDS_SECONDS.at(-1)! + 1)).toBe(LATENCY_BUCKET_COUNT - 1);
  });

  it('reads the median as the bucket holding the middle decision', () => {
    // 3 within an hour, 4 within 4 h, 2 within a day: the 5th of 9 is in the 1h..4h bucket.
    const counts = [3, 4, 0, 2];
    expect(medianLatencyFromBuckets(counts)).toEqual({ fromSeconds: HOUR, toSeconds: 4 * HOUR });
    // Shifting weight to slow decisions moves the median there.
    expect(medianLatencyFromBuckets([1, 1, 0, 5])).toEqual({ fromSeconds: 12 * HOUR, toSeconds: 24 * HOUR });
  });

  it('agrees with the exact median of the decisions it counted', () => {
    for (let seed = 1; seed <= 50; seed++) {
      const latencies = Array.from({ length: 5 + (seed % 17) }, (_, i) => ((seed * 7919 + i * 104_729) % (40 * 86_400)) + 1);
      const counts = Array.from({ length: LATENCY_BUCKET_COUNT }, () => 0);
      for (const l of latencies) counts[latencyBucketOf(l)]!++;
      const sorted = [...latencies].sort((a, b) => a - b);
      const exact = sorted[Math.ceil(sorted.length / 2) - 1]!;
      const range = medianLatencyFromBuckets(counts)!;
      expect(exact).toBeGreaterThan(range.fromSeconds === 0 ? -1 : range.fromSeconds);
      if (range.toSeconds !== null) expect(exact).toBeLessThanOrEqual(range.toSeconds);
    }
  });

  it('has an open-ended last bucket and no median without decisions', () => {
    const counts = Array.from({ length: LATENCY_BUCKET_COUNT }, (_, i) => (i === LATENCY_BUCKET_COUNT - 1 ? 3 : 0));
    expect(medianLatencyFromBuckets(counts)).toEqual({ fromSeconds: 30 * 86_400, toSeconds: null });
    expect(medianLatencyFromBuckets([])).toBeNull();
  });
});

describe('client reputation', () => {
  it('shows not enough data below the minimum number of decisions, never a rate', () => {
    const few = countersFrom(Array.from({ length: MIN_DECISIONS_FOR_REPUTATION - 1 }, (_, i) => ({ approved: i % 2 === 0, latencySeconds: 60 })));
    const r = clientReputationOf('org-a', few);
    expect(r).toEqual({ orgId: 'org-a', decisions: MIN_DECISIONS_FOR_REPUTATION - 1, minimumDecisions: MIN_DECISIONS_FOR_REPUTATION, enoughData: false, facts: null });
  });

  it('gives the rejection rate, overturned rejections and median once there are enough decisions', () => {
    const decisions = Array.from({ length: 25 }, (_, i) => ({ approved: i >= 5, latencySeconds: i < 20 ? 2 * HOUR : 3 * 86_400, rewardMinor: 30, activeMs: 60_000 }));
    const c = { ...countersFrom(decisions), overturnedRejections: 2 };
    const r = clientReputationOf('org-b', c);
    expect(r.enoughData).toBe(true);
    if (!r.enoughData) return;
    expect(r.decisions).toBe(25);
    expect(r.facts.rejectionRate).toBe(0.2);
    expect(r.facts.overturnedRejections).toBe(2);
    expect(r.facts.medianTimeToDecision).toEqual({ fromSeconds: HOUR, toSeconds: 4 * HOUR });
  });

  it('computes the effective hourly pay over all measured time, rejected work included', () => {
    // 20 approved at 50 cents after 2 minutes each, 5 rejected after 2 minutes each: 1000 cents for 50 minutes.
    const decisions = Array.from({ length: 25 }, (_, i) => ({ approved: i < 20, latencySeconds: 60, rewardMinor: 50, activeMs: 120_000 }));
    const r = clientReputationOf('org-c', countersFrom(decisions, 'USD'));
    expect(r.enoughData && r.facts.effectiveHourlyPay).toEqual([{ currency: 'USD', amountMinor: 1200 }]);
  });

  it('leaves out a currency with no measured time rather than dividing by zero', () => {
    const c = countersFrom(Array.from({ length: 20 }, () => ({ approved: true, latencySeconds: 60, rewardMinor: 10, activeMs: 0 })));
    const r = clientReputationOf('org-d', c);
    expect(r.enoughData && r.facts.effectiveHourlyPay).toEqual([]);
  });

  it('uses the minimum it is given', () => {
    const c = countersFrom([{ approved: false, latencySeconds: 10 }]);
    expect(clientReputationOf('org-e', c, 1).enoughData).toBe(true);
  });
});
