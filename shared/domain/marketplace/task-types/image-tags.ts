import type { ChoiceOption } from './single-choice';
import { answerObject, checkImageInput, checkSelection, checkUnique, type TaskType } from './task-type';
import { aggregateLabelSets, checkSelectionBounds, DEFAULT_MIN_LABEL_AGREEMENT, judgeLabelSet } from './multi-select';

export interface ImageTagsSpec {
  type: 'image_tags';
  question: string;
  /** The tag set workers choose from. */
  tags: ChoiceOption[];
  minTags: number;
  /** All tags when absent. */
  maxTags?: number;
  /** Share of the settled tags on which an answer must side with the crowd; default 0.75. */
  minLabelAgreement?: number;
}

export interface ImageTagsAnswer {
  tags: string[];
}

/** Tags from a fixed set on an image (`input.image`); aggregated per tag by majority. */
export const imageTags: TaskType<ImageTagsSpec, ImageTagsAnswer> = {
  type: 'image_tags',
  checkSpec(spec, issues) {
    checkUnique(
      spec.tags.map((t) => t.value),
      'value',
      issues.at('tags'),
    );
    checkSelectionBounds(spec.tags.length, spec.minTags, spec.maxTags, issues, ['minTags', 'maxTags']);
  },
  checkInput(_spec, input, issues) {
    checkImageInput(input, issues, false);
  },
  answerReadsInput: () => false,
  parseAnswer(spec, raw, issues) {
    const o = answerObject(raw, ['tags'], issues);
    if (!o) return { tags: [] };
    const values = spec.tags.map((t) => t.value);
    return { tags: checkSelection(o['tags'], values, { min: spec.minTags, max: spec.maxTags ?? values.length }, issues.at('tags')) };
  },
  aggregate(spec, answers) {
    return aggregateLabelSets(
      spec.tags.map((t) => t.value),
      answers.map((a) => ({ workerId: a.workerId, answer: a.answer.tags })),
      'tags',
    );
  },
  judge(spec, aggregate, answer) {
    return judgeLabelSet(aggregate, answer.tags, spec.minLabelAgreement ?? DEFAULT_MIN_LABEL_AGREEMENT);
  },
};
