import { isActive, type Qualification } from './qualifications';
import type { WorkerFacts } from './requirements';

/**
 * Reviewer pools: the workers who may review a project's work are those holding its reviewer
 * qualification (a client's own type or a platform-wide one) with at least a minimum score, and
 * whom nothing keeps out of the project. Review tasks are routed to this pool.
 */
export interface ReviewerQualification {
  qualificationTypeId: string;
  minScore: number;
}

export type ReviewerIneligibility = 'no_reviewer_qualification' | 'not_qualified' | 'score_too_low' | NonNullable<WorkerFacts['standing']>['code'];

/** Why a worker may not review for the project, or undefined when they may. */
export function reviewerIneligibility(
  required: ReviewerQualification | undefined,
  held: Qualification | undefined,
  standing: WorkerFacts['standing'],
  now: string,
): ReviewerIneligibility | undefined {
  if (!required) return 'no_reviewer_qualification';
  if (!isActive(held, now) || held.qualificationTypeId !== required.qualificationTypeId) return 'not_qualified';
  if (held.score < required.minScore) return 'score_too_low';
  return standing?.code;
}
