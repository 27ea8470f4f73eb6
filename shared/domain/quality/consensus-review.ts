import { majorityVote, type MajorityOutcome } from '../aggregation/majority-vote';
import type { ReviewDecision } from '../marketplace/assignment';

export interface SubmittedAnswer {
  assignmentId: string;
  workerId: string;
  label: string;
  /** Measured time on the task; feeds the worker's effective hourly rate. */
  timeSpentMs?: number;
  /** From claim to submission on the platform's clock: what a speed bonus is measured by. */
  secondsToSubmit?: number;
}

export interface ConsensusPolicy {
  /** Share of votes the winning label needs, e.g. 0.5 means a strict majority is enough. */
  agreementThreshold: number;
}

export const DEFAULT_CONSENSUS_POLICY: ConsensusPolicy = { agreementThreshold: 0.5 };

export interface ConsensusReview {
  outcome: MajorityOutcome;
  /** True when a label won with more than the threshold; otherwise nobody is rejected. */
  decided: boolean;
  decisions: { assignmentId: string; decision: Omit<ReviewDecision, 'decidedAt'> }[];
}

/**
 * Decides each assignment of one microtask by consensus. Agreeing workers are approved, a
 * disagreeing worker is rejected and the rejection carries the votes as evidence. When no label
 * clears the threshold nobody is rejected: a worker is never unpaid for a question the crowd
 * itself could not settle.
 */
export function reviewByConsensus(answers: readonly SubmittedAnswer[], policy: ConsensusPolicy = DEFAULT_CONSENSUS_POLICY): ConsensusReview {
  const outcome = majorityVote(answers.map((a) => ({ workerId: a.workerId, label: a.label })));
  const decided = outcome.label !== null && outcome.confidence > policy.agreementThreshold;
  const evidence = { votes: outcome.votes, consensusLabel: outcome.label, agreement: outcome.confidence, threshold: policy.agreementThreshold, answers: answers.length };
  const decisions = answers.map((a) => {
    if (!decided) {
      return { assignmentId: a.assignmentId, decision: { outcome: 'approved' as const, rule: 'consensus.no_consensus_benefit_of_doubt', evidence: { ...evidence, yourAnswer: a.label } } };
    }
    const agrees = a.label === outcome.label;
    return {
      assignmentId: a.assignmentId,
      decision: {
        outcome: agrees ? ('approved' as const) : ('rejected' as const),
        rule: agrees ? 'consensus.agrees_with_majority' : 'consensus.disagrees_with_majority',
        evidence: { ...evidence, yourAnswer: a.label },
      },
    };
  });
  return { outcome, decided, decisions };
}
