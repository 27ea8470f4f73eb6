import type { Caller } from '../http/auth';
import { conflict, forbidden, notFound, precondition } from '../domain/errors';
import {
  assertAssessmentConsistent,
  assertTrainingConsistent,
  assertCanStartAttempt,
  assertWithinTimeLimit,
  attemptWindow,
  expiryFor,
  grade,
  gradedView,
  isActive,
  PLATFORM_OWNER,
  publicTypeView,
  trainingFeedback,
  type Assessment,
  type Attempt,
  type Qualification,
  type QualificationType,
  type TrainingItem,
} from '../domain/workers/qualifications';
import type { Deps } from './deps';

const isAdmin = (c: Caller) => c.groups.includes('admins');

/** Admins manage the platform's types; a client manages its organisation's. */
function mayManage(caller: Caller, t: QualificationType): boolean {
  return t.ownerId === PLATFORM_OWNER ? isAdmin(caller) : caller.groups.includes('clients') && t.ownerId === caller.orgId;
}

export async function createQualificationTypeUseCase(
  deps: Deps,
  caller: Caller,
  input: { name: string; description: string; platform: boolean; assessment?: Assessment; training?: TrainingItem[]; scoreValidityDays?: number },
) {
  if (input.platform && !isAdmin(caller)) throw forbidden('admins_only', 'Only admins create platform-wide qualification types');
  if (!input.platform && !caller.groups.includes('clients')) throw forbidden('clients_only', 'Set platform: true to create a platform-wide type');
  if (input.assessment) assertAssessmentConsistent(input.assessment);
  if (input.training) assertTrainingConsistent(input.training, input.assessment);
  const t: QualificationType = {
    qualificationTypeId: deps.newId('qt'),
    ownerId: input.platform ? PLATFORM_OWNER : caller.orgId,
    name: input.name,
    description: input.description,
    ...(input.assessment ? { assessment: input.assessment } : {}),
    ...(input.training ? { training: input.training } : {}),
    ...(input.scoreValidityDays ? { scoreValidityDays: input.scoreValidityDays } : {}),
    createdAt: deps.now(),
  };
  await deps.workers.createQualificationType(t);
  return t;
}

async function typeOrThrow(deps: Deps, typeId: string): Promise<QualificationType> {
  const t = await deps.workers.getQualificationType(typeId);
  if (!t) throw notFound('qualification_type', typeId);
  return t;
}

/** The owner sees the whole type (with its answer key); anyone else its public part. */
export async function getQualificationTypeUseCase(deps: Deps, caller: Caller, typeId: string) {
  const t = await typeOrThrow(deps, typeId);
  return mayManage(caller, t) ? t : publicTypeView(t);
}

async function managedType(deps: Deps, caller: Caller, typeId: string) {
  const t = await typeOrThrow(deps, typeId);
  if (!mayManage(caller, t)) throw notFound('qualification_type', typeId);
  return t;
}

/** Manual grant or update of a worker's score, by the type's owner. */
export async function grantQualificationUseCase(deps: Deps, caller: Caller, typeId: string, workerId: string, input: { score: number; expiresAt?: string }) {
  const t = await managedType(deps, caller, typeId);
  const now = deps.now();
  const expiresAt = expiryFor(t, now, input.expiresAt);
  const q: Qualification = { workerId, qualificationTypeId: typeId, score: input.score, source: 'manual', grantedAt: now, ...(expiresAt ? { expiresAt } : {}) };
  await deps.workers.putQualification(q);
  return q;
}

export async function revokeQualificationUseCase(deps: Deps, caller: Caller, typeId: string, workerId: string) {
  await managedType(deps, caller, typeId);
  if (!(await deps.workers.deleteQualification(workerId, typeId))) throw notFound('qualification', `${typeId} of worker ${workerId}`);
  return { revoked: true, qualificationTypeId: typeId, workerId };
}

function assessmentOf(t: QualificationType): Assessment {
  if (!t.assessment) throw conflict('no_assessment', 'This qualification type has no test; its owner grants it');
  return t.assessment;
}

/** Opens an attempt and hands out the questions, never the answer key. */
export async function startAttemptUseCase(deps: Deps, workerId: string, typeId: string) {
  const t = await typeOrThrow(deps, typeId);
  const a = assessmentOf(t);
  const now = deps.now();
  const state = await deps.workers.getAttemptState(workerId, typeId);
  assertCanStartAttempt(state, a, now);
  const { deadline, retakeAfter } = attemptWindow(a, now);
  const attempt: Attempt = { attemptId: deps.newId('att'), workerId, qualificationTypeId: typeId, startedAt: now, deadline };
  // An abandoned attempt counts as taken at its deadline: its cooldown runs from there.
  const provisionalRetakeAfter = new Date(Date.parse(retakeAfter) + a.timeLimitSeconds * 1000).toISOString();
  if (!(await deps.workers.startAttempt(attempt, { maxAttempts: a.maxAttempts, provisionalRetakeAfter }, now))) {
    // Another request changed the state in between: say why from what it wrote.
    assertCanStartAttempt(await deps.workers.getAttemptState(workerId, typeId), a, now);
    throw conflict('attempt_conflict', 'Another attempt started at the same time');
  }
  return {
    attempt: { attemptId: attempt.attemptId, qualificationTypeId: typeId, startedAt: now, deadline, attemptNumber: (state?.attemptsUsed ?? 0) + 1, maxAttempts: a.maxAttempts },
    questions: a.questions.map((q) => ({ questionId: q.questionId, text: q.text, options: q.options })),
  };
}

/** A training answer: feedback at once, stored nowhere, so it can count for neither pay nor score. */
export async function answerTrainingItemUseCase(deps: Deps, typeId: string, input: { itemId: string; answer: string }) {
  const t = await typeOrThrow(deps, typeId);
  return { qualificationTypeId: typeId, ...trainingFeedback(t.training, input.itemId, input.answer) };
}

/** Grades an attempt; a pass grants (or refreshes) the qualification with the score. */
export async function submitAttemptUseCase(deps: Deps, workerId: string, typeId: string, attemptId: string, answers: Record<string, string>) {
  const t = await typeOrThrow(deps, typeId);
  const a = assessmentOf(t);
  const attempt = await deps.workers.getAttempt(workerId, typeId, attemptId);
  if (!attempt) throw notFound('attempt', attemptId);
  const now = deps.now();
  assertWithinTimeLimit(attempt, now);
  const g = grade(a, answers);
  const graded: Attempt = { ...attempt, submittedAt: now, answers, score: g.score, passed: g.passed, wrongQuestionIds: g.wrongQuestionIds };
  const { retakeAfter } = attemptWindow(a, now);
  const expiresAt = expiryFor(t, now);
  const grant: Qualification | undefined = g.passed ? { workerId, qualificationTypeId: typeId, score: g.score, source: 'assessment', grantedAt: now, ...(expiresAt ? { expiresAt } : {}) } : undefined;
  if (!(await deps.workers.finishAttempt(graded, retakeAfter, grant))) throw conflict('attempt_already_submitted', 'This attempt was already graded or is no longer open');
  const state = await deps.workers.getAttemptState(workerId, typeId);
  const attemptsLeft = Math.max(0, a.maxAttempts - (state?.attemptsUsed ?? 0));
  return { ...gradedView(graded, a), correct: g.correct, total: g.total, attemptsLeft, ...(g.passed ? {} : attemptsLeft > 0 ? { retakeAfter } : {}) };
}

/** The worker's qualifications, expired ones included (marked inactive). */
export async function myQualificationsUseCase(deps: Deps, workerId: string) {
  const now = deps.now();
  const quals = await deps.workers.listQualifications(workerId);
  return { items: quals.map((q) => ({ ...q, active: isActive(q, now) })) };
}

/** A type's requirements name only types the client may use: its own or the platform's. */
export async function assertUsableTypes(deps: Deps, orgId: string, typeIds: string[], path = 'body.requirements.qualifications') {
  if (typeIds.length === 0) return;
  const found = new Map((await deps.workers.getQualificationTypes(typeIds)).map((t) => [t.qualificationTypeId, t]));
  const bad = typeIds.filter((id) => {
    const t = found.get(id);
    return !t || (t.ownerId !== orgId && t.ownerId !== PLATFORM_OWNER);
  });
  if (bad.length) {
    throw precondition('unknown_qualification_type', `Unknown qualification type(s): ${bad.join(', ')}`, {
      issues: bad.map((id) => ({ path, message: `${id} does not exist or is not yours` })),
    });
  }
}
