import type { Assignment, ReviewDecision } from '../marketplace/assignment';

/** Where in the life of an assignment a decision was made. */
export type DecisionStage = 'review' | 'client' | 'appeal' | 'gold_policy';

export interface LoggedDecision {
  stage: DecisionStage;
  outcome: ReviewDecision['outcome'];
  rule: string;
  evidence: Record<string, unknown>;
  decidedAt: string;
  /** False for a decision a later one replaced. */
  current: boolean;
}

/** A decision names its stage when its maker set one; otherwise the rule's family says it. */
export function stageOf(d: ReviewDecision): DecisionStage {
  const named = (d as ReviewDecision & { stage?: DecisionStage }).stage;
  if (named) return named;
  const family = d.rule.split('.')[0];
  if (family === 'appeal' || family === 'gold_policy' || family === 'client') return family;
  return 'review';
}

/**
 * Evidence keys that may name other workers or carry their work. No decision maker writes them
 * into a decision today; dropping them here keeps it so for any rule added later.
 */
const OTHER_WORKERS_KEYS = new Set(['workerId', 'workerIds', 'workers', 'answersByWorker', 'otherAnswers', 'reviewerId']);

function workerEvidence(evidence: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(evidence).filter(([k]) => !OTHER_WORKERS_KEYS.has(k)));
}

/**
 * Every decision about one assignment, oldest first, and its appeal. The worker reads their own
 * log: a gold answer appears only as the evidence of a decision on their own answer (review
 * starts once every slot of the microtask is answered, so nobody still able to answer it reads
 * it from a log), never anyone else's identity. The client reads its own decisions whole.
 */
export function decisionLogOf(a: Assignment, viewer: 'worker' | 'client') {
  const decisions: LoggedDecision[] = [...(a.history ?? []), ...(a.decision ? [a.decision] : [])].map((d, i, all) => ({
    stage: stageOf(d),
    outcome: d.outcome,
    rule: d.rule,
    evidence: viewer === 'worker' ? workerEvidence(d.evidence) : d.evidence,
    decidedAt: d.decidedAt,
    current: i === all.length - 1,
  }));
  return { decisions, appeal: a.appeal ?? null };
}
