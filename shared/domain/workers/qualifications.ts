import { conflict, notFound as notFoundError, precondition, validationError } from '../errors';

/** `platform` types are shared skills created by admins; the others belong to one client organisation. */
export const PLATFORM_OWNER = 'platform';

export interface AssessmentQuestion {
  questionId: string;
  text: string;
  options: { value: string; label: string }[];
}

export interface Assessment {
  questions: AssessmentQuestion[];
  /** questionId → the correct option value. Never leaves the server towards a worker. */
  answerKey: Record<string, string>;
  /** Percentage of correct answers needed to pass (0–100). */
  passingScore: number;
  timeLimitSeconds: number;
  retakeCooldownSeconds: number;
  maxAttempts: number;
  /** Whether a graded worker is told which questions they got wrong (never the right answers). */
  revealWrongAnswers: boolean;
}

/**
 * A practice item: the worker answers it and at once learns whether it was right, the right
 * answer and why. Unlike the assessment's key, the answer is told after each try, so training
 * items must never double as assessment questions (checked when the type is created).
 */
export interface TrainingItem {
  itemId: string;
  text: string;
  options: { value: string; label: string }[];
  answer: string;
  explanation: string;
}

export interface QualificationType {
  qualificationTypeId: string;
  /** An organisation id, or PLATFORM_OWNER. */
  ownerId: string;
  name: string;
  description: string;
  assessment?: Assessment;
  training?: TrainingItem[];
  /** How long a granted score stays valid; none: until revoked. */
  scoreValidityDays?: number;
  createdAt: string;
}

/** A worker's score on a qualification type. */
export interface Qualification {
  workerId: string;
  qualificationTypeId: string;
  score: number;
  source: 'assessment' | 'manual';
  grantedAt: string;
  expiresAt?: string;
}

/** Per (worker, type): attempts used, the attempt in progress and when a retake is allowed. Written only conditionally. */
export interface AttemptState {
  attemptsUsed: number;
  openAttemptId?: string;
  openDeadline?: string;
  retakeAfter?: string;
}

export interface Attempt {
  attemptId: string;
  workerId: string;
  qualificationTypeId: string;
  startedAt: string;
  deadline: string;
  submittedAt?: string;
  answers?: Record<string, string>;
  score?: number;
  passed?: boolean;
  wrongQuestionIds?: string[];
}

export function assertAssessmentConsistent(a: Assessment): void {
  const ids = a.questions.map((q) => q.questionId);
  const issues = [];
  if (new Set(ids).size !== ids.length) issues.push({ path: 'body.assessment.questions', message: 'question ids must be unique' });
  for (const q of a.questions) {
    const key = a.answerKey[q.questionId];
    if (key === undefined) issues.push({ path: `body.assessment.answerKey.${q.questionId}`, message: 'every question needs an answer in the key' });
    else if (!q.options.some((o) => o.value === key)) issues.push({ path: `body.assessment.answerKey.${q.questionId}`, message: 'the answer is not one of the options' });
  }
  for (const k of Object.keys(a.answerKey)) if (!ids.includes(k)) issues.push({ path: `body.assessment.answerKey.${k}`, message: 'no such question' });
  if (issues.length) throw validationError(`Invalid assessment: ${issues[0]!.path}: ${issues[0]!.message}`, issues);
}

/** Item ids are unique, every answer is an option, and no item repeats an assessment question (its answer would leak the key). */
export function assertTrainingConsistent(items: TrainingItem[], assessment?: Assessment): void {
  const issues = [];
  const ids = items.map((i) => i.itemId);
  if (new Set(ids).size !== ids.length) issues.push({ path: 'body.training', message: 'item ids must be unique' });
  items.forEach((item, n) => {
    if (!item.options.some((o) => o.value === item.answer)) issues.push({ path: `body.training.${n}.answer`, message: 'the answer is not one of the options' });
    if (assessment?.questions.some((q) => q.text.trim().toLowerCase() === item.text.trim().toLowerCase())) issues.push({ path: `body.training.${n}.text`, message: 'a training item may not repeat an assessment question' });
  });
  if (issues.length) throw validationError(`Invalid training: ${issues[0]!.path}: ${issues[0]!.message}`, issues);
}

/** Whether a training answer was right, with the right answer and the explanation: feedback only, nothing is recorded. */
export function trainingFeedback(items: TrainingItem[] | undefined, itemId: string, answer: string) {
  const item = items?.find((i) => i.itemId === itemId);
  if (!item) throw notFoundError('training_item', itemId);
  if (!item.options.some((o) => o.value === answer)) {
    throw validationError(`"${answer}" is not an option of this item`, [{ path: 'body.answer', message: 'not an option' }]);
  }
  return { itemId, correct: item.answer === answer, yourAnswer: answer, answer: item.answer, explanation: item.explanation, countsForScore: false };
}

/** What a worker may see of a type: never the answer key, never which client owns it. */
export function publicTypeView(t: QualificationType) {
  const { assessment, ownerId, training, ...rest } = t;
  // Training items without their answers and explanations: those come back once answered.
  const view = { ...rest, platformWide: ownerId === PLATFORM_OWNER, training: (training ?? []).map(({ itemId, text, options }) => ({ itemId, text, options })) };
  if (!assessment) return { ...view, assessment: null };
  const { answerKey: _key, questions, ...rules } = assessment;
  return { ...view, assessment: { ...rules, questionCount: questions.length } };
}

const plusSeconds = (iso: string, s: number) => new Date(Date.parse(iso) + s * 1000).toISOString();

/**
 * Whether a new attempt may start now, given the state the store holds. The store repeats these
 * same rules as the condition of its write, so two concurrent starts cannot both pass.
 */
export function assertCanStartAttempt(state: AttemptState | undefined, a: Assessment, now: string): void {
  const used = state?.attemptsUsed ?? 0;
  if (state?.openAttemptId && state.openDeadline && state.openDeadline >= now) {
    throw conflict('attempt_in_progress', 'An attempt is already in progress; submit it or wait for its time limit', { attemptId: state.openAttemptId, deadline: state.openDeadline });
  }
  if (used >= a.maxAttempts) throw conflict('max_attempts_reached', `All ${a.maxAttempts} attempts are used`, { maxAttempts: a.maxAttempts });
  if (state?.retakeAfter && state.retakeAfter > now) {
    throw conflict('retake_cooldown', `A retake is possible from ${state.retakeAfter}`, { retakeAfter: state.retakeAfter });
  }
}

export function attemptWindow(a: Assessment, now: string) {
  return { deadline: plusSeconds(now, a.timeLimitSeconds), retakeAfter: plusSeconds(now, a.retakeCooldownSeconds) };
}

export interface Grade {
  score: number;
  passed: boolean;
  correct: number;
  total: number;
  wrongQuestionIds: string[];
}

/** Percentage of questions answered as the key says, rounded down; an unanswered question is wrong. */
export function grade(a: Assessment, answers: Record<string, string>): Grade {
  const unknown = Object.keys(answers).filter((k) => !a.questions.some((q) => q.questionId === k));
  if (unknown.length) throw validationError(`Unknown question(s): ${unknown.join(', ')}`, unknown.map((k) => ({ path: `body.answers.${k}`, message: 'no such question' })));
  const wrong = a.questions.filter((q) => answers[q.questionId] !== a.answerKey[q.questionId]).map((q) => q.questionId);
  const total = a.questions.length;
  const correct = total - wrong.length;
  const score = Math.floor((correct * 100) / total);
  return { score, passed: score >= a.passingScore, correct, total, wrongQuestionIds: wrong };
}

/** A submission must come within the time limit (a few seconds of grace for the network). */
export function assertWithinTimeLimit(attempt: Attempt, now: string): void {
  if (attempt.submittedAt) throw conflict('attempt_already_submitted', 'This attempt was already graded', { attemptId: attempt.attemptId });
  if (Date.parse(now) > Date.parse(attempt.deadline) + 5_000) throw precondition('attempt_time_limit_exceeded', 'The time limit of this attempt is over', { deadline: attempt.deadline });
}

export function expiryFor(t: Pick<QualificationType, 'scoreValidityDays'>, grantedAt: string, explicit?: string): string | undefined {
  if (explicit) return explicit;
  return t.scoreValidityDays ? plusSeconds(grantedAt, t.scoreValidityDays * 86_400) : undefined;
}

/** A qualification counts only while it has not expired. */
export function isActive(q: Qualification | undefined, now: string): q is Qualification {
  return !!q && (!q.expiresAt || q.expiresAt > now);
}

/** What the worker sees of a graded attempt: wrong questions only when the type reveals them, never the key. */
export function gradedView(attempt: Attempt, a: Assessment) {
  return {
    attemptId: attempt.attemptId,
    qualificationTypeId: attempt.qualificationTypeId,
    startedAt: attempt.startedAt,
    submittedAt: attempt.submittedAt,
    score: attempt.score,
    passed: attempt.passed,
    passingScore: a.passingScore,
    ...(a.revealWrongAnswers ? { wrongQuestionIds: attempt.wrongQuestionIds ?? [] } : {}),
  };
}

/**
 * The lowest passing score (percentage, as `Assessment.passingScore`) that a worker clicking at
 * random reaches with probability at most `significance`: a one-sided binomial test of "better
 * than chance" on a test of `questions` questions with `options` choices each. It follows from
 * the test's shape alone, so a client can use it without knowing anything about the crowd. A test
 * too short for even a perfect score to be significant gets 100.
 */
export function passingScoreBetterThanChance(questions: number, options: number, significance = 0.05): number {
  if (!Number.isInteger(questions) || questions < 1) throw new RangeError('questions must be a positive integer');
  if (!Number.isInteger(options) || options < 2) throw new RangeError('options must be an integer >= 2');
  if (!(significance > 0 && significance < 1)) throw new RangeError('significance must be in (0, 1)');
  const p = 1 / options;
  // P(X = k) for X ~ Binomial(questions, p), summed from the top down until the tail exceeds significance.
  const pmf = (k: number) => Math.exp(logChoose(questions, k) + k * Math.log(p) + (questions - k) * Math.log(1 - p));
  let tail = 0;
  let k = questions;
  while (k >= 0 && tail + pmf(k) <= significance) tail += pmf(k--);
  // k is now the largest count whose tail is too likely by chance; one more is needed to pass.
  // Rounded down as grade() rounds a score, so k + 1 correct answers pass and k do not.
  return Math.min(100, Math.floor(((k + 1) * 100) / questions));
}

function logChoose(n: number, k: number): number {
  let s = 0;
  for (let i = 1; i <= k; i++) s += Math.log(n - k + i) - Math.log(i);
  return s;
}
