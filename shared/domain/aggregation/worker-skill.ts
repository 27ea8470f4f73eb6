import type { CategoricalAnswer, ConfusionMatrix } from './dawid-skene';

/**
 * Worker skill estimated from answers whose truth the platform already knows: gold items or a
 * qualification test. Estimates are always smoothed towards a prior, because a worker seen on
 * five gold items has not earned a perfect score, nor has one early slip made them useless.
 */
export interface AccuracyEvidence {
  correct: number;
  total: number;
}

export interface AccuracyPrior {
  /** What we assume of a worker we know nothing about. */
  accuracy: number;
  /** How many answers that assumption is worth. */
  strength: number;
}

export const DEFAULT_ACCURACY_PRIOR: AccuracyPrior = { accuracy: 0.7, strength: 4 };

/** Posterior mean accuracy under a Beta prior centred on `prior.accuracy`. */
export function smoothedAccuracy(evidence: AccuracyEvidence, prior: AccuracyPrior = DEFAULT_ACCURACY_PRIOR): number {
  if (evidence.correct < 0 || evidence.total < evidence.correct) throw new RangeError('smoothedAccuracy: need 0 <= correct <= total');
  const denom = evidence.total + prior.strength;
  return denom > 0 ? (evidence.correct + prior.accuracy * prior.strength) / denom : prior.accuracy;
}

/** Counts each worker's correct answers on the items whose truth is in `gold`. */
export function accuracyEvidenceFromGold(
  answers: readonly CategoricalAnswer[],
  gold: ReadonlyMap<string, string>,
): Map<string, AccuracyEvidence> {
  const out = new Map<string, AccuracyEvidence>();
  for (const a of answers) {
    const truth = gold.get(a.itemId);
    if (truth === undefined) continue;
    const e = out.get(a.workerId) ?? { correct: 0, total: 0 };
    e.total++;
    if (a.label === truth) e.correct++;
    out.set(a.workerId, e);
  }
  return out;
}

/**
 * The symmetric ("one-coin") confusion matrix of a worker who is right with probability
 * `accuracy` and otherwise picks a wrong class uniformly.
 */
export function symmetricConfusion(accuracy: number, numClasses: number): ConfusionMatrix {
  if (numClasses < 2) throw new RangeError('symmetricConfusion: need at least two classes');
  const off = (1 - accuracy) / (numClasses - 1);
  return Array.from({ length: numClasses }, (_, t) => Array.from({ length: numClasses }, (_, a) => (a === t ? accuracy : off)));
}

/**
 * Full confusion matrices from gold answers, each row smoothed by `prior.strength` pseudo-answers
 * spread as a symmetric worker of accuracy `prior.accuracy` would answer. Rows the gold never
 * exercised fall back to that prior instead of to 0/0.
 */
export function confusionFromGold(
  answers: readonly CategoricalAnswer[],
  gold: ReadonlyMap<string, string>,
  classes: readonly string[],
  prior: AccuracyPrior = DEFAULT_ACCURACY_PRIOR,
): Map<string, ConfusionMatrix> {
  const K = classes.length;
  const index = new Map(classes.map((c, i) => [c, i] as const));
  const base = symmetricConfusion(prior.accuracy, K);
  const counts = new Map<string, number[][]>();
  for (const a of answers) {
    const truth = gold.get(a.itemId);
    if (truth === undefined) continue;
    const t = index.get(truth);
    const l = index.get(a.label);
    if (t === undefined || l === undefined) throw new RangeError(`confusionFromGold: unknown class in item ${a.itemId}`);
    let m = counts.get(a.workerId);
    if (!m) {
      m = base.map((row) => row.map((p) => p * prior.strength));
      counts.set(a.workerId, m);
    }
    m[t]![l]! += 1;
  }
  const out = new Map<string, ConfusionMatrix>();
  for (const [workerId, m] of counts) {
    out.set(
      workerId,
      m.map((row, t) => {
        const s = row.reduce((x, y) => x + y, 0);
        return s > 0 ? row.map((v) => v / s) : [...base[t]!];
      }),
    );
  }
  return out;
}
