import { conflict, forbidden, notFound, validationError } from '../domain/errors';
import { answerReadsInput, validateAnswer } from '../domain/marketplace/answer-spec';
import { assertOwnedBy, assertRevisable } from '../domain/marketplace/assignment';
import { assertVerdicts, type ClientAcceptance, type HumanReviewResult, type ReviewerVerdict, type ReviewTask } from '../domain/quality/human-review';
import type { Deps } from './deps';
import { ownedProject } from './projects';
import { reviewerEligibility } from './reviewers';
import { assignmentView } from './work';

/** How long a reviewer's download link to an answer's media lives. */
const MEDIA_LINK_SECONDS = 900;

function reviewTaskView(t: ReviewTask) {
  return { reviewTaskId: t.reviewTaskId, projectId: t.projectId, microtaskId: t.microtaskId, kind: t.kind, round: t.round, status: t.status, expiresAt: t.expiresAt, maxRevisions: t.maxRevisions, policyVersion: t.policyVersion };
}

/**
 * POST /projects/{projectId}/review-tasks: a reviewer of the project's pool claims its oldest open
 * review task (none of their own answers in it) and gets what they judge: the task as workers saw
 * it, the microtask's input, each answer by assignment id with its media and any revision the
 * worker made. Never who answered.
 */
export async function claimReviewTaskUseCase(deps: Deps, reviewerId: string, projectId: string) {
  const project = await deps.marketplace.getProject(projectId);
  if (!project) throw notFound('project', projectId);
  const eligibility = await reviewerEligibility(deps, reviewerId, project);
  if (!eligibility.eligible) throw forbidden('not_a_reviewer', "You are not in this project's reviewer pool", { reason: eligibility.reason });
  const now = deps.now();
  const task = await deps.reviews.claimReviewTask(projectId, reviewerId, now);
  if (!task) throw conflict('no_review_task', 'No review task of this project is waiting for you');
  const [microtask, assignments] = await Promise.all([deps.marketplace.getMicrotask(task.microtaskId), Promise.all(task.assignmentIds.map((id) => deps.marketplace.getAssignment(id, true)))]);
  const answers = await Promise.all(
    assignments.flatMap((a) => (a ? [a] : [])).map(async (a) => {
      const media = project.answerSpec.type === 'media_collection' ? await answerMedia(deps, a.assignmentId) : [];
      return {
        assignmentId: a.assignmentId,
        answer: a.answer ?? null,
        ...(a.previousAnswers?.length ? { previousAnswers: a.previousAnswers } : {}),
        ...(a.revision ? { revision: a.revision } : {}),
        ...(media.length ? { media } : {}),
      };
    }),
  );
  return {
    reviewTask: reviewTaskView(task),
    task: { title: project.title, instructions: project.instructions, answerSpec: project.answerSpec },
    microtask: { microtaskId: task.microtaskId, input: microtask?.input ?? {} },
    answers,
  };
}

/** The confirmed files of an answer with short-lived links; the worker's EXIF and location stay out. */
async function answerMedia(deps: Deps, assignmentId: string) {
  const records = await deps.media.ofAssignment(assignmentId, 50);
  const expiresAt = new Date(Date.parse(deps.now()) + MEDIA_LINK_SECONDS * 1000).toISOString();
  return Promise.all(
    records
      .filter((m) => m.status === 'confirmed' && m.facts)
      .map(async (m) => ({ mediaId: m.mediaId, mimeType: m.facts!.mimeType, download: { url: await deps.mediaStorage().presignDownload(m.key, m.facts!.mimeType, m.mediaId), expiresAt } })),
  );
}

/**
 * POST /review-tasks/{reviewTaskId}/decision: the reviewer who claimed the task decides each
 * answer. The decision is recorded first (once), then resumes the workflow; if the workflow had
 * already stopped waiting (the task timed out) the task is marked expired and the reviewer told so.
 */
export async function decideReviewTaskUseCase(deps: Deps, reviewerId: string, reviewTaskId: string, verdicts: ReviewerVerdict[]) {
  const task = await deps.reviews.getReviewTask(reviewTaskId, true);
  if (!task || task.reviewerId !== reviewerId) throw notFound('review_task', reviewTaskId);
  const now = deps.now();
  const replay = task.status === 'decided' && sameVerdicts(task.verdicts ?? [], verdicts);
  if (!replay) {
    if (task.status !== 'claimed') throw conflict('review_task_not_open', `The review task is ${task.status}`, { status: task.status });
    assertVerdicts(task, verdicts, task.maxRevisions);
    await deps.reviews.decideReviewTask(task, reviewerId, verdicts, now);
  }
  const result: HumanReviewResult = { kind: task.kind, outcome: 'decided', reviewTaskId, verdicts };
  if (!(await deps.taskTokens().succeed(task.taskToken, result))) {
    await deps.reviews.expireReviewTask(reviewTaskId, ['decided']);
    throw conflict('review_task_expired', 'The review task expired before your decision arrived; consensus stands or another reviewer has it');
  }
  return { reviewTask: reviewTaskView({ ...task, status: 'decided', verdicts, decidedAt: task.decidedAt ?? now }), verdicts };
}

/** Stored maps come back with their keys in any order: compare what the verdicts say. */
function sameVerdicts(a: readonly ReviewerVerdict[], b: readonly ReviewerVerdict[]): boolean {
  const key = (v: ReviewerVerdict) => JSON.stringify([v.assignmentId, v.verdict, v.tags, v.comment ?? null]);
  return a.length === b.length && a.every((v, i) => key(v) === key(b[i]!));
}

/**
 * POST /assignments/{assignmentId}/revision: the worker sends the revised answer a reviewer asked
 * for, checked like a first submission. The last revision of the round resumes the review.
 */
export async function reviseAnswerUseCase(deps: Deps, workerId: string, assignmentId: string, body: { answer: Record<string, unknown>; timeSpentMs?: number }) {
  const a = await deps.marketplace.getAssignment(assignmentId, true);
  if (!a) throw notFound('assignment', assignmentId);
  assertOwnedBy(a, workerId);
  const project = await deps.marketplace.getProject(a.projectId);
  if (!project) throw notFound('project', a.projectId);
  const input = answerReadsInput(project.answerSpec) ? (await deps.marketplace.getMicrotask(a.microtaskId))?.input : undefined;
  const answer = validateAnswer(project.answerSpec, body.answer, input);
  const now = deps.now();
  if (a.status === 'submitted' && a.revision?.revisedAt && JSON.stringify(a.answer) === JSON.stringify(answer)) return { assignment: assignmentView(a) };
  assertRevisable(a, now);
  const round = await deps.reviews.submitRevision(a, answer, body.timeSpentMs ?? 0, now);
  if (round && round.pending.length === 0 && (await deps.reviews.markRevisionResumed(a.microtaskId, round.round, now))) {
    await deps.taskTokens().succeed(round.taskToken, { revised: true, round: round.round });
  }
  return { assignment: assignmentView((await deps.marketplace.getAssignment(assignmentId, true))!) };
}

/**
 * POST /projects/{projectId}/microtasks/{microtaskId}/acceptance: the client accepts the decided
 * answers, or rejects approved ones with a reason and evidence, within the policy's window.
 */
export async function decideAcceptanceUseCase(
  deps: Deps,
  orgId: string,
  projectId: string,
  microtaskId: string,
  body: { decision: 'accept' | 'reject'; reason?: string; evidence?: Record<string, unknown>; assignmentIds?: string[] },
) {
  await ownedProject(deps, orgId, projectId);
  const window = await deps.reviews.getAcceptance(microtaskId, true);
  if (!window || window.projectId !== projectId) throw notFound('acceptance', microtaskId);
  const unknown = (body.assignmentIds ?? []).filter((id) => !window.assignmentIds.includes(id));
  if (unknown.length) throw validationError('Only approved answers of this microtask can be rejected', unknown.map((id) => ({ path: 'body.assignmentIds', message: `${id} is not an approved answer of this microtask` })));
  const now = deps.now();
  const decision: ClientAcceptance = {
    decision: body.decision === 'accept' ? 'accepted' : 'rejected',
    ...(body.reason ? { reason: body.reason } : {}),
    ...(body.evidence ? { evidence: body.evidence } : {}),
    ...(body.assignmentIds ? { assignmentIds: body.assignmentIds } : {}),
    decidedAt: now,
  };
  await deps.reviews.decideAcceptance(window, decision, now);
  if (!(await deps.taskTokens().succeed(window.taskToken, decision))) throw conflict('acceptance_closed', 'The acceptance window ended before your decision arrived; the answers were accepted');
  return { microtaskId, acceptance: decision };
}
