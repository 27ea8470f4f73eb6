import { validationError } from '../errors';
import { goldUnusableReason } from '../quality/gold-review';
import { taskTypeOf, type Answer, type AnswerSpec } from './task-types/registry';
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

/**
 * Checks each gold microtask's expected answer exactly as a worker's answer to that microtask
 * would be checked, and that the task type can judge answers against it. Returns the answers in
 * canonical form, undefined for a microtask without gold. Throws one 400 naming every bad row and
 * field, e.g. `microtasks.3.gold.answer.choice`.
 */
export function parseGoldAnswers(spec: AnswerSpec, entries: readonly { input: MicrotaskInput; gold?: { answer: unknown } }[]): (Answer | undefined)[] {
  const type = taskTypeOf(spec);
  const issues = new Issues('microtasks');
  const parsed = entries.map((entry, i) => {
    if (!entry.gold) return undefined;
    const at = issues.at(i).at('gold').at('answer');
    const before = issues.count;
    const answer = type.parseAnswer(spec, entry.gold.answer, at, entry.input);
    if (issues.count > before) return undefined;
    const unusable = goldUnusableReason(spec, answer);
    if (unusable) at.add(unusable);
    return answer;
  });
  if (issues.count) throw validationError(`A gold answer does not fit the ${spec.type} task type: ${issues.list[0]!.path}: ${issues.list[0]!.message}`, sorted(issues), 'invalid_gold_answer');
  return parsed;
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
