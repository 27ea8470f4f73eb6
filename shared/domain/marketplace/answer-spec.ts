import { validationError } from '../errors';
import { taskTypeOf, type AnswerSpec } from './task-types/registry';
import { Issues, type MicrotaskInput } from './task-types/task-type';

/**
 * What a microtask asks of a worker: a discriminated union on `type`. Each type lives in its own
 * module under ./task-types (see task-type.ts for the contract and registry.ts for the list);
 * these are the entry points the use cases call.
 */
export type { AnswerSpec, Answer, TaskTypeName as TaskType } from './task-types/registry';
export type { ChoiceOption, SingleChoiceSpec, SingleChoiceAnswer } from './task-types/single-choice';
export type { MicrotaskInput } from './task-types/task-type';

const sorted = (issues: Issues) => [...issues.list].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));

/** Cross-field checks of a project's answer spec (after its zod schema). Throws a 400 naming the field. */
export function assertSpecIsConsistent(spec: AnswerSpec): void {
  const issues = new Issues('answerSpec');
  taskTypeOf(spec).checkSpec(spec, issues);
  if (issues.count) throw validationError(`The answer spec is inconsistent: ${issues.list[0]!.path}: ${issues.list[0]!.message}`, issues.list);
}

/**
 * Checks that each microtask input carries what the task type needs (an image with its size, an
 * audio reference). Throws one 400 naming every bad row and field, e.g. `microtasks.3.input.image.width`.
 */
export function assertMicrotaskInputsFit(spec: AnswerSpec, inputs: readonly MicrotaskInput[]): void {
  const type = taskTypeOf(spec);
  const issues = new Issues('microtasks');
  inputs.forEach((input, i) => type.checkInput(spec, input, issues.at(i).at('input')));
  if (issues.count) {
    throw validationError(`A microtask does not fit the ${spec.type} task type: ${issues.list[0]!.path}: ${issues.list[0]!.message}`, issues.list, 'invalid_microtask_input');
  }
}

/** True when an answer is checked against its microtask's input, so submit must read the microtask. */
export const answerReadsInput = (spec: AnswerSpec): boolean => taskTypeOf(spec).answerReadsInput(spec);

/**
 * Validates a worker's answer against the project's answer spec (and, for the types that need
 * it, the microtask's input) and returns it in canonical form. Throws a 400 naming each field.
 */
export function validateAnswer(spec: AnswerSpec, answer: unknown, input?: MicrotaskInput) {
  const issues = new Issues('answer');
  const parsed = taskTypeOf(spec).parseAnswer(spec, answer, issues, input);
  if (issues.count) throw validationError('The answer does not match the task type', sorted(issues), 'invalid_answer');
  return parsed;
}
