import { conflict, isDomainError, notFound, validationError } from '../domain/errors';
import { validateAnswer } from '../domain/marketplace/answer-spec';
import type { Assignment } from '../domain/marketplace/assignment';
import { assertCompletionTokenUsable } from '../domain/marketplace/task-types/external';
import type { Deps } from './deps';
import { submitWithRisk } from './risk';

/**
 * The client's task page posts the answer of an external task with the assignment's completion
 * token. No user token: the completion token is the credential, good for this assignment, once,
 * until the lease ends. It is never logged and never stored, only its hash.
 */
export async function submitExternalAnswerUseCase(
  deps: Deps,
  assignmentId: string,
  body: { completionToken: string; answer: Record<string, unknown> },
  ctx: { sourceIp?: string; userAgent?: string },
) {
  const a = await deps.marketplace.getAssignment(assignmentId, true);
  if (!a || !a.completionTokenHash) throw notFound('assignment', assignmentId);
  const now = deps.now();
  try {
    assertCompletionTokenUsable(a, body.completionToken, now);
  } catch (e) {
    // A retry after a lost response: the answer is in, so make sure review hears of it, then say the token is spent.
    if (isDomainError(e) && e.code === 'completion_token_used' && a.status === 'submitted') await deps.submissions().announce({ microtaskId: a.microtaskId, assignmentId });
    throw e;
  }
  const project = await deps.marketplace.getProject(a.projectId);
  if (!project) throw notFound('project', a.projectId);
  if (project.answerSpec.type !== 'external') throw validationError('This assignment is not an external task', [{ path: 'path.assignmentId', message: 'not an external task' }]);
  const answer = validateAnswer(project.answerSpec, body.answer);
  const submitted: Assignment = {
    ...a,
    status: 'submitted',
    answer,
    submittedAt: now,
    submissionContext: {
      timeSpentMs: Date.parse(now) - Date.parse(a.claimedAt),
      via: 'external_page',
      ...(ctx.sourceIp ? { sourceIp: ctx.sourceIp } : {}),
      ...(ctx.userAgent ? { userAgent: ctx.userAgent.slice(0, 300) } : {}),
    },
  };
  try {
    // The conditional claimed → submitted write is what makes the token single-use under concurrency.
    await submitWithRisk(deps, project, submitted);
  } catch (e) {
    if (isDomainError(e) && e.code === 'assignment_not_open') throw conflict('completion_token_used', 'This completion token was already used, or the lease ended meanwhile');
    throw e;
  }
  await deps.submissions().announce({ microtaskId: a.microtaskId, assignmentId });
  return { assignmentId, status: 'submitted' as const, submittedAt: now };
}
