import { conflict, forbidden } from '../errors';
import type { SubmissionRisk } from '../quality/risk';
import type { Answer } from './answer-spec';
import type { RejectionAppeal } from '../quality/rejection-appeal';

/**
 * `expired`: the lease ran out before a submission; `returned`: the worker gave the task back. Both
 * reopen the slot. `revision_requested`: a reviewer sent the answer back to its worker; it is
 * `submitted` again when revised or when the revision deadline passes (the first answer stands).
 */
export const ASSIGNMENT_STATUSES = ['claimed', 'submitted', 'approved', 'rejected', 'expired', 'returned', 'revision_requested'] as const;
export type AssignmentStatus = (typeof ASSIGNMENT_STATUSES)[number];

/** Why an assignment was approved or rejected: the rule that fired and its evidence. */
export interface ReviewDecision {
  outcome: 'approved' | 'rejected';
  rule: string;
  evidence: Record<string, unknown>;
  decidedAt: string;
}

export interface Assignment {
  assignmentId: string;
  microtaskId: string;
  projectId: string;
  orgId: string;
  workerId: string;
  status: AssignmentStatus;
  rewardMinor: number;
  currency: string;
  claimedAt: string;
  leaseExpiresAt: string;
  submittedAt?: string;
  answer?: Answer;
  /** Fraud-check signals recorded with the submission. */
  submissionContext?: { timeSpentMs: number; sourceIp?: string; userAgent?: string; location?: { lat: number; lon: number; accuracyMetres?: number }; via?: 'external_page' };
  /** External tasks: the SHA-256 of the completion token handed to the worker at claim time (never the token). */
  completionTokenHash?: string;
  decision?: ReviewDecision;
  /** Fraud signals measured at submit, for review only (never in a worker's view). */
  risk?: SubmissionRisk;
  /** Decisions superseded by a later one (an overturned rejection, a reversed approval), oldest first. */
  history?: ReviewDecision[];
  /** The worker's appeal of a rejection, and its outcome. */
  appeal?: RejectionAppeal;
  /** The latest revision a reviewer asked for: what to change and by when. */
  revision?: AssignmentRevision;
  /** Answers replaced by revisions, oldest first. */
  previousAnswers?: Answer[];
  /** The quota segment this claim counts against, until it is returned or expires. */
  quotaSegment?: string;
  /** Whether this claim counts against the project's per-worker cap. */
  capped?: boolean;
}

export interface AssignmentRevision {
  round: number;
  requestedAt: string;
  deadline: string;
  tags: string[];
  comment?: string;
  revisedAt?: string;
}

/** A revision is sent by the assignment's worker, while it is requested and before its deadline. */
export function assertRevisable(a: Assignment, now: string): void {
  if (a.status !== 'revision_requested' || !a.revision) {
    throw conflict('revision_not_requested', `The assignment is ${a.status}; no revision is requested`, { status: a.status });
  }
  if (now > a.revision.deadline) throw conflict('revision_deadline_passed', 'The revision deadline has passed; your first answer stands', { deadline: a.revision.deadline });
}

export function assertOwnedBy(a: Assignment, workerId: string): void {
  if (a.workerId !== workerId) throw forbidden('not_your_assignment', 'This assignment belongs to another worker');
}

export function assertSubmittable(a: Assignment, now: string): void {
  if (a.status !== 'claimed') {
    throw conflict('assignment_not_open', `The assignment is ${a.status}; it can no longer be submitted`, { status: a.status });
  }
  if (now > a.leaseExpiresAt) {
    throw conflict('lease_expired', 'The assignment lease has expired', { leaseExpiresAt: a.leaseExpiresAt });
  }
}

export function leaseEnd(claimedAt: string, durationSeconds: number): string {
  return new Date(Date.parse(claimedAt) + durationSeconds * 1000).toISOString();
}
