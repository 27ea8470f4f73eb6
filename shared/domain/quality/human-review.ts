import { conflict, validationError } from '../errors';
import type { ReviewDecision } from '../marketplace/assignment';

export type PendingDecision = { assignmentId: string; decision: Omit<ReviewDecision, 'decidedAt'> };

export const REVIEW_KINDS = ['reviewer', 'spot_check'] as const;
export type ReviewKind = (typeof REVIEW_KINDS)[number];

export const REVIEW_VERDICTS = ['ok', 'reject', 'revise'] as const;
export type ReviewVerdictKind = (typeof REVIEW_VERDICTS)[number];

/** A reviewer's word on one answer: OK, reject, or (reviewer stage only) send it back to its worker. */
export interface ReviewerVerdict {
  assignmentId: string;
  verdict: ReviewVerdictKind;
  tags: string[];
  comment?: string;
}

export const REVIEW_TASK_STATUSES = ['open', 'claimed', 'decided', 'expired'] as const;
export type ReviewTaskStatus = (typeof REVIEW_TASK_STATUSES)[number];

/**
 * A microtask's answers waiting for a human: offered to the project's reviewer pool, claimed by
 * one reviewer, decided once. It holds the workflow's task token, so deciding resumes the review.
 * It names the answers by assignment; the workers behind them stay in `excludedReviewers`, which
 * no view shows (a worker never reviews their own microtask, nor learns whose answer they judge).
 */
export interface ReviewTask {
  reviewTaskId: string;
  projectId: string;
  microtaskId: string;
  kind: ReviewKind;
  /** 0 first; each revision the reviewer asked for opens the next round. */
  round: number;
  /** 0 first; 1 when offered again after nobody decided in time. */
  attempt: number;
  status: ReviewTaskStatus;
  assignmentIds: string[];
  excludedReviewers: string[];
  policyVersion: number;
  /** The policy's revision rounds, so a decision is checked against the version the review runs under. */
  maxRevisions: number;
  taskToken: string;
  createdAt: string;
  /** When the workflow stops waiting: the task expires then. */
  expiresAt: string;
  reviewerId?: string;
  claimedAt?: string;
  decidedAt?: string;
  verdicts?: ReviewerVerdict[];
}

/** The result of a human stage as the workflow state carries it (`$.humanReview`). */
export interface HumanReviewResult {
  kind: ReviewKind;
  outcome: 'decided' | 'timed_out';
  reviewTaskId?: string;
  verdicts?: ReviewerVerdict[];
}

/** A decision must name each answer of the task once; a revision only at the reviewer stage and within the policy's rounds. */
export function assertVerdicts(task: Pick<ReviewTask, 'kind' | 'round' | 'assignmentIds'>, verdicts: readonly ReviewerVerdict[], maxRevisions: number): void {
  const named = verdicts.map((v) => v.assignmentId);
  const missing = task.assignmentIds.filter((id) => !named.includes(id));
  const unknown = named.filter((id) => !task.assignmentIds.includes(id));
  const twice = named.filter((id, i) => named.indexOf(id) !== i);
  if (missing.length || unknown.length || twice.length) {
    throw validationError('Give one verdict for each answer of the review task', [
      ...missing.map((id) => ({ path: 'verdicts', message: `no verdict for ${id}` })),
      ...unknown.map((id) => ({ path: 'verdicts', message: `${id} is not an answer of this review task` })),
      ...twice.map((id) => ({ path: 'verdicts', message: `${id} has more than one verdict` })),
    ]);
  }
  verdicts.forEach((v, i) => {
    if (v.verdict !== 'ok' && !v.comment && v.tags.length === 0) {
      throw validationError('A rejection or a revision request says why: a tag or a comment', [{ path: `verdicts.${i}`, message: 'tags or comment required' }]);
    }
  });
  if (verdicts.some((v) => v.verdict === 'revise')) {
    if (task.kind !== 'reviewer') throw conflict('revision_not_allowed', 'A spot check confirms or overturns; it does not ask for revisions');
    if (task.round >= maxRevisions) throw conflict('revisions_exhausted', `The policy allows ${maxRevisions} revision round(s); this answer can only be accepted or rejected now`, { maxRevisions, round: task.round });
  }
}

/**
 * Folds a human review into the pending decisions: OK approves, reject rejects, each with the
 * reviewer's tags and comment as evidence and the decision it replaced; revise leaves the decision
 * to the next round and lists the answer. A spot check that changes an outcome names that it
 * overturned consensus. A stage that timed out changes nothing: consensus stands.
 */
export function applyHumanReview(decisions: readonly PendingDecision[], review: HumanReviewResult, policyVersion: number): { decisions: PendingDecision[]; revise: string[] } {
  if (review.outcome !== 'decided' || !review.verdicts) return { decisions: [...decisions], revise: [] };
  const byId = new Map(review.verdicts.map((v) => [v.assignmentId, v]));
  const revise: string[] = [];
  const next = decisions.map((d) => {
    const v = byId.get(d.assignmentId);
    if (!v) return d;
    if (v.verdict === 'revise') {
      revise.push(d.assignmentId);
      return d;
    }
    const outcome = v.verdict === 'ok' ? ('approved' as const) : ('rejected' as const);
    const overturned = outcome !== d.decision.outcome;
    const rule = review.kind === 'spot_check' ? (overturned ? 'spot_check.overturned' : 'spot_check.confirmed') : outcome === 'approved' ? 'review.approved' : 'review.rejected';
    const evidence = {
      reviewTaskId: review.reviewTaskId,
      tags: v.tags,
      ...(v.comment ? { comment: v.comment } : {}),
      policyVersion,
      replaced: { outcome: d.decision.outcome, rule: d.decision.rule },
    };
    return { assignmentId: d.assignmentId, decision: { outcome, rule, evidence } };
  });
  return { decisions: next, revise };
}

/** The client's word on a microtask's approved answers (`$.acceptance`). */
export interface ClientAcceptance {
  decision: 'accepted' | 'rejected' | 'auto_accepted';
  reason?: string;
  evidence?: Record<string, unknown>;
  /** The approved answers it rejects; all of them when absent. */
  assignmentIds?: string[];
  decidedAt?: string;
}

/**
 * A client rejection turns the named approved answers (all approved ones by default) into
 * rejections carrying the client's reason and evidence; acceptance, by word or by silence, keeps
 * the decisions as they are. Answers already rejected stay so, with the reason they had.
 */
export function applyClientAcceptance(decisions: readonly PendingDecision[], acceptance: ClientAcceptance | undefined): PendingDecision[] {
  if (!acceptance || acceptance.decision !== 'rejected') return [...decisions];
  const targets = acceptance.assignmentIds ? new Set(acceptance.assignmentIds) : undefined;
  return decisions.map((d) => {
    if (d.decision.outcome !== 'approved' || (targets && !targets.has(d.assignmentId))) return d;
    return {
      assignmentId: d.assignmentId,
      decision: {
        outcome: 'rejected' as const,
        rule: 'client.rejected',
        evidence: { reason: acceptance.reason ?? '', clientEvidence: acceptance.evidence ?? {}, replaced: { outcome: d.decision.outcome, rule: d.decision.rule } },
      },
    };
  });
}
