import { validationError } from '../domain/errors';
import type { Project } from '../domain/marketplace/project';
import { reviewerIneligibility, type ReviewerIneligibility } from '../domain/workers/reviewers';
import { standingFor } from '../domain/workers/standing';
import type { Deps } from './deps';
import { ownedProject } from './projects';

/**
 * Whether the worker may review the project's work, with the reason when not: their score on
 * the project's reviewer qualification and their standing, read by key (a few items).
 */
export async function reviewerEligibility(deps: Deps, workerId: string, project: Project): Promise<{ eligible: true } | { eligible: false; reason: ReviewerIneligibility }> {
  const required = project.reviewerQualification;
  if (!required) return { eligible: false, reason: 'no_reviewer_qualification' };
  const items = await deps.workers.eligibilityItems(workerId, project.orgId, project.projectId, [required.qualificationTypeId]);
  const now = deps.now();
  const reason = reviewerIneligibility(required, items.qualifications[required.qualificationTypeId], standingFor(items.platform, items.client, items.excluded, now), now);
  return reason ? { eligible: false, reason } : { eligible: true };
}

/** The quality issue's check before it routes a review task to a worker. */
export async function isEligibleReviewer(deps: Deps, workerId: string, project: Project): Promise<boolean> {
  return (await reviewerEligibility(deps, workerId, project)).eligible;
}

/**
 * GET /projects/{projectId}/reviewer-pool: holders of the project's reviewer qualification with at
 * least its score, highest first, one bounded page of the holder index per call. Workers blocked
 * or suspended on the platform or blocked by this client are left out of the page (which can then
 * be shorter than `limit`; follow `nextCursor`).
 */
export async function reviewerPoolUseCase(deps: Deps, orgId: string, projectId: string, limit: number, cursor?: string) {
  const project = await ownedProject(deps, orgId, projectId);
  const required = project.reviewerQualification;
  if (!required) {
    // This list is empty and never handed out a cursor: one presented here is not ours.
    if (cursor) throw validationError('The cursor is not one this API returned for this list', [{ path: 'query.cursor', message: 'invalid cursor' }], 'invalid_cursor');
    return { projectId, reviewerQualification: null, items: [], nextCursor: null };
  }
  const now = deps.now();
  const page = await deps.workers.qualificationHolders(required.qualificationTypeId, required.minScore, now, limit, cursor);
  const standings = await deps.workers.standings(
    page.items.map((q) => q.workerId),
    orgId,
  );
  const items = page.items.flatMap((q) => {
    const s = standings.get(q.workerId);
    // An exclusion from the project is not read here: it concerns participants, and the routing check (isEligibleReviewer) applies it.
    if (standingFor(s?.platform, s?.client, false, now)) return [];
    return [{ workerId: q.workerId, score: q.score, grantedAt: q.grantedAt, ...(q.expiresAt ? { expiresAt: q.expiresAt } : {}) }];
  });
  return { projectId, reviewerQualification: required, items, nextCursor: page.nextCursor ?? null };
}
