import { decideNextSlot, type SlotReason, type WorkerSkill } from '../aggregation/adaptive-redundancy';
import { DEFAULT_ACCURACY_PRIOR, smoothedAccuracy, type AccuracyEvidence } from '../aggregation/worker-skill';
import type { AdaptiveRedundancy } from '../marketplace/project';

export interface MoreAnswersInput {
  policy: AdaptiveRedundancy;
  /** The option values, in the spec's order. */
  classes: readonly string[];
  /** The answers in, one label per worker. */
  votes: readonly { workerId: string; label: string }[];
  /** What the platform knows of each worker from gold answers; a worker without any gets the prior. */
  goldEvidence: ReadonlyMap<string, AccuracyEvidence>;
}

export interface MoreAnswersDecision {
  open: boolean;
  reason: SlotReason | 'no_answers';
  /** Posterior probability of the most likely option. */
  confidence: number;
  label: string | null;
}

/**
 * Whether a reviewed microtask gets one more answer slot instead of being finalized: the
 * posterior of the crowd's answer (workers independent, each with a one-coin accuracy smoothed
 * from their gold record towards the platform prior) is below the target and the maximum is not
 * reached. The same rule as the offline replay (decideNextSlot), with every answer in hand.
 */
export function decideMoreAnswers(input: MoreAnswersInput): MoreAnswersDecision {
  const { policy, classes, votes } = input;
  if (votes.length === 0) return { open: false, reason: 'no_answers', confidence: 0, label: null };
  const skills = new Map<string, WorkerSkill>();
  for (const v of votes) skills.set(v.workerId, { accuracy: smoothedAccuracy(input.goldEvidence.get(v.workerId) ?? { correct: 0, total: 0 }, DEFAULT_ACCURACY_PRIOR) });
  // A review runs once every slot is answered: nothing is in flight, and the first k are in.
  const d = decideNextSlot(votes, { classes, skills, defaultSkill: { accuracy: DEFAULT_ACCURACY_PRIOR.accuracy } }, { ...policy, initialAnswers: Math.min(policy.initialAnswers, votes.length) });
  return { open: d.openSlot, reason: d.reason, confidence: d.confidence, label: d.label };
}
