import { conflict, forbidden } from '../errors';
import type { Assignment, ReviewDecision } from '../marketplace/assignment';

/**
 * A worker's appeal of a rejected assignment: once per assignment, within a window after the
 * rejection, decided by the project's client (or an admin) with a reason the worker reads.
 */
export interface RejectionAppeal {
  statement: string;
  filedAt: string;
  status: 'pending' | 'upheld' | 'overturned';
  /** The rule of the rejection appealed, so the log reads without the superseded decision. */
  appealedRule: string;
  decidedAt?: string;
  /** Why it was upheld or overturned, shown to the worker (the same field as a standing appeal's). */
  note?: string;
  decidedBy?: 'client' | 'admin';
}

/** Long enough for a worker who checks weekly; short enough that a client's decisions settle. */
export const REJECTION_APPEAL_WINDOW_HOURS = 7 * 24;

export const OVERTURNED_RULE = 'appeal.overturned';

export function appealWindowClosesAt(rejectedAt: string, hours = REJECTION_APPEAL_WINDOW_HOURS): string {
  return new Date(Date.parse(rejectedAt) + hours * 3_600_000).toISOString();
}

/** The order of the checks is the order a worker would want to hear them in. */
export function assertRejectionAppealable(a: Assignment, workerId: string, now: string): asserts a is Assignment & { decision: ReviewDecision } {
  if (a.workerId !== workerId) throw forbidden('not_your_assignment', 'This assignment belongs to another worker');
  if (a.appeal) throw conflict('already_appealed', 'This rejection was already appealed', { status: a.appeal.status });
  if (a.status !== 'rejected' || !a.decision) throw conflict('not_rejected', `The assignment is ${a.status}; only a rejection can be appealed`, { status: a.status });
  const closesAt = appealWindowClosesAt(a.decision.decidedAt);
  if (now > closesAt) throw conflict('appeal_window_closed', `Appeals of this rejection closed at ${closesAt}`, { closedAt: closesAt });
}

export function assertAppealPending(a: Assignment): asserts a is Assignment & { appeal: RejectionAppeal; decision: ReviewDecision } {
  if (!a.appeal) throw conflict('not_appealed', 'This assignment has no appeal to decide');
  if (a.appeal.status !== 'pending') throw conflict('appeal_already_decided', `The appeal was already ${a.appeal.status}`, { status: a.appeal.status, decidedAt: a.appeal.decidedAt });
}

/** The decision that replaces an overturned rejection; the rejection itself moves to the history. */
export function overturningDecision(rejection: ReviewDecision, note: string, now: string): ReviewDecision {
  return { outcome: 'approved', rule: OVERTURNED_RULE, evidence: { note, overturnedRule: rejection.rule, rejectedAt: rejection.decidedAt }, decidedAt: now };
}
