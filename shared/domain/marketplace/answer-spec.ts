import { validationError, type FieldIssue } from '../errors';
import { assertExternalSpecIsConsistent, validateExternalAnswer, type ExternalAnswer, type ExternalSpec } from './task-types/external';
import { assertMediaSpecIsConsistent, validateMediaAnswer, type MediaCollectionAnswer, type MediaCollectionSpec } from './task-types/media-collection';

/**
 * What a microtask asks of a worker. A discriminated union on `type`, so new task types
 * (multiple choice, free text, bounding boxes, media...) are added as new members.
 */
export interface ChoiceOption {
  value: string;
  label: string;
}

export interface SingleChoiceSpec {
  type: 'single_choice';
  question: string;
  options: ChoiceOption[];
}

export type AnswerSpec = SingleChoiceSpec | MediaCollectionSpec | ExternalSpec;
export type TaskType = AnswerSpec['type'];

export interface SingleChoiceAnswer {
  choice: string;
}

export type Answer = SingleChoiceAnswer | MediaCollectionAnswer | ExternalAnswer;

/** Validates a worker's answer against the project's answer spec. Throws a 400 naming the field. */
export function validateAnswer(spec: AnswerSpec, answer: unknown): Answer {
  const issues: FieldIssue[] = [];
  switch (spec.type) {
    case 'single_choice': {
      const choice = (answer as { choice?: unknown } | null)?.choice;
      if (typeof choice !== 'string') {
        issues.push({ path: 'answer.choice', message: 'must be one of the option values' });
      } else if (!spec.options.some((o) => o.value === choice)) {
        issues.push({
          path: 'answer.choice',
          message: `"${choice}" is not an option; expected one of ${spec.options.map((o) => o.value).join(', ')}`,
        });
      }
      const extra = Object.keys((answer as object | null) ?? {}).filter((k) => k !== 'choice');
      for (const k of extra) issues.push({ path: `answer.${k}`, message: 'unknown field' });
      if (issues.length) throw validationError('The answer does not match the task type', issues, 'invalid_answer');
      return { choice: choice as string };
    }
    case 'media_collection':
      return validateMediaAnswer(spec, answer);
    case 'external':
      return validateExternalAnswer(spec, answer);
  }
}

/** The canonical label of an answer, used to compare workers' answers in consensus. */
export function answerLabel(spec: AnswerSpec, answer: Answer): string {
  switch (spec.type) {
    case 'single_choice':
      return (answer as SingleChoiceAnswer).choice;
    // Each worker's media, or each page's answer, is their own: there is nothing to vote on, so every
    // validated submission carries the same label and is accepted; the client judges the content.
    case 'media_collection':
    case 'external':
      return 'submitted';
  }
}

export function assertSpecIsConsistent(spec: AnswerSpec): void {
  if (spec.type === 'media_collection') return assertMediaSpecIsConsistent(spec);
  if (spec.type === 'external') return assertExternalSpecIsConsistent(spec);
  const values = spec.options.map((o) => o.value);
  const dup = values.find((v, i) => values.indexOf(v) !== i);
  if (dup !== undefined) {
    throw validationError('Option values must be unique', [{ path: 'answerSpec.options', message: `duplicate value "${dup}"` }]);
  }
}
