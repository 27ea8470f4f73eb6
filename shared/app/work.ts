import { conflict, notFound } from '../domain/errors';
import { answerLabel, validateAnswer } from '../domain/marketplace/answer-spec';
import { assertOwnedBy, assertSubmittable, leaseEnd, type Assignment } from '../domain/marketplace/assignment';
import { workerView } from '../domain/marketplace/microtask';
import { costPerAssignment, type Project } from '../domain/marketplace/project';
import { Entries } from '../domain/ledger/ledger';
import { LEASE_SHARDS } from '../adapters/dynamodb/table-design';
import { afterSlotsReleased } from './review';
import type { Deps } from './deps';

/** What a worker may see of an assignment: never other workers, never gold answers, never the client's org. */
export function assignmentView(a: Assignment) {
  const { orgId: _org, submissionContext: _ctx, ...rest } = a;
  return rest;
}

export async function claimAssignmentUseCase(deps: Deps, workerId: string, projectId: string) {
  const project = await deps.marketplace.getProject(projectId);
  if (!project) throw notFound('project', projectId);
  if (project.status !== 'published') throw conflict('project_not_open', `The project is ${project.status}; it takes no claims`, { status: project.status });
  const now = deps.now();
  const { assignment, microtask } = await deps.marketplace.claimNext(project, workerId, (m) => ({
    assignmentId: deps.newId('asg'),
    microtaskId: m.microtaskId,
    projectId,
    orgId: project.orgId,
    workerId,
    status: 'claimed',
    rewardMinor: project.rewardMinor,
    currency: project.currency,
    claimedAt: now,
    leaseExpiresAt: leaseEnd(now, project.assignmentDurationSeconds),
  }), deps.settings.maxActiveClaimsPerWorker);
  if (!assignment || !microtask) throw conflict('no_work_available', 'No open microtask is left for you in this project');
  return {
    assignment: assignmentView(assignment),
    microtask: workerView(microtask),
    task: { title: project.title, instructions: project.instructions, answerSpec: project.answerSpec },
  };
}

export async function getAssignmentUseCase(deps: Deps, workerId: string, assignmentId: string) {
  const a = await deps.marketplace.getAssignment(assignmentId);
  if (!a || a.workerId !== workerId) throw notFound('assignment', assignmentId);
  const [microtask, project] = await Promise.all([deps.marketplace.getMicrotask(a.microtaskId), deps.marketplace.getProject(a.projectId)]);
  return {
    assignment: assignmentView(a),
    microtask: microtask ? workerView(microtask) : undefined,
    task: project ? { title: project.title, instructions: project.instructions, answerSpec: project.answerSpec } : undefined,
  };
}

export async function submitAnswerUseCase(
  deps: Deps,
  workerId: string,
  assignmentId: string,
  body: { answer: Record<string, unknown>; timeSpentMs?: number },
  ctx: { sourceIp?: string; userAgent?: string },
) {
  const a = await deps.marketplace.getAssignment(assignmentId, true);
  if (!a) throw notFound('assignment', assignmentId);
  assertOwnedBy(a, workerId);
  const project = await deps.marketplace.getProject(a.projectId);
  if (!project) throw notFound('project', a.projectId);
  const answer = validateAnswer(project.answerSpec, body.answer);
  if (a.status !== 'claimed' && a.answer && JSON.stringify(a.answer) === JSON.stringify(answer)) {
    // A retry of a submit that already committed: answer the same and make sure review hears of it.
    if (a.status === 'submitted') await deps.submissions().announce({ microtaskId: a.microtaskId, assignmentId });
    return { assignment: assignmentView(a), label: answerLabel(project.answerSpec, answer) };
  }
  const now = deps.now();
  assertSubmittable(a, now);
  const submitted: Assignment = {
    ...a,
    status: 'submitted',
    answer,
    submittedAt: now,
    submissionContext: {
      timeSpentMs: body.timeSpentMs ?? Date.parse(now) - Date.parse(a.claimedAt),
      ...(ctx.sourceIp ? { sourceIp: ctx.sourceIp } : {}),
      ...(ctx.userAgent ? { userAgent: ctx.userAgent.slice(0, 300) } : {}),
    },
  };
  await deps.marketplace.submit(submitted, now);
  // After the commit. If this send fails the client gets a 5xx and retries; the retry takes the
  // replay branch above and sends again. The consumer is idempotent, so a duplicate is harmless.
  await deps.submissions().announce({ microtaskId: a.microtaskId, assignmentId });
  return { assignment: assignmentView(submitted), label: answerLabel(project.answerSpec, answer) };
}

export async function listMyAssignmentsUseCase(deps: Deps, workerId: string, limit: number, cursor?: string, status?: Assignment['status']) {
  const page = await deps.marketplace.listAssignmentsByWorker(workerId, limit, cursor, status);
  return { items: page.items.map(assignmentView), nextCursor: page.nextCursor };
}

// ------------------------------------------------------------------ leases

/**
 * Ends a claim that will not be submitted and gives its slot back: reopened for other workers, or,
 * when the project was cancelled meanwhile, released with its escrow. Either way the microtask's
 * other answers are not left waiting for it.
 */
async function endClaim(deps: Deps, lease: { assignmentId: string; microtaskId: string; projectId: string; workerId: string }, status: 'expired' | 'returned', project: Project) {
  const now = deps.now();
  const cancelled = project.status === 'cancelled';
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
