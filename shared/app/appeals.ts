import type { Caller } from '../http/auth';
import { conflict, notFound } from '../domain/errors';
import { Entries } from '../domain/ledger/ledger';
import type { Assignment } from '../domain/marketplace/assignment';
import { tieredReward, type PayTier } from '../domain/marketplace/pricing';
import { feeOn } from '../domain/money';
import { GOLD_DIFFERED } from '../domain/quality/gold-review';
import { assertAppealPending, assertRejectionAppealable, overturningDecision, type RejectionAppeal } from '../domain/quality/rejection-appeal';
import type { Deps } from './deps';
import { reputationFor } from './workers';

/** A worker appeals a rejection of their own assignment, once, within the window after it. */
export async function fileRejectionAppealUseCase(deps: Deps, workerId: string, input: { assignmentId: string; statement: string }) {
  const a = await deps.marketplace.getAssignment(input.assignmentId, true);
  if (!a) throw notFound('assignment', input.assignmentId);
  const now = deps.now();
  assertRejectionAppealable(a, workerId, now);
  const appeal: RejectionAppeal = { statement: input.statement, filedAt: now, status: 'pending', appealedRule: a.decision.rule };
  // The condition repeats the checks: of two concurrent appeals, one is filed.
  if (!(await deps.decisions.fileRejectionAppeal(a, appeal))) throw conflict('already_appealed', 'This rejection was already appealed');
  return { assignmentId: a.assignmentId, appeal };
}

/** The project's client reads the appeals waiting for it, oldest first. */
export async function listRejectionAppealsUseCase(deps: Deps, orgId: string, projectId: string, limit: number, cursor?: string) {
  const project = await deps.marketplace.getProject(projectId);
  if (!project || project.orgId !== orgId) throw notFound('project', projectId);
  const page = await deps.decisions.listPendingRejectionAppeals(projectId, limit, cursor);
  return { items: page.items, nextCursor: page.nextCursor ?? null };
}

/**
 * The project's client (or an admin) upholds or overturns an appealed rejection. Overturned, the
 * worker is paid the reward their tier earns (no automatic bonus: those judged the answer against
 * a consensus that rejected it) out of the client's funds, since the rejection returned the
 * escrow; a client short of funds is refused with `insufficient_funds` and the appeal stays pending.
 */
export async function decideRejectionAppealUseCase(deps: Deps, caller: Caller, assignmentId: string, input: { outcome: 'upheld' | 'overturned'; note: string }) {
  const a = await deps.marketplace.getAssignment(assignmentId, true);
  const admin = caller.groups.includes('admins');
  if (!a || (!admin && a.orgId !== caller.orgId)) throw notFound('assignment', assignmentId);
  // A retried request whose first try committed answers the same.
  if (a.appeal && a.appeal.status === input.outcome && a.appeal.note === input.note) return appealDecisionView(a);
  assertAppealPending(a);
  const now = deps.now();
  const appeal: RejectionAppeal = { ...a.appeal, status: input.outcome, note: input.note, decidedAt: now, decidedBy: admin && a.orgId !== caller.orgId ? 'admin' : 'client' };
  if (input.outcome === 'upheld') {
    if (!(await deps.decisions.upholdRejection(a.assignmentId, appeal))) throw conflict('appeal_already_decided', 'The appeal was decided meanwhile');
    return appealDecisionView({ ...a, appeal });
  }
  const project = await deps.marketplace.getProject(a.projectId);
  if (!project) throw notFound('project', a.projectId);
  const tier: PayTier = project.tierPay ? (await reputationFor(deps, a.workerId)).tier : 'bronze';
  const rewardMinor = tieredReward(project, tier);
  const feeMinor = feeOn(rewardMinor, project.feeBasisPoints);
  const decision = overturningDecision(a.decision, input.note, now);
  const entry = Entries.overturnRejection(a.orgId, a.workerId, rewardMinor, feeMinor, {
    entryId: `appeal:${a.assignmentId}`,
    currency: project.currency,
    createdAt: now,
    refs: { assignmentId: a.assignmentId, projectId: a.projectId },
  });
  const stats = {
    workerId: a.workerId,
    currency: project.currency,
    taskType: project.answerSpec.type,
    projectId: project.projectId,
    approved: 1,
    rejected: -1,
    earnedMinor: rewardMinor,
    ...(a.decision.rule === GOLD_DIFFERED ? { goldMatched: 1 } : {}),
  };
  if (!(await deps.decisions.overturnRejection(a, appeal, decision, entry, stats))) throw conflict('appeal_already_decided', 'The appeal was decided meanwhile');
  return appealDecisionView({ ...a, status: 'approved', decision, appeal, history: [...(a.history ?? []), a.decision] });
}

/** An overturn names its ledger entry: the worker's and the client's statements show it under this id. */
function appealDecisionView(a: Assignment) {
  return { assignmentId: a.assignmentId, status: a.status, appeal: a.appeal, decision: a.decision, paymentEntryId: a.appeal?.status === 'overturned' ? `appeal:${a.assignmentId}` : null };
}
