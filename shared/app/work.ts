import { conflict, notFound } from '../domain/errors';
import { answerLabel, validateAnswer } from '../domain/marketplace/answer-spec';
import { assertOwnedBy, assertSubmittable, leaseEnd, type Assignment } from '../domain/marketplace/assignment';
import { workerView } from '../domain/marketplace/microtask';
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
  }));
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

export async function listMyAssignmentsUseCase(deps: Deps, workerId: string, limit: number, cursor?: string) {
  const page = await deps.marketplace.listAssignmentsByWorker(workerId, limit, cursor);
  return { items: page.items.map(assignmentView), nextCursor: page.nextCursor };
}
