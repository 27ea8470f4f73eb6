import { conflict, DomainError, forbidden, notFound, validationError } from '../domain/errors';
import { frameOrigin, frameUrl, issueCompletionToken } from '../domain/marketplace/task-types/external';
import { assertMediaSubmittable, maxUploadsPerAssignment, type MediaCollectionAnswer, type MediaRecord } from '../domain/marketplace/task-types/media-collection';
import { answerReadsInput, validateAnswer } from '../domain/marketplace/answer-spec';
import { assertOwnedBy, assertSubmittable, leaseEnd, type Assignment } from '../domain/marketplace/assignment';
import { workerView } from '../domain/marketplace/microtask';
import { costPerAssignment, isWindingDown, leaseEndWithin, type Project } from '../domain/marketplace/project';
import { Entries } from '../domain/ledger/ledger';
import { LEASE_SHARDS } from '../adapters/dynamodb/table-design';
import { afterSlotsReleased } from './review';
import { eligibleProjects, workerFacts } from './workers';
import { assertEligible, type WorkerFacts } from '../domain/workers/requirements';
import { dependsOnInput, isInputDimension, segmentOf } from '../domain/workers/quotas';
import type { ClientReputation } from '../domain/workers/client-reputation';
import type { ClaimLimits, Lease } from '../adapters/dynamodb/marketplace-store';
import { clientReputationUseCase } from './client-reputation';
import { reviewPolicyOf, reviewPolicySummary } from '../domain/quality/review-policy';
import type { Deps } from './deps';
import { submitWithRisk } from './risk';
import type { Caller } from '../http/auth';
import { decisionLogOf } from '../domain/quality/decision-log';

/** What a worker may see of an assignment: never other workers, never gold answers, never the client's org, never its risk. */
export function assignmentView(a: Assignment) {
  // The decision log carries the history and the appeal, filtered for the worker.
  const { orgId: _org, submissionContext: _ctx, completionTokenHash: _hash, risk: _risk, history: _history, ...rest } = a;
  return rest;
}

/** The task as a worker sees it; an external task adds where its page lives (the token is only ever handed out at claim). */
function taskView(project: Project, client?: ClientReputation) {
  const spec = project.answerSpec;
  return {
    title: project.title,
    // At claim, what the platform measured about the client (the feed shows the same before).
    ...(client ? { client } : {}),
    instructions: project.instructions,
    // Every stage the answer may go through, before the worker accepts.
    reviewPolicy: reviewPolicySummary(reviewPolicyOf(project)),
    answerSpec: spec,
    ...(spec.type === 'external' ? { external: { frameOrigin: frameOrigin(spec) } } : {}),
  };
}

export async function claimAssignmentUseCase(deps: Deps, workerId: string, projectId: string) {
  const project = await deps.marketplace.getProject(projectId);
  if (!project) throw notFound('project', projectId);
  return claimFromProject(deps, workerId, project);
}

/** How many projects one claim across projects tries, at most, and how many feed pages it reads for them. */
export const PROJECTS_TRIED_PER_CLAIM = 10;
const FEED_PAGES_PER_CLAIM = 3;
/** Refusals that hold in every project: trying the next one would be refused alike. */
const WORKER_WIDE_REFUSALS = new Set(['claim_limit_reached']);

/**
 * Claims the next microtask from the best project the worker may work on: the task feed's
 * projects in its order (priority, then fit), each tried as the per-project claim would (same
 * eligibility, caps, quotas, deadline and lease), the first that has work for this worker winning.
 * Bounded: at most PROJECTS_TRIED_PER_CLAIM projects from FEED_PAGES_PER_CLAIM feed pages.
 */
export async function claimNextAssignmentUseCase(deps: Deps, workerId: string) {
  let tried = 0;
  let cursor: string | undefined;
  for (let page = 0; page < FEED_PAGES_PER_CLAIM && tried < PROJECTS_TRIED_PER_CLAIM; page++) {
    const { eligible, nextCursor } = await eligibleProjects(deps, workerId, PROJECTS_TRIED_PER_CLAIM, cursor);
    for (const { project } of eligible.slice(0, PROJECTS_TRIED_PER_CLAIM - tried)) {
      tried++;
      try {
        return await claimFromProject(deps, workerId, project);
      } catch (e) {
        // Done, full, capped or closed meanwhile for this worker: the next project may still have work.
        if (!(e instanceof DomainError) || WORKER_WIDE_REFUSALS.has(e.code)) throw e;
      }
    }
    if (!nextCursor) break;
    cursor = nextCursor;
  }
  throw conflict('no_work_available', 'No open microtask is left for you in the projects you may work on; look again later', { projectsTried: tried });
}

async function claimFromProject(deps: Deps, workerId: string, project: Project) {
  const { projectId } = project;
  if (project.status !== 'published') throw conflict('project_not_open', `The project is ${project.status}; it takes no claims`, { status: project.status });
  const now = deps.now();
  // Between the deadline and the sweep that expires the project, it already takes no claims.
  if (project.deadline && project.deadline <= now) throw conflict('project_not_open', 'The project has passed its deadline', { status: 'expired', deadline: project.deadline });
  // Eligibility first: a bounded number of reads by key, whatever the project's size.
  const [facts, client] = await Promise.all([workerFacts(deps, workerId, project), clientReputationUseCase(deps, project.orgId)]);
  assertEligible(project, facts, now);
  const segmentOf = quotaSegments(project, facts);
  const spec = project.answerSpec;
  const completion = spec.type === 'external' ? issueCompletionToken() : undefined;
  const { assignment, microtask, filledSegments } = await deps.marketplace.claimNext(
    project,
    workerId,
    (m) => ({
      assignmentId: deps.newId('asg'),
      microtaskId: m.microtaskId,
      projectId,
      orgId: project.orgId,
      workerId,
      status: 'claimed',
      rewardMinor: project.rewardMinor,
      currency: project.currency,
      claimedAt: now,
      leaseExpiresAt: leaseEndWithin(project, leaseEnd(now, project.assignmentDurationSeconds)),
      ...(completion ? { completionTokenHash: completion.hash } : {}),
    }),
    { maxActiveClaims: deps.settings.maxActiveClaimsPerWorker, segmentOf, perWorkerCap: project.maxAssignmentsPerWorker },
  );
  if (!assignment || !microtask) {
    if (filledSegments.length) throw conflict('segment_quota_filled', 'The quota of your segment in this project is filled', { segments: filledSegments });
    throw conflict('no_work_available', 'No open microtask is left for you in this project');
  }
  const task = taskView(project, client);
  return {
    assignment: assignmentView(assignment),
    microtask: workerView(microtask),
    task:
      spec.type === 'external' && completion
        ? { ...task, external: { ...task.external, frameUrl: frameUrl(spec, assignment.assignmentId, completion.token), completionToken: completion.token, expiresAt: assignment.leaseExpiresAt } }
        : task,
  };
}

/**
 * The quota segment of each candidate microtask for this worker. A worker with no (consented)
 * value for a worker dimension cannot be counted, so is refused before any claim is tried.
 */
function quotaSegments(project: Project, facts: WorkerFacts): ClaimLimits['segmentOf'] {
  const q = project.quota;
  if (!q) return undefined;
  const workerOnly = { ...q, dimensions: q.dimensions.filter((d) => !isInputDimension(d)) };
  if (workerOnly.dimensions.length) {
    const probe = segmentOf(workerOnly, facts.profile);
    if ('missing' in probe) {
      throw forbidden('quota_segment_unknown', `This project fills quotas by ${probe.missing}: add it to your profile${probe.missing === 'gender' || probe.missing === 'birthDecade' ? ' and consent to its use' : ''}`, { dimension: probe.missing });
    }
  }
  if (!dependsOnInput(q)) {
    const s = segmentOf(q, facts.profile);
    if ('missing' in s || s.limit === 0) throw forbidden('quota_segment_not_wanted', 'This project wants no more results from your segment', {});
  }
  return (m) => {
    const s = segmentOf(q, facts.profile, m.input);
    return 'missing' in s || s.limit === 0 ? null : s;
  };
}

/**
 * One assignment with every decision about it and its appeal: for its worker (with the task as
 * they did it), or for the client of its project (with the worker's id and answer, as the results
 * show them). Anyone else gets a 404, as for an assignment that does not exist.
 */
export async function getAssignmentUseCase(deps: Deps, caller: Caller, assignmentId: string) {
  const a = await deps.marketplace.getAssignment(assignmentId);
  if (a && caller.groups.includes('workers') && a.workerId === caller.userId) {
    const [microtask, project] = await Promise.all([deps.marketplace.getMicrotask(a.microtaskId), deps.marketplace.getProject(a.projectId)]);
    return {
      assignment: assignmentView(a),
      microtask: microtask ? workerView(microtask) : undefined,
      task: project ? taskView(project) : undefined,
      decisionLog: decisionLogOf(a, 'worker'),
    };
  }
  if (a && caller.groups.includes('clients') && a.orgId === caller.orgId) {
    const { submissionContext: _ctx, completionTokenHash: _hash, history: _history, appeal: _appeal, ...rest } = a;
    return { assignment: rest, decisionLog: decisionLogOf(a, 'client') };
  }
  throw notFound('assignment', assignmentId);
}

export async function submitAnswerUseCase(
  deps: Deps,
  workerId: string,
  assignmentId: string,
  body: { answer: Record<string, unknown>; timeSpentMs?: number; location?: { lat: number; lon: number; accuracyMetres?: number } },
  ctx: { sourceIp?: string; userAgent?: string },
) {
  const a = await deps.marketplace.getAssignment(assignmentId, true);
  if (!a) throw notFound('assignment', assignmentId);
  assertOwnedBy(a, workerId);
  const project = await deps.marketplace.getProject(a.projectId);
  if (!project) throw notFound('project', a.projectId);
  if (project.answerSpec.type === 'external') {
    throw validationError("An external task's answer comes from the task page with its completion token", [{ path: 'body.answer', message: 'post it to /assignments/{assignmentId}/external-answer' }], 'external_answer_required');
  }
  // Only types that check an answer against the microtask (boxes inside the image) pay for its read.
  const input = answerReadsInput(project.answerSpec) ? (await deps.marketplace.getMicrotask(a.microtaskId))?.input : undefined;
  const answer = validateAnswer(project.answerSpec, body.answer, input);
  if (a.status !== 'claimed' && a.answer && JSON.stringify(a.answer) === JSON.stringify(answer)) {
    // A retry of a submit that already committed: answer the same and make sure review hears of it.
    if (a.status === 'submitted') await deps.submissions().announce({ microtaskId: a.microtaskId, assignmentId });
    return { assignment: assignmentView(a) };
  }
  const now = deps.now();
  assertSubmittable(a, now);
  let media: MediaRecord[] = [];
  if (project.answerSpec.type === 'media_collection') {
    media = await deps.media.ofAssignment(a.assignmentId, maxUploadsPerAssignment(project.answerSpec));
    assertMediaSubmittable(project.answerSpec, answer as MediaCollectionAnswer, media, body.location);
  }
  const submitted: Assignment = {
    ...a,
    status: 'submitted',
    answer,
    submittedAt: now,
    submissionContext: {
      timeSpentMs: body.timeSpentMs ?? Date.parse(now) - Date.parse(a.claimedAt),
      ...(ctx.sourceIp ? { sourceIp: ctx.sourceIp } : {}),
      ...(ctx.userAgent ? { userAgent: ctx.userAgent.slice(0, 300) } : {}),
      ...(body.location ? { location: body.location } : {}),
    },
  };
  const committed = await submitWithRisk(deps, project, submitted, media);
  // After the commit. If this send fails the client gets a 5xx and retries; the retry takes the
  // replay branch above and sends again. The consumer is idempotent, so a duplicate is harmless.
  await deps.submissions().announce({ microtaskId: a.microtaskId, assignmentId });
  return { assignment: assignmentView(committed) };
}

export async function listMyAssignmentsUseCase(deps: Deps, workerId: string, limit: number, cursor?: string, status?: Assignment['status']) {
  const page = await deps.marketplace.listAssignmentsByWorker(workerId, limit, cursor, status);
  return { items: page.items.map(assignmentView), nextCursor: page.nextCursor };
}

// ------------------------------------------------------------------ leases

/**
 * Ends a claim that will not be submitted and gives its slot back: reopened for other workers, or,
 * when the project was cancelled or expired meanwhile, released with its escrow. Either way the microtask's
 * other answers are not left waiting for it.
 */
async function endClaim(deps: Deps, lease: Lease, status: 'expired' | 'returned', project: Project) {
  const now = deps.now();
  const cancelled = isWindingDown(project.status);
  const ended = await deps.marketplace.endClaim(
    lease,
    { status, now },
    cancelled
      ? { reopen: false, escrowBack: Entries.releaseEscrow(project.orgId, costPerAssignment(project).totalMinor, { entryId: `end:${lease.assignmentId}`, currency: project.currency, createdAt: now, refs: { assignmentId: lease.assignmentId } }) }
      : { reopen: true },
  );
  if (ended && cancelled) {
    const m = await deps.marketplace.getMicrotask(lease.microtaskId, true);
    if (m) await afterSlotsReleased(deps, m);
  }
  return ended;
}

/** A worker gives a claimed task back before the lease ends, so someone else can do it. */
export async function returnAssignmentUseCase(deps: Deps, workerId: string, assignmentId: string) {
  const a = await deps.marketplace.getAssignment(assignmentId, true);
  if (!a || a.workerId !== workerId) throw notFound('assignment', assignmentId);
  if (a.status !== 'claimed') throw conflict('assignment_not_open', `The assignment is ${a.status}; only a claimed assignment can be returned`, { status: a.status });
  const project = await deps.marketplace.getProject(a.projectId);
  if (!project) throw notFound('project', a.projectId);
  if (!(await endClaim(deps, a, 'returned', project))) throw conflict('assignment_not_open', 'The assignment changed meanwhile (submitted or expired)');
  return { assignment: assignmentView({ ...a, status: 'returned' }) };
}

const LEASES_PER_SHARD_PER_SWEEP = 100;

/**
 * The scheduled sweep: every claim whose lease has ended gives its slot back. Bounded per run
 * (shards × page); what is left is swept by the next run, minutes later.
 */
export async function sweepExpiredLeasesUseCase(deps: Deps) {
  const now = deps.now();
  const projects = new Map<string, Project | undefined>();
  let expired = 0;
  let skipped = 0;
  for (let shard = 0; shard < LEASE_SHARDS; shard++) {
    for (const lease of await deps.marketplace.expiredLeases(shard, now, LEASES_PER_SHARD_PER_SWEEP)) {
      if (!projects.has(lease.projectId)) projects.set(lease.projectId, await deps.marketplace.getProject(lease.projectId, true));
      const project = projects.get(lease.projectId);
      if (project && (await endClaim(deps, lease, 'expired', project))) expired++;
      else skipped++;
    }
  }
  return { expired, skipped, sweptAt: now };
}
