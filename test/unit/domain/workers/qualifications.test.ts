import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../../../../shared/domain/errors';
import { assertAssessmentConsistent, assertCanStartAttempt, assertTrainingConsistent, assertWithinTimeLimit, grade, gradedView, passingScoreBetterThanChance, publicTypeView, trainingFeedback, type Assessment, type TrainingItem } from '../../../../shared/domain/workers/qualifications';

const assessment = (over: Partial<Assessment> = {}): Assessment => ({
  questions: ['q1', 'q2', 'q3', 'q4'].map((id) => ({ questionId: id, text: `Question ${id}`, options: [{ value: 'a', label: 'A' }, { value: 'b', label: 'B' }] })),
  answerKey: { q1: 'a', q2: 'b', q3: 'a', q4: 'b' },
  passingScore: 75,
  timeLimitSeconds: 600,
  retakeCooldownSeconds: 3600,
  maxAttempts: 2,
  revealWrongAnswers: true,
  ...over,
});

const code = (f: () => void) => {
  try {
    f();
    return 'ok';
  } catch (e) {
    return e instanceof DomainError ? e.code : String(e);
  }
};

const NOW = '2026-03-01T12:00:00.000Z';

describe('assessments', () => {
  it('grades against the key and passes at the passing score', () => {
    expect(grade(assessment(), { q1: 'a', q2: 'b', q3: 'a', q4: 'a' })).toMatchObject({ score: 75, passed: true, wrongQuestionIds: ['q4'] });
    expect(grade(assessment(), { q1: 'a', q2: 'b' })).toMatchObject({ score: 50, passed: false, wrongQuestionIds: ['q3', 'q4'] });
    expect(code(() => grade(assessment(), { nope: 'a' }))).toBe('validation_failed');
  });

  it('never shows the key; shows wrong questions only when the type allows', () => {
    const a = assessment({ revealWrongAnswers: false });
    const view = publicTypeView({ qualificationTypeId: 'qt_x', ownerId: 'o', name: 'n', description: '', assessment: a, createdAt: NOW });
    expect(JSON.stringify(view)).not.toContain('answerKey');
    expect(view).not.toHaveProperty('ownerId');
    const attempt = { attemptId: 'att', workerId: 'w', qualificationTypeId: 'qt_x', startedAt: NOW, deadline: NOW, score: 50, passed: false, wrongQuestionIds: ['q3'] };
    expect(gradedView(attempt, a)).not.toHaveProperty('wrongQuestionIds');
    expect(gradedView(attempt, assessment())).toHaveProperty('wrongQuestionIds', ['q3']);
  });

  it('refuses a key that does not match the questions', () => {
    expect(code(() => assertAssessmentConsistent(assessment({ answerKey: { q1: 'a', q2: 'b', q3: 'a' } })))).toBe('validation_failed');
    expect(code(() => assertAssessmentConsistent(assessment({ answerKey: { q1: 'a', q2: 'b', q3: 'a', q4: 'z' } })))).toBe('validation_failed');
    expect(code(() => assertAssessmentConsistent(assessment()))).toBe('ok');
  });

  it('enforces cooldown, max attempts and one open attempt', () => {
    const a = assessment();
    expect(code(() => assertCanStartAttempt(undefined, a, NOW))).toBe('ok');
    expect(code(() => assertCanStartAttempt({ attemptsUsed: 1, retakeAfter: '2026-03-01T12:00:01.000Z' }, a, NOW))).toBe('retake_cooldown');
    expect(code(() => assertCanStartAttempt({ attemptsUsed: 1, retakeAfter: NOW }, a, NOW))).toBe('ok');
    expect(code(() => assertCanStartAttempt({ attemptsUsed: 2, retakeAfter: '2026-01-01T00:00:00.000Z' }, a, NOW))).toBe('max_attempts_reached');
    expect(code(() => assertCanStartAttempt({ attemptsUsed: 1, openAttemptId: 'att', openDeadline: '2026-03-01T12:05:00.000Z' }, a, NOW))).toBe('attempt_in_progress');
  });

  it('refuses a submission after the time limit, and a second submission', () => {
    const attempt = { attemptId: 'att', workerId: 'w', qualificationTypeId: 'qt_x', startedAt: NOW, deadline: '2026-03-01T12:10:00.000Z' };
    expect(code(() => assertWithinTimeLimit(attempt, '2026-03-01T12:10:04.000Z'))).toBe('ok');
    expect(code(() => assertWithinTimeLimit(attempt, '2026-03-01T12:11:00.000Z'))).toBe('attempt_time_limit_exceeded');
    expect(code(() => assertWithinTimeLimit({ ...attempt, submittedAt: NOW }, NOW))).toBe('attempt_already_submitted');
  });
});

describe('training items', () => {
  const items: TrainingItem[] = [
    { itemId: 't1', text: 'Is a tabby a cat?', options: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }], answer: 'yes', explanation: 'Tabby is a coat pattern of cats.' },
    { itemId: 't2', text: 'Is a poodle a cat?', options: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }], answer: 'no', explanation: 'A poodle is a dog breed.' },
  ];

  it('tells at once whether the answer was right, the right answer and why, and that it counts for nothing', () => {
    expect(trainingFeedback(items, 't2', 'yes')).toEqual({ itemId: 't2', correct: false, yourAnswer: 'yes', answer: 'no', explanation: 'A poodle is a dog breed.', countsForScore: false });
    expect(trainingFeedback(items, 't1', 'yes').correct).toBe(true);
    expect(code(() => trainingFeedback(items, 't9', 'yes'))).toBe('training_item_not_found');
    expect(code(() => trainingFeedback(items, 't1', 'maybe'))).toBe('validation_failed');
  });

  it('shows workers the items without their answers or explanations', () => {
    const view = publicTypeView({ qualificationTypeId: 'qt_1', ownerId: 'org_1', name: 'Cats', description: '', training: items, createdAt: '2026-01-01T00:00:00.000Z' });
    expect(view.training).toEqual(items.map(({ itemId, text, options }) => ({ itemId, text, options })));
    expect(JSON.stringify(view)).not.toMatch(/coat pattern|dog breed/);
  });

  it('refuses an answer that is not an option, duplicate ids and an item that repeats an assessment question', () => {
    expect(code(() => assertTrainingConsistent([{ ...items[0]!, answer: 'maybe' }]))).toBe('validation_failed');
    expect(code(() => assertTrainingConsistent([items[0]!, items[0]!]))).toBe('validation_failed');
    expect(code(() => assertTrainingConsistent([{ ...items[0]!, text: 'Question q1' }], assessment()))).toBe('validation_failed');
    expect(code(() => assertTrainingConsistent(items, assessment()))).toBe('ok');
  });
});
describe('passingScoreBetterThanChance', () => {
  it('is the binomial 5 % pass mark: 15/20 on a yes/no test, 9/20 with four options', () => {
    // P(X >= 15 | n=20, p=1/2) = 0.021 while P(X >= 14) = 0.058; with p=1/4, P(X >= 9) = 0.041 and P(X >= 8) = 0.102.
    expect(passingScoreBetterThanChance(20, 2)).toBe(75);
    expect(passingScoreBetterThanChance(20, 4)).toBe(45);
    expect(passingScoreBetterThanChance(20, 2, 0.01)).toBe(80);
    expect(passingScoreBetterThanChance(10, 2)).toBe(90);
  });

  it('asks for a perfect score when the test is too short to tell a worker from a coin', () => {
    expect(passingScoreBetterThanChance(1, 2)).toBe(100);
    expect(passingScoreBetterThanChance(4, 2)).toBe(100);
  });

  it('agrees with grade(): the first significant count passes, one fewer does not', () => {
    fc.assert(
      fc.property(fc.integer({ min: 5, max: 60 }), fc.integer({ min: 2, max: 5 }), (n, k) => {
        const mark = passingScoreBetterThanChance(n, k);
        const ids = Array.from({ length: n }, (_, i) => `q${i}`);
        const a = assessment({
          questions: ids.map((id) => ({ questionId: id, text: id, options: [{ value: 'a', label: 'A' }, { value: 'b', label: 'B' }] })),
          answerKey: Object.fromEntries(ids.map((id) => [id, 'a'])),
          passingScore: mark,
        });
        const withCorrect = (c: number) => grade(a, Object.fromEntries(ids.map((id, i) => [id, i < c ? 'a' : 'b']))).passed;
        const needed = Array.from({ length: n + 1 }, (_, c) => c).find(withCorrect);
        // A mark of 100 may also mean "not even a perfect score is significant" (the case above).
        if (needed === undefined || mark === 100) return;
        // The chance of reaching `needed` by guessing is at most 5 %, of reaching one fewer more than 5 %.
        const tail = (from: number) => {
          let t = 0;
          for (let c = from; c <= n; c++) t += binomial(n, c) * (1 / k) ** c * (1 - 1 / k) ** (n - c);
          return t;
        };
        expect(tail(needed)).toBeLessThanOrEqual(0.05 + 1e-12);
        expect(tail(needed - 1)).toBeGreaterThan(0.05);
      }),
    );
  });

  it('rejects a test that cannot be graded', () => {
    expect(() => passingScoreBetterThanChance(0, 2)).toThrow(RangeError);
    expect(() => passingScoreBetterThanChance(20, 1)).toThrow(RangeError);
    expect(() => passingScoreBetterThanChance(20, 2, 0)).toThrow(RangeError);
  });
});

function binomial(n: number, k: number): number {
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return r;
}
