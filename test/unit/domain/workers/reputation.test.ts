import { describe, expect, it } from 'vitest';
import { REPUTATION_PRIOR, reputationOf, smoothedApprovalRate, TIER_THRESHOLDS, tierOf } from '../../../../shared/domain/workers/reputation';

describe('reputation', () => {
  it('starts a newcomer at the prior mean: neither perfect nor doomed', () => {
    const s = smoothedApprovalRate({ approvedCount: 0, rejectedCount: 0 });
    expect(s).toBeCloseTo(REPUTATION_PRIOR.approved / (REPUTATION_PRIOR.approved + REPUTATION_PRIOR.rejected));
    expect(smoothedApprovalRate({ approvedCount: 1, rejectedCount: 0 })).toBeLessThan(0.85);
    expect(smoothedApprovalRate({ approvedCount: 0, rejectedCount: 1 })).toBeGreaterThan(0.7);
  });

  it('converges on the observed rate as the record grows', () => {
    expect(smoothedApprovalRate({ approvedCount: 9_000, rejectedCount: 1_000 })).toBeCloseTo(0.9, 2);
    expect(smoothedApprovalRate({ approvedCount: 100, rejectedCount: 100 })).toBeCloseTo(0.5, 1);
  });

  it('derives tiers from the thresholds', () => {
    expect(tierOf(TIER_THRESHOLDS.gold)).toBe('gold');
    expect(tierOf(TIER_THRESHOLDS.gold - 0.0001)).toBe('silver');
    expect(tierOf(TIER_THRESHOLDS.silver)).toBe('silver');
    expect(tierOf(TIER_THRESHOLDS.silver - 0.0001)).toBe('bronze');
    expect(reputationOf({ approvedCount: 0, rejectedCount: 0 }).tier).toBe('bronze');
    // Gold takes a real record, not a lucky first task.
    expect(reputationOf({ approvedCount: 5, rejectedCount: 0 }).tier).not.toBe('gold');
    expect(reputationOf({ approvedCount: 200, rejectedCount: 2 }).tier).toBe('gold');
  });
});
