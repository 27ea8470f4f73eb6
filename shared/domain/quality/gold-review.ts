import type { Answer, AnswerSpec } from '../marketplace/answer-spec';
import { taskTypeOf } from '../marketplace/task-types/registry';
import type { Aggregate } from '../marketplace/task-types/task-type';
import type { ConsensusReview, SubmittedAnswer } from './consensus-review';

export const GOLD_MATCHED = 'gold.matches_expected';
export const GOLD_DIFFERED = 'gold.differs_from_expected';
/** True for a decision made against a gold answer (what the worker's gold counters count). */
export const isGoldRule = (rule: string) => rule === GOLD_MATCHED || rule === GOLD_DIFFERED;

/** The method a gold microtask's result names: decided by the client's expected answer, not by the crowd. */
export const GOLD_METHOD = 'gold_standard';

/**
 * The expected answer in the shape the task type's `judge` reads: the aggregate of that answer
 * alone. Each type's judge reads its own parts of an aggregate (the winning label, the per-label
 * decisions, the settled survey questions), and aggregating the one expected answer fills exactly
 * those parts with it, so every type is judged against gold by its own rule with no type switch.
 */
export function goldAggregate(spec: AnswerSpec, expected: Answer): Aggregate {
  return taskTypeOf(spec).aggregate(spec, [{ workerId: 'gold', answer: expected }]);
}

/**
 * Why an expected answer cannot serve as gold, or null when it can: the types whose answers are
 * each worker's own (media, external pages) are never compared, and an answer whose aggregate
 * settles nothing (a survey with no question answered) gives nothing to judge against.
 */
export function goldUnusableReason(spec: AnswerSpec, expected: Answer): string | null {
  const aggregate = goldAggregate(spec, expected);
  if (aggregate.details['compared'] === false) return `${spec.type} answers are each worker's own and are not compared, so they cannot have a gold answer`;
  if (aggregate.answer === null) return 'the expected answer settles nothing to compare a worker’s answer with';
  return null;
}

/**
 * Decides each answer of a gold microtask against the client's expected answer, with the task
 * type's own judge and thresholds: a match is approved (`gold.matches_expected`), anything else is
 * rejected (`gold.differs_from_expected`). The evidence names the expected answer in both cases:
 * the worker learns it only once their own answer has been decided. The outcome is the expected
 * answer, with the share of workers who matched it as its confidence.
 */
export function reviewByGold(spec: AnswerSpec, expected: Answer, answers: readonly SubmittedAnswer[]): ConsensusReview {
  const type = taskTypeOf(spec);
  const aggregate = goldAggregate(spec, expected);
  const judgements = answers.map((a) => type.judge(spec, aggregate, a.answer));
  const matched = judgements.filter((j) => j.agrees).length;
  const confidence = answers.length ? matched / answers.length : 0;
  const decisions = answers.map((a, i) => {
    const j = judgements[i]!;
    const evidence = { method: GOLD_METHOD, expected, measure: j.measure, value: j.value, threshold: j.threshold, answers: answers.length };
    if (j.agrees) return { assignmentId: a.assignmentId, decision: { outcome: 'approved' as const, rule: GOLD_MATCHED, evidence } };
    return {
      assignmentId: a.assignmentId,
      decision: { outcome: 'rejected' as const, rule: GOLD_DIFFERED, evidence: { ...evidence, yourAnswer: j.yourAnswer ?? a.answer, ...(j.detail ?? {}) } },
    };
  });
  return {
    outcome: { answer: expected, confidence, method: GOLD_METHOD, decided: true, details: { matchedExpected: matched, answers: answers.length } },
    decisions,
  };
}
