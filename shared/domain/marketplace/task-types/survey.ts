import type { QuestionSpec } from './registry';
import { DEFAULT_AGREEMENT_THRESHOLD, Issues, isRecord, settle, type Aggregate, type Judgement, type TaskType, type WorkerAnswer } from './task-type';

/** A question of a survey: any single task type's spec, with an id and whether it must be answered. */
export type SurveyQuestion = QuestionSpec & { id: string; required: boolean };

export interface SurveySpec {
  type: 'survey';
  questions: SurveyQuestion[];
  /** Share of the settled questions an assignment must agree on; default 0.5 (at least half). */
  minQuestionAgreement?: number;
}

/** Question id → that question's answer; optional questions may be left out. */
export type SurveyAnswer = Record<string, unknown>;

export const DEFAULT_MIN_QUESTION_AGREEMENT = 0.5;

interface QuestionOutcome {
  aggregate: Aggregate;
  confidence: number;
  decided: boolean;
  answered: number;
}

/**
 * Several questions in one assignment. Built from the question types so that a survey reuses each
 * type's own checks, aggregation and judgement (and cannot contain a survey).
 *
 * Consensus, per question: a question is settled when more than half of the answers to it agree
 * with its aggregate (the same rule as a one-question task). An assignment agrees when it sides
 * with the crowd on at least `minQuestionAgreement` of the settled questions it answered; questions
 * the crowd did not settle, or the worker skipped, do not count either way. With no settled
 * question the survey has no consensus and nobody is rejected.
 */
export function makeSurvey(typeOf: (q: QuestionSpec) => TaskType<QuestionSpec, unknown>): TaskType<SurveySpec, SurveyAnswer> {
  return {
    type: 'survey',
    checkSpec(spec, issues) {
      const ids = spec.questions.map((q) => q.id);
      const dup = ids.find((v, i) => ids.indexOf(v) !== i);
      if (dup !== undefined) issues.at('questions').add(`duplicate question id "${dup}"`);
      spec.questions.forEach((q, i) => typeOf(q).checkSpec(q, issues.at('questions').at(i)));
    },
    checkInput(spec, input, issues) {
      // Questions share the microtask input: two image questions need the image once, so report it once.
      const found = new Issues(issues.path);
      for (const q of spec.questions) typeOf(q).checkInput(q, input, found);
      const seen = new Set<string>();
      for (const i of found.list) {
        const k = `${i.path}\n${i.message}`;
        if (!seen.has(k)) issues.list.push(i);
        seen.add(k);
      }
    },
    answerReadsInput: (spec) => spec.questions.some((q) => typeOf(q).answerReadsInput(q)),
    parseAnswer(spec, raw, issues, input) {
      const out: SurveyAnswer = {};
      if (!isRecord(raw)) {
        issues.add('must map question ids to answers');
        return out;
      }
      const ids = spec.questions.map((q) => q.id);
      for (const k of Object.keys(raw)) if (!ids.includes(k)) issues.at(k).add(`unknown question; expected ${ids.join(', ')}`);
      for (const q of spec.questions) {
        const given = raw[q.id];
        if (given === undefined || given === null) {
          if (q.required) issues.at(q.id).add('required question');
          continue;
        }
        out[q.id] = typeOf(q).parseAnswer(q, given, issues.at(q.id), input);
      }
      if (Object.keys(out).length === 0 && issues.count === 0) issues.add('answer at least one question');
      return out;
    },
    aggregate(spec, answers) {
      const questions: Record<string, QuestionOutcome> = {};
      const settledAnswers: Record<string, unknown> = {};
      for (const q of spec.questions) {
        const subset: WorkerAnswer<unknown>[] = answers.filter((a) => a.answer[q.id] !== undefined).map((a) => ({ workerId: a.workerId, answer: a.answer[q.id] }));
        const s = settle(typeOf(q), q, subset, DEFAULT_AGREEMENT_THRESHOLD);
        questions[q.id] = { aggregate: s.aggregate, confidence: s.confidence, decided: s.decided, answered: subset.length };
        if (s.decided) settledAnswers[q.id] = s.aggregate.answer;
      }
      return {
        method: 'per_question_consensus',
        answer: Object.keys(settledAnswers).length ? settledAnswers : null,
        details: { questions },
      };
    },
    judge(spec, aggregate, answer) {
      const questions = aggregate.details['questions'] as Record<string, QuestionOutcome>;
      const threshold = spec.minQuestionAgreement ?? DEFAULT_MIN_QUESTION_AGREEMENT;
      const perQuestion: Record<string, Omit<Judgement, 'detail' | 'yourAnswer'>> = {};
      for (const q of spec.questions) {
        const outcome = questions[q.id];
        if (!outcome?.decided || answer[q.id] === undefined) continue;
        const { agrees, rule, measure, value, threshold: t } = typeOf(q).judge(q, outcome.aggregate, answer[q.id]);
        perQuestion[q.id] = { agrees, rule, measure, value, threshold: t };
      }
      const judged = Object.values(perQuestion);
      const value = judged.length === 0 ? 1 : judged.filter((j) => j.agrees).length / judged.length;
      const agrees = value >= threshold;
      return {
        agrees,
        rule: agrees ? 'consensus.agrees_on_enough_questions' : 'consensus.disagrees_on_too_many_questions',
        measure: 'share_of_settled_questions_agreed',
        value,
        threshold,
        detail: { questions: perQuestion },
      };
    },
  };
}
