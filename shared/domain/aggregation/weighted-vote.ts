import type { Vote } from './majority-vote';
import { DEFAULT_ACCURACY_PRIOR, smoothedAccuracy, type AccuracyEvidence, type AccuracyPrior } from './worker-skill';

/**
 * Skill-weighted vote. Under the one-coin model (a worker is right with probability p and
 * otherwise picks a wrong class uniformly) the Bayes-optimal vote weight is the log-odds
 * log(p (K-1) / (1-p)): a worker at chance weighs 0 and a worker below chance votes against
 * their own answer.
 */
export interface WeightedVoteOptions {
  /** All classes of the task. Classes nobody voted for still count in K and in the posterior. */
  classes?: readonly string[];
  /** Smoothing applied to every worker's evidence; an unknown worker gets exactly this prior. */
  prior?: AccuracyPrior;
}

export interface WeightedVoteOutcome {
  /** Null when the top two classes have the same score (the platform's tie policy). */
  label: string | null;
  scores: Record<string, number>;
  /** Class posterior under the one-coin model with a uniform class prior; only calibrated when `classes` lists every class. */
  posterior: Record<string, number>;
  confidence: number;
  tie: boolean;
}

// Clamp so that a perfect record gives a large, finite weight rather than Infinity.
const ACCURACY_CLAMP = 1e-6;
const TIE_EPSILON = 1e-9;

export function logOddsWeight(accuracy: number, numClasses: number): number {
  if (numClasses < 2) throw new RangeError('logOddsWeight: need at least two classes');
  const p = Math.min(1 - ACCURACY_CLAMP, Math.max(ACCURACY_CLAMP, accuracy));
  return Math.log((p * (numClasses - 1)) / (1 - p));
}

export function skillWeightedVote(
  votes: readonly Vote[],
  skills: ReadonlyMap<string, AccuracyEvidence>,
  opts: WeightedVoteOptions = {},
): WeightedVoteOutcome {
  const prior = opts.prior ?? DEFAULT_ACCURACY_PRIOR;
  const classes = [...new Set([...(opts.classes ?? []), ...votes.map((v) => v.label)])];
  const K = Math.max(2, classes.length);
  const scores: Record<string, number> = {};
  for (const c of classes) scores[c] = 0;
  for (const v of votes) {
    const accuracy = smoothedAccuracy(skills.get(v.workerId) ?? { correct: 0, total: 0 }, prior);
    scores[v.label] = (scores[v.label] ?? 0) + logOddsWeight(accuracy, K);
  }

  const posterior: Record<string, number> = {};
  if (classes.length === 0) return { label: null, scores, posterior, confidence: 0, tie: false };
  const max = Math.max(...classes.map((c) => scores[c]!));
  let z = 0;
  for (const c of classes) z += Math.exp(scores[c]! - max);
  for (const c of classes) posterior[c] = Math.exp(scores[c]! - max) / z;

  const ranked = [...classes].sort((a, b) => scores[b]! - scores[a]!);
  const first = ranked[0]!;
  const second = ranked[1];
  const tie = second !== undefined && scores[first]! - scores[second]! <= TIE_EPSILON;
  return { label: tie ? null : first, scores, posterior, confidence: tie ? 0 : posterior[first]!, tie };
}
