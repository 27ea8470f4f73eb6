import { audioTranscription } from './audio-transcription';
import { boundingBoxes } from './bounding-boxes';
import { freeText } from './free-text';
import { imageTags } from './image-tags';
import { multipleChoice } from './multiple-choice';
import { rating } from './rating';
import { singleChoice } from './single-choice';
import { makeSurvey } from './survey';
import { external } from './external';
import { mediaCollection } from './media-collection';
import type { TaskType } from './task-type';

/**
 * Every task type, by its `type` discriminator. Adding a type: write its module, add one line
 * here (and its zod spec to the `AnswerSpec` union in shared/api/schemas.ts).
 * Types listed in QUESTION_TYPES may also be questions of a survey.
 */
const QUESTION_TYPES = {
  single_choice: singleChoice,
  multiple_choice: multipleChoice,
  rating,
  free_text: freeText,
  audio_transcription: audioTranscription,
  image_tags: imageTags,
  bounding_boxes: boundingBoxes,
};

type SpecOf<T> = T extends TaskType<infer S, unknown> ? S : never;
type AnswerOf<T> = T extends TaskType<{ type: string }, infer A> ? A : never;

export type QuestionSpec = { [K in keyof typeof QUESTION_TYPES]: SpecOf<(typeof QUESTION_TYPES)[K]> }[keyof typeof QUESTION_TYPES];

/** The registry only ever maps a spec to the module of its own type; the cast erases the pairing TS cannot follow. */
const questionType = (spec: QuestionSpec) => QUESTION_TYPES[spec.type] as unknown as TaskType<QuestionSpec, unknown>;

export const TASK_TYPES = {
  ...QUESTION_TYPES,
  survey: makeSurvey(questionType),
  media_collection: mediaCollection,
  external,
};

export type AnswerSpec = { [K in keyof typeof TASK_TYPES]: SpecOf<(typeof TASK_TYPES)[K]> }[keyof typeof TASK_TYPES];
export type Answer = { [K in keyof typeof TASK_TYPES]: AnswerOf<(typeof TASK_TYPES)[K]> }[keyof typeof TASK_TYPES];
export type TaskTypeName = keyof typeof TASK_TYPES;

/** The module of a spec's type. */
export const taskTypeOf = (spec: AnswerSpec) => TASK_TYPES[spec.type] as unknown as TaskType<AnswerSpec, Answer>;
