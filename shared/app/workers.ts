import { notFound, validationError } from '../domain/errors';
import { Accounts } from '../domain/ledger/ledger';
import type { Project } from '../domain/marketplace/project';
import { applyProfile, type ProfileInput, type WorkerProfile } from '../domain/workers/profile';
import { earlyAccessUntil, fitScore, requiredTypeIds, unmetRequirement, type WorkerFacts } from '../domain/workers/requirements';
import { REPUTATION_PRIOR, reputationOf, sumCounts, TIER_THRESHOLDS } from '../domain/workers/reputation';
import { standingFor } from '../domain/workers/standing';
import { GOLD_POLICY_PREFIX, goldView, type GoldCounts } from '../domain/quality/gold-policy';
import { isGoldRule } from '../domain/quality/gold-review';
import { clientReputations } from './client-reputation';
import { reviewPolicyOf, reviewPolicySummary } from '../domain/quality/review-policy';
import type { Deps } from './deps';

export function profileView(p: WorkerProfile) {
  const { workerId: _w, ...rest } = p;
  return rest;
}

export async function getProfileUseCase(deps: Deps, workerId: string) {
  const p = await deps.workers.getProfile(workerId);
  if (!p) throw notFound('profile', 'of this worker');
  return profileView(p);
}

/** Creates or replaces the profile; demographics are kept only with consent. */
export async function putProfileUseCase(deps: Deps, workerId: string, input: ProfileInput) {
  const existing = await deps.workers.getProfile(workerId, true);
  const next = applyProfile(existing, input, workerId, deps.now());
  await deps.workers.putProfile(next, existing);
  return profileView(next);
}

/** The worker's overall reputation, from the per-currency stats written at review (a handful of items). */
export async function reputationFor(deps: Deps, workerId: string) {
  return reputationOf(sumCounts(await deps.marketplace.workerStats(workerId)));
}

/**
 * Everything eligibility for one project is decided from, read by key: the profile, standing,
 * the qualifications the project requires and the stats. A bounded number of items whatever the
 * project's size.
 */
export async function workerFacts(deps: Deps, workerId: string, project: Project): Promise<WorkerFacts> {
  const [items, reputation] = await Promise.all([
    deps.workers.eligibilityItems(workerId, project.orgId, project.projectId, requiredTypeIds(project.requirements)),
    reputationFor(deps, workerId),
  ]);
  return {
    workerId,
    profile: items.profile,
    qualifications: items.qualifications,
    reputation,
    standing: standingFor(items.platform, items.client, items.excluded, deps.now()),
  };
}

// ------------------------------------------------------------------ task feed

/**
 * One bounded page of the feed index, the projects on it this worker may claim, highest priority
 * first and, within a priority, best fit first: then one batched read by key of what eligibility
 * needs for that page. Fewer than `limit` when some are not for this worker.
 */
export async function eligibleProjects(deps: Deps, workerId: string, limit: number, cursor?: string) {
  const now = deps.now();
  const page = await deps.marketplace.listPublishedProjects(limit, cursor);
  const open = page.items.filter((p) => p.status === 'published');
  const [items, reputation] = await Promise.all([
    deps.workers.workerItems(workerId, { orgIds: open.map((p) => p.orgId), projectIds: open.map((p) => p.projectId), typeIds: open.flatMap((p) => requiredTypeIds(p.requirements)) }),
    reputationFor(deps, workerId),
  ]);
  const eligible = open.flatMap((p) => {
    const facts: WorkerFacts = {
      workerId,
      profile: items.profile,
      qualifications: Object.fromEntries(requiredTypeIds(p.requirements).map((t) => [t, items.qualifications.get(t)])),
      reputation,
      standing: standingFor(items.platform, items.clientBlocks.get(p.orgId), items.exclusions.has(p.projectId), now),
    };
    return unmetRequirement(p, facts, now) ? [] : [{ project: p, fit: fitScore(p, facts) }];
  });
  eligible.sort((a, b) => (b.project.priority ?? 0) - (a.project.priority ?? 0) || b.fit - a.fit);
  return { eligible, reputation, nextCursor: page.nextCursor };
}

/** Published projects the worker may claim (eligibleProjects), each with what the platform measured about its client. */
export async function taskFeedUseCase(deps: Deps, workerId: string, limit: number, cursor?: string) {
  const now = deps.now();
  const { eligible, reputation, nextCursor } = await eligibleProjects(deps, workerId, limit, cursor);
  const clients = await clientReputations(deps, eligible.map((e) => e.project.orgId));
  return {
    items: eligible.map(({ project: p, fit }) => ({
      projectId: p.projectId,
      title: p.title,
      description: p.description,
      taskType: p.answerSpec.type,
      reward: { amountMinor: p.rewardMinor, currency: p.currency },
      assignmentDurationSeconds: p.assignmentDurationSeconds,
      priority: p.priority ?? 0,
      fit: Math.round(fit * 1000) / 1000,
      publishedAt: p.publishedAt,
      ...(p.maxAssignmentsPerWorker ? { maxAssignmentsPerWorker: p.maxAssignmentsPerWorker } : {}),
      ...(earlyAccessUntil(p) && earlyAccessUntil(p)! > now ? { earlyAccessUntil: earlyAccessUntil(p) } : {}),
      client: clients.get(p.orgId)!,
      reviewPolicy: reviewPolicySummary(reviewPolicyOf(p)),
    })),
    reputation: { score: reputation.score, tier: reputation.tier },
    nextCursor: nextCursor ?? null,
  };
}

// ------------------------------------------------------------------ reputation

/** The worker's reputation overall and per task type, with the latest decisions that moved it. */
export async function myReputationUseCase(deps: Deps, workerId: string) {
  const [stats, perType, events, goldActions] = await Promise.all([
    deps.marketplace.workerStats(workerId),
    deps.workers.taskTypeStats(workerId),
    deps.workers.reputationEvents(workerId, 20),
    deps.decisions.goldActions(workerId, 20),
  ]);
  return {
    ...reputationOf(sumCounts(stats)),
    prior: REPUTATION_PRIOR,
    tiers: TIER_THRESHOLDS,
    // Gold accuracy: what the worker's answers to gold microtasks say of their skill, and what a project's gold policy did about it.
    gold: {
      ...goldView(sumGold(stats)),
      recentEvents: events.filter((e) => !!e.rule && (isGoldRule(e.rule) || e.rule.startsWith(GOLD_POLICY_PREFIX))),
      actions: goldActions.map(({ projectId, action, rule, evidence, at, rejected, reversed }) => ({ projectId, action, rule, evidence, at, rejected, reversed })),
    },
    byTaskType: perType.map((t) => ({ taskType: t.taskType, ...reputationOf(t), gold: goldView(t) })),
    recentEvents: events,
  };
}

const sumGold = (items: GoldCounts[]): GoldCounts => items.reduce((s, i) => ({ goldCount: s.goldCount + i.goldCount, goldMatchedCount: s.goldMatchedCount + i.goldMatchedCount }), { goldCount: 0, goldMatchedCount: 0 });

// ------------------------------------------------------------------ GDPR

const EXPORT_SECTIONS = ['worker', 'assignments', 'available', 'pending'] as const;
type ExportSection = (typeof EXPORT_SECTIONS)[number];
const EXPORT_PAGE = 100;

function decodeExportCursor(cursor: string | undefined): { section: ExportSection; cursor?: string } {
  if (!cursor) return { section: 'worker' };
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { section: ExportSection; cursor?: string };
    if (EXPORT_SECTIONS.includes(v.section)) return v;
  } catch {
    // reported below
  }
  throw validationError('The cursor is not one this API returned', [{ path: 'query.cursor', message: 'invalid cursor' }], 'invalid_cursor');
}

/**
 * Everything stored about the worker, as JSON, one bounded page per call: their own partition
 * (profile, qualifications, attempts, standing, stats, reputation events), then their assignments,
 * then both balances' statements. Follow `nextCursor` until it is null.
 */
export async function exportMyDataUseCase(deps: Deps, workerId: string, cursor?: string) {
  const at = decodeExportCursor(cursor);
  const page =
    at.section === 'worker'
      ? await deps.workers.exportPage(workerId, EXPORT_PAGE, at.cursor)
      : at.section === 'assignments'
        ? await deps.marketplace.listAssignmentsByWorker(workerId, EXPORT_PAGE, at.cursor).then((p) => ({ ...p, items: p.items.map(({ orgId: _client, ...a }) => a) }))
        : await deps.ledger.statement(at.section === 'available' ? Accounts.workerAvailable(workerId) : Accounts.workerPending(workerId), EXPORT_PAGE, at.cursor);
  const nextSection = EXPORT_SECTIONS[EXPORT_SECTIONS.indexOf(at.section) + 1];
  const next = page.nextCursor ? { section: at.section, cursor: page.nextCursor } : nextSection ? { section: nextSection } : undefined;
  return {
    workerId,
    exportedAt: deps.now(),
    section: at.section,
    items: page.items,
    nextCursor: next ? Buffer.from(JSON.stringify(next)).toString('base64url') : null,
  };
}

const ERASURE_ASSIGNMENT_PAGES = 10;

/**
 * Erasure: the profile and assessment answers are deleted, the network details recorded with
 * submissions are removed and the user is deleted from the directory. The ledger, assignments and
 * scores stay under the worker id, which nothing links to a person any more, so accounts still
 * reconcile. Repeating the call finishes an erasure left incomplete.
 */
export async function eraseMeUseCase(deps: Deps, workerId: string) {
  const { deleted } = await deps.workers.erasePersonalData(workerId);
  let scrubbed = 0;
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await deps.marketplace.listAssignmentsByWorker(workerId, 100, cursor);
    for (const a of page.items) if (a.submissionContext?.sourceIp || a.submissionContext?.userAgent || a.submissionContext?.location || a.risk) scrubbed += (await deps.marketplace.scrubSubmissionContext(a.assignmentId)) ? 1 : 0;
    cursor = page.nextCursor;
  } while (cursor && ++pages < ERASURE_ASSIGNMENT_PAGES);
  const complete = !cursor;
  const userDeleted = complete ? await deps.identity().deleteUser(workerId) : false;
  return { workerId, erasedAt: deps.now(), deletedItems: deleted, scrubbedAssignments: scrubbed, userDeleted, complete };
}
