import { Entries } from '../domain/ledger/ledger';
import type { ReviewDecision } from '../domain/marketplace/assignment';
import { costPerAssignment, type Project } from '../domain/marketplace/project';
import { feeOn } from '../domain/money';
import { blocksFromProject, GOLD_POLICY_REJECTION, goldPolicyVerdict } from '../domain/quality/gold-policy';
import type { Deps } from './deps';

/** How far back reject_recent looks: the worker's latest assignments, across projects (one page of their index). */
export const RECENT_ASSIGNMENTS = 100;

/**
 * After a gold answer of a worker was decided: when the project's gold policy finds their gold
 * accuracy in the project below its floor, it acts once (warn, block from the project, or also
 * reject their recent work there). Every step is idempotent, and the record of the action is
 * written last, so a retried review finishes an action a crash interrupted.
 */
export async function enforceGoldPolicyUseCase(deps: Deps, project: Project, workerId: string) {
  const policy = project.goldPolicy;
  if (!policy) return { acted: false as const };
  if (await deps.decisions.goldActionFor(workerId, project.projectId)) return { acted: false as const };
  const verdict = goldPolicyVerdict(policy, await deps.decisions.projectGold(workerId, project.projectId));
  if (!verdict) return { acted: false as const };
  const now = deps.now();
  if (blocksFromProject(verdict.action)) await deps.workers.setExcluded(workerId, project.projectId, true, now);
  const corrected = verdict.action === 'reject_recent' ? await rejectRecentWork(deps, project, workerId, verdict.evidence, now) : { rejected: 0, reversed: 0, keptPaid: 0 };
  await deps.decisions.recordGoldAction(workerId, { projectId: project.projectId, action: verdict.action, rule: verdict.rule, evidence: { ...verdict.evidence, keptPaid: corrected.keptPaid }, at: now, rejected: corrected.rejected, reversed: corrected.reversed });
  return { acted: true as const, action: verdict.action, ...corrected };
}

/**
 * The worker's work in the project that is not final yet: answers still waiting for review are
 * rejected (their escrow goes back), approvals still in their hold period are reversed (reward
 * and fee back to the client, the hold removed). Rewards already released are the worker's: paid
 * work is never clawed back; they are only counted in the evidence.
 */
async function rejectRecentWork(deps: Deps, project: Project, workerId: string, evidence: Record<string, unknown>, now: string) {
  const page = await deps.marketplace.listAssignmentsByWorker(workerId, RECENT_ASSIGNMENTS);
  const mine = page.items.filter((a) => a.projectId === project.projectId);
  const decision: ReviewDecision = { outcome: 'rejected', rule: GOLD_POLICY_REJECTION, evidence, decidedAt: now };
  const stats = (approved: number, earnedMinor: number) => ({ workerId, currency: project.currency, taskType: project.answerSpec.type, projectId: project.projectId, approved, rejected: 1, earnedMinor });
  let rejected = 0;
  let reversed = 0;
  let keptPaid = 0;
  for (const a of mine) {
    const meta = { currency: project.currency, createdAt: now, refs: { assignmentId: a.assignmentId, projectId: project.projectId } };
    if (a.status === 'submitted') {
      // The same entry id review would use, so at most one of the two ever moves this escrow.
      const entry = Entries.rejectAssignment(project.orgId, costPerAssignment(project).totalMinor, { ...meta, entryId: `review:${a.assignmentId}` });
      if (await deps.decisions.rejectUndecided(a, decision, entry, stats(0, 0))) rejected++;
    } else if (a.status === 'approved' && a.decision) {
      const hold = await deps.decisions.hold(a.assignmentId);
      if (!hold) {
        keptPaid++;
        continue;
      }
      const entry = Entries.reverseHeldApproval(project.orgId, workerId, hold.amountMinor, feeOn(hold.amountMinor, project.feeBasisPoints), { ...meta, entryId: `goldpolicy:${a.assignmentId}` });
      if (await deps.decisions.reverseHeldApproval(a, decision, entry, stats(-1, -hold.amountMinor))) reversed++;
      else keptPaid++;
    }
  }
  return { rejected, reversed, keptPaid };
}
