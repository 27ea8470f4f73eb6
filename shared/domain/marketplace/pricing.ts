import { conflict, validationError } from '../errors';
import { feeOn } from '../money';
import { TIERS, type Tier } from '../workers/reputation';

/**
 * What one answer may cost and what it does cost. Escrow is reserved for the most an answer can
 * earn (the best tier's reward plus every automatic bonus), so every promise made to a worker is
 * funded before the work starts; when the answer is decided, what it did not earn goes back to the
 * client.
 */

/** Paid automatically on an approved answer, each with its own line and reason on the worker's statement. */
export interface BonusRules {
  /** The microtask's consensus agreed at least this much (0–1) and the answer was with it. */
  accuracy?: { minAgreement: number; amountMinor: number };
  /** Submitted within this many seconds of the claim, measured by the platform. */
  speed?: { maxSeconds: number; amountMinor: number };
}

/** Tiered pay follows the reputation tiers; bronze (every newcomer) earns the base reward. */
export const PAY_TIERS = TIERS;
export type PayTier = Tier;

/** Reward multipliers in basis points per tier (10 000 = ×1); bronze is always ×1. */
export type TierPay = Partial<Record<Exclude<PayTier, 'bronze'>, number>>;

export interface Pricing {
  rewardMinor: number;
  feeBasisPoints: number;
  bonusRules?: BonusRules;
  tierPay?: TierPay;
}

export function tierMultiplierBp(pricing: Pick<Pricing, 'tierPay'>, tier: PayTier): number {
  return tier === 'bronze' ? 10_000 : (pricing.tierPay?.[tier] ?? 10_000);
}

/** A reward times a tier multiplier, rounded down: a worker is never promised a fraction of a cent. */
export function tieredReward(pricing: Pick<Pricing, 'rewardMinor' | 'tierPay'>, tier: PayTier): number {
  return Math.floor((pricing.rewardMinor * tierMultiplierBp(pricing, tier)) / 10_000);
}

export function assertPricing(p: Pricing): void {
  const issues = [];
  for (const [tier, bp] of Object.entries(p.tierPay ?? {})) {
    if (!Number.isInteger(bp) || bp < 10_000 || bp > 30_000) issues.push({ path: `tierPay.${tier}`, message: 'a multiplier between 10000 (×1) and 30000 (×3) basis points' });
  }
  if (p.tierPay?.silver !== undefined && p.tierPay.gold !== undefined && p.tierPay.gold < p.tierPay.silver) {
    issues.push({ path: 'tierPay.gold', message: 'gold pays at least what silver pays' });
  }
  if (issues.length) throw validationError('Invalid tier pay', issues);
}

/** The most one answer can cost the client: every slot's escrow is this. */
export function maxCostPerAssignment(p: Pricing) {
  const maxReward = Math.max(...PAY_TIERS.map((t) => tieredReward(p, t)));
  const bonusMinor = (p.bonusRules?.accuracy?.amountMinor ?? 0) + (p.bonusRules?.speed?.amountMinor ?? 0);
  // The fee is charged per payment (reward, each bonus), so it is reserved per payment too: rounding
  // is monotonic, so whatever an answer earns, its fees fit in what was reserved.
  const feeMinor = [maxReward, p.bonusRules?.accuracy?.amountMinor ?? 0, p.bonusRules?.speed?.amountMinor ?? 0].reduce((s, a) => s + feeOn(a, p.feeBasisPoints), 0);
  return { rewardMinor: maxReward, bonusMinor, feeMinor, totalMinor: maxReward + bonusMinor + feeMinor };
}

/** What an approved answer earned, measured by the platform. */
export interface AnswerFacts {
  tier: PayTier;
  /** The consensus agreement of its microtask (0–1), null when there was no consensus to compare with. */
  agreement: number | null;
  /** Seconds between claim and submission, from the platform's clock. */
  secondsToSubmit: number;
}

export interface EarnedBonus {
  rule: 'accuracy' | 'speed';
  amountMinor: number;
  feeMinor: number;
  reason: string;
}

export interface Settlement {
  rewardMinor: number;
  rewardFeeMinor: number;
  bonuses: EarnedBonus[];
  /** Reserved for this answer and not earned: back to the client's funds. */
  unusedMinor: number;
}

/** Splits one answer's reserved escrow into what it earned and what goes back to the client. */
export function settleApproved(p: Pricing, facts: AnswerFacts): Settlement {
  const reserved = maxCostPerAssignment(p).totalMinor;
  const rewardMinor = tieredReward(p, facts.tier);
  const rewardFeeMinor = feeOn(rewardMinor, p.feeBasisPoints);
  const bonuses: EarnedBonus[] = [];
  const acc = p.bonusRules?.accuracy;
  if (acc && facts.agreement !== null && facts.agreement >= acc.minAgreement) {
    bonuses.push({ rule: 'accuracy', amountMinor: acc.amountMinor, feeMinor: feeOn(acc.amountMinor, p.feeBasisPoints), reason: `Accuracy bonus: your answer matched a consensus of ${Math.round(facts.agreement * 100)} % (at least ${Math.round(acc.minAgreement * 100)} % pays it)` });
  }
  const speed = p.bonusRules?.speed;
  if (speed && facts.secondsToSubmit <= speed.maxSeconds) {
    bonuses.push({ rule: 'speed', amountMinor: speed.amountMinor, feeMinor: feeOn(speed.amountMinor, p.feeBasisPoints), reason: `Speed bonus: approved and submitted in ${Math.round(facts.secondsToSubmit)} s (within ${speed.maxSeconds} s pays it)` });
  }
  const spent = rewardMinor + rewardFeeMinor + bonuses.reduce((s, b) => s + b.amountMinor + b.feeMinor, 0);
  const unusedMinor = reserved - spent;
  // Cannot happen by construction of the reserve; refuse rather than overdraw escrow if it ever did.
  if (unusedMinor < 0) throw conflict('settlement_exceeds_reserve', 'The answer would cost more than its reserved escrow', { reserved, spent });
  return { rewardMinor, rewardFeeMinor, bonuses, unusedMinor };
}

/** Budget: the most a project may commit (escrow reserved plus bonuses paid by hand). */
export function assertWithinBudget(budget: { budgetCapMinor?: number; committedMinor: number }, amountMinor: number): void {
  if (budget.budgetCapMinor === undefined) return;
  const headroom = budget.budgetCapMinor - budget.committedMinor;
  if (amountMinor > headroom) {
    throw conflict('budget_cap_reached', `This needs ${amountMinor} and the project's budget has ${headroom} left`, { budgetCapMinor: budget.budgetCapMinor, committedMinor: budget.committedMinor, neededMinor: amountMinor });
  }
}
