import { notFound } from '../domain/errors';
import { Entries } from '../domain/ledger/ledger';
import { answerLabel } from '../domain/marketplace/answer-spec';
import type { ReviewDecision } from '../domain/marketplace/assignment';
import { allAnswersIn, type Microtask } from '../domain/marketplace/microtask';
import { costPerAssignment } from '../domain/marketplace/project';
import { holdReleaseAt } from '../domain/payouts/payouts';
import { reviewByConsensus, type SubmittedAnswer } from '../domain/quality/consensus-review';
import type { Deps } from './deps';

/** State passed between the review workflow's tasks (JSONPath, each task returns the whole state). */
export interface ReviewState {
  microtaskId: string;
  projectId?: string;
  answers?: SubmittedAnswer[];
  consensus?: { label: string | null; confidence: number; votes: Record<string, number>; decided: boolean };
  decisions?: { assignmentId: string; decision: Omit<ReviewDecision, 'decidedAt'> }[];
  applied?: { approved: number; rejected: number };
}

/** Consumer side of the submission queue: once every slot of a microtask is answered, start its review (once). */
export async function onSubmissionUseCase(deps: Deps, msg: { microtaskId: string }) {
  const m = await deps.marketplace.getMicrotask(msg.microtaskId, true);
  if (!m) return { started: false, reason: 'unknown microtask' };
  return startReviewWhenComplete(deps, m);
}

/** Starts the microtask's review once every slot is answered (or released by a cancellation), once. */
export async function startReviewWhenComplete(deps: Deps, m: Microtask) {
  if (m.status !== 'open' || !allAnswersIn(m)) return { started: false, reason: `${m.submittedCount}/${m.redundancy} answers, status ${m.status}` };
  // The execution name makes the start idempotent; the status change only reports it.
  const { started } = await deps.reviewWorkflow().start(`review-${m.microtaskId}`, { microtaskId: m.microtaskId });
  await deps.marketplace.setMicrotaskStatus(m.microtaskId, ['open'], 'reviewing');
  return { started, reason: started ? 'review started' : 'review already running' };
}

/**
 * After slots of a cancelled project's microtask were released: with no answer at all it is
 * cancelled; otherwise its review starts as soon as the answers still expected are in.
 */
export async function afterSlotsReleased(deps: Deps, m: Microtask) {
  if (m.status !== 'open') return;
  if (m.submittedCount === 0 && (m.releasedSlots ?? 0) >= m.redundancy) await deps.marketplace.setMicrotaskStatus(m.microtaskId, ['open'], 'cancelled');
  else await startReviewWhenComplete(deps, m);
}

export async function loadSubmissionsUseCase(deps: Deps, state: ReviewState): Promise<ReviewState> {
  const m = await deps.marketplace.getMicrotask(state.microtaskId, true);
  if (!m) throw notFound('microtask', state.microtaskId);
  const project = await deps.marketplace.getProject(m.projectId);
  if (!project) throw notFound('project', m.projectId);
  const assignments = await deps.marketplace.listAssignmentsOfMicrotask(m.microtaskId);
  const answers = assignments
    .filter((a) => a.answer && a.status !== 'claimed')
    .map((a) => ({ assignmentId: a.assignmentId, workerId: a.workerId, label: answerLabel(project.answerSpec, a.answer!), timeSpentMs: a.submissionContext?.timeSpentMs ?? 0 }));
  return { microtaskId: m.microtaskId, projectId: m.projectId, answers };
}

export function consensusUseCase(state: ReviewState): ReviewState {
  const review = reviewByConsensus(state.answers ?? []);
  return {
    ...state,
    consensus: { label: review.outcome.label, confidence: review.outcome.confidence, votes: review.outcome.votes, decided: review.decided },
    decisions: review.decisions,
  };
}

/** Applies every decision with its money movement, then records the microtask's result. Safe to retry. */
export async function finalizeUseCase(deps: Deps, state: ReviewState): Promise<ReviewState> {
  const project = await deps.marketplace.getProject(state.projectId!);
  if (!project) throw notFound('project', state.projectId!);
  const now = deps.now();
  const cost = costPerAssignment(project);
  // LoadSubmissions read every assignment; its answers carry the worker ids, so nothing is read again.
  const answerOf = new Map((state.answers ?? []).map((a) => [a.assignmentId, a]));
  let approved = 0;
  let rejected = 0;
  for (const { assignmentId, decision } of state.decisions ?? []) {
    const answer = answerOf.get(assignmentId);
    if (!answer) continue;
    const { workerId } = answer;
    const meta = { entryId: `review:${assignmentId}`, currency: project.currency, createdAt: now, refs: { assignmentId, projectId: project.projectId } };
    const isApproval = decision.outcome === 'approved';
    const held = isApproval && deps.settings.holdPeriodHours > 0;
    const entry = isApproval
      ? Entries.approveAssignment(project.orgId, workerId, cost.rewardMinor, cost.feeMinor, meta, held)
      : Entries.rejectAssignment(project.orgId, cost.totalMinor, meta);
    const hold = held ? { assignmentId, workerId, amountMinor: cost.rewardMinor, currency: project.currency, releaseAt: holdReleaseAt(now, deps.settings.holdPeriodHours) } : undefined;
    const stats = { workerId, currency: project.currency, approved: isApproval, rewardMinor: isApproval ? cost.rewardMinor : 0, activeMs: answer.timeSpentMs ?? 0, taskType: project.answerSpec.type, projectId: project.projectId };
    await deps.marketplace.decide(assignmentId, { ...decision, decidedAt: now }, entry, { hold, stats });
    if (decision.outcome === 'approved') approved++;
    else rejected++;
  }
  const c = state.consensus;
  await deps.marketplace.setMicrotaskStatus(state.microtaskId, ['reviewing', 'open', 'review_failed'], 'completed', {
    result: { label: c?.label ?? null, confidence: c?.confidence ?? 0, votes: c?.votes ?? {}, method: 'majority_vote', decidedAt: now },
  });
  return { ...state, applied: { approved, rejected } };
}

export async function markReviewFailedUseCase(deps: Deps, state: ReviewState & { error?: unknown }) {
  await deps.marketplace.setMicrotaskStatus(state.microtaskId, ['reviewing', 'open'], 'review_failed', { error: state.error ?? 'unknown' });
  return { microtaskId: state.microtaskId, status: 'review_failed' };
}
