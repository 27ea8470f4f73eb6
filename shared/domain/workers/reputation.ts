/**
 * Reputation: the approval rate smoothed with a Beta prior. A newcomer starts at the prior mean
 * (neither perfect nor doomed); every decision moves the estimate less as the record grows.
 */
export const REPUTATION_PRIOR = { approved: 8, rejected: 2 } as const;

export interface DecisionCounts {
  approvedCount: number;
  rejectedCount: number;
}

/** Posterior mean of Beta(prior.approved + approved, prior.rejected + rejected), in [0, 1]. */
export function smoothedApprovalRate(c: DecisionCounts, prior: { approved: number; rejected: number } = REPUTATION_PRIOR): number {
  const a = prior.approved + Math.max(0, c.approvedCount);
  const b = prior.rejected + Math.max(0, c.rejectedCount);
  return a / (a + b);
}

export const TIERS = ['bronze', 'silver', 'gold'] as const;
export type Tier = (typeof TIERS)[number];

/** The one place tier thresholds live (tiered pay and early access both read tiers from here). */
export const TIER_THRESHOLDS: Record<Exclude<Tier, 'bronze'>, number> = { silver: 0.85, gold: 0.95 };

export function tierOf(score: number): Tier {
  if (score >= TIER_THRESHOLDS.gold) return 'gold';
  if (score >= TIER_THRESHOLDS.silver) return 'silver';
  return 'bronze';
}

export const tierAtLeast = (tier: Tier, min: Tier) => TIERS.indexOf(tier) >= TIERS.indexOf(min);

export function sumCounts(items: DecisionCounts[]): DecisionCounts {
  return items.reduce((s, i) => ({ approvedCount: s.approvedCount + (i.approvedCount ?? 0), rejectedCount: s.rejectedCount + (i.rejectedCount ?? 0) }), { approvedCount: 0, rejectedCount: 0 });
}

export interface Reputation extends DecisionCounts {
  score: number;
  tier: Tier;
}

export function reputationOf(c: DecisionCounts): Reputation {
  const score = smoothedApprovalRate(c);
  return { approvedCount: c.approvedCount, rejectedCount: c.rejectedCount, score: Math.round(score * 10_000) / 10_000, tier: tierOf(score) };
}
