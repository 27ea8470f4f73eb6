/**
 * What a project does about a worker who keeps failing its gold microtasks (its API schema is
 * shared/api/gold-policy.ts, a module of its own so a project's review policy can embed it).
 */
export const GOLD_POLICY_ACTIONS = ['warn', 'block_from_project', 'reject_recent'] as const;
export type GoldPolicyAction = (typeof GOLD_POLICY_ACTIONS)[number];

export interface GoldPolicy {
  /** Gold answers a worker gives in the project before the policy acts. */
  minAnswers: number;
  /** Acts when the worker's smoothed gold accuracy in the project falls below this share. */
  accuracyFloor: number;
  action: GoldPolicyAction;
}

/** Every decision a gold policy makes has a rule of this family. */
export const GOLD_POLICY_PREFIX = 'gold_policy.';
export const GOLD_POLICY_RULE = 'gold_policy.accuracy_below_floor';
export const GOLD_POLICY_REJECTION = 'gold_policy.reject_recent';

/**
 * The prior of gold accuracy, Beta(4, 1): a newcomer starts at 0.8, so one miss does not sink
 * them and a handful of misses does.
 */
export const GOLD_PRIOR = { matched: 4, missed: 1 } as const;

export interface GoldCounts {
  goldCount: number;
  goldMatchedCount: number;
}

/** Posterior mean of the share of gold answers matched, rounded to 4 places. */
export function goldAccuracy(c: GoldCounts): number {
  const matched = GOLD_PRIOR.matched + Math.max(0, c.goldMatchedCount);
  const missed = GOLD_PRIOR.missed + Math.max(0, c.goldCount - c.goldMatchedCount);
  return Math.round((matched / (matched + missed)) * 10_000) / 10_000;
}

export function goldView(c: GoldCounts) {
  return { answered: c.goldCount, matched: c.goldMatchedCount, accuracy: goldAccuracy(c), prior: GOLD_PRIOR };
}

/** The action due, with its evidence, or null while the worker is above the floor or has answered too little gold. */
export function goldPolicyVerdict(policy: GoldPolicy, c: GoldCounts) {
  if (c.goldCount < policy.minAnswers) return null;
  const accuracy = goldAccuracy(c);
  if (accuracy >= policy.accuracyFloor) return null;
  return { action: policy.action, rule: GOLD_POLICY_RULE, evidence: { goldAnswered: c.goldCount, goldMatched: c.goldMatchedCount, accuracy, accuracyFloor: policy.accuracyFloor, minAnswers: policy.minAnswers } };
}

/** reject_recent implies block_from_project: rejecting work and letting more in would be pointless. */
export const blocksFromProject = (action: GoldPolicyAction) => action !== 'warn';
