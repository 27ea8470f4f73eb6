import type { ReviewDecision } from '../marketplace/assignment';
import type { Answer, AnswerSpec } from '../marketplace/answer-spec';
import { taskTypeOf } from '../marketplace/task-types/registry';
import { DEFAULT_AGREEMENT_THRESHOLD, settle } from '../marketplace/task-types/task-type';

export interface SubmittedAnswer {
  assignmentId: string;
  workerId: string;
  answer: Answer;
  /** Measured time on the task; feeds the worker's effective hourly rate. */
  timeSpentMs?: number;
  /** From claim to submission on the platform's clock: what a speed bonus is measured by. */
  secondsToSubmit?: number;
}

export interface ConsensusPolicy {
  /** Share of the answers that must agree with the aggregate, exclusive: 0.5 means more than half. */
  agreementThreshold: number;
}

export const DEFAULT_CONSENSUS_POLICY: ConsensusPolicy = { agreementThreshold: DEFAULT_AGREEMENT_THRESHOLD };

/** The crowd's answer to one microtask as the review state and the microtask result carry it (plain JSON). */
export interface ConsensusOutcome {
  /** In the task type's answer shape; null when the crowd's answers cannot be settled. */
  answer: unknown;
  /** Share of the answers that agree with `answer`. */
  confidence: number;
  method: string;
  decided: boolean;
  details: Record<string, unknown>;
  /** Vote-based types: the winning label (null on a tie) and the votes per label. */
  label?: string | null;
  votes?: Record<string, number>;
}

export interface ConsensusReview {
  outcome: ConsensusOutcome;
  decisions: { assignmentId: string; decision: Omit<ReviewDecision, 'decidedAt'> }[];
}

/**
 * Decides each assignment of one microtask by consensus, whatever its task type: the type
 * aggregates the answers and holds each against the aggregate; an answer that agrees is approved,
 * one that does not is rejected with the rule that fired and its evidence (the aggregate, the
 * worker's answer, what was measured and the threshold; an approval records the measure only). When the crowd does not settle (more
 * than the threshold share must agree with the aggregate) nobody is rejected: a worker is never
 * unpaid for a question the crowd itself could not settle.
 */
export function reviewByConsensus(spec: AnswerSpec, answers: readonly SubmittedAnswer[], policy: ConsensusPolicy = DEFAULT_CONSENSUS_POLICY): ConsensusReview {
  const s = settle(taskTypeOf(spec), spec, answers, policy.agreementThreshold);
  const { aggregate } = s;
  const outcome: ConsensusOutcome = {
    answer: aggregate.answer,
    confidence: s.confidence,
    method: aggregate.method,
    decided: s.decided,
    details: aggregate.details,
    ...(aggregate.label !== undefined ? { label: aggregate.label } : {}),
    ...(aggregate.votes !== undefined ? { votes: aggregate.votes } : {}),
  };
  // Approvals carry the slim evidence; only a rejection repeats the aggregate and the worker's
  // answer. The decisions travel through the state machine, whose payloads are capped at 256 KB.
  const slim = {
    method: aggregate.method,
    ...(aggregate.votes !== undefined ? { votes: aggregate.votes } : {}),
    agreement: s.confidence,
    agreementThreshold: policy.agreementThreshold,
    answers: answers.length,
  };
  const decisions = answers.map((a, i) => {
    const j = s.judgements[i];
    if (!s.decided || !j) {
      return { assignmentId: a.assignmentId, decision: { outcome: 'approved' as const, rule: 'consensus.no_consensus_benefit_of_doubt', evidence: slim } };
    }
    const measured = { measure: j.measure, value: j.value, threshold: j.threshold };
    if (j.agrees) return { assignmentId: a.assignmentId, decision: { outcome: 'approved' as const, rule: j.rule, evidence: { ...slim, ...measured } } };
    return {
      assignmentId: a.assignmentId,
      decision: {
        outcome: 'rejected' as const,
        rule: j.rule,
        evidence: { ...slim, aggregate: aggregate.answer, yourAnswer: j.yourAnswer ?? a.answer, ...measured, ...(j.detail ?? {}) },
      },
    };
  });
  return { outcome, decisions };
}
