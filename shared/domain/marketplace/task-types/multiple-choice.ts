import type { ChoiceOption } from './single-choice';
import { answerObject, checkSelection, checkUnique, type TaskType } from './task-type';
import { aggregateLabelSets, checkSelectionBounds, DEFAULT_MIN_LABEL_AGREEMENT, judgeLabelSet } from './multi-select';

export interface MultipleChoiceSpec {
  type: 'multiple_choice';
  question: string;
  options: ChoiceOption[];
  /** Fewest options a worker must tick (0 allows "none apply"). */
  minSelections: number;
  /** Most options a worker may tick; all of them when absent. */
  maxSelections?: number;
  /** Share of the settled options on which an answer must side with the crowd; default 0.75. */
  minLabelAgreement?: number;
}

export interface MultipleChoiceAnswer {
  choices: string[];
}

/** Every option that applies; aggregated per option by majority. */
export const multipleChoice: TaskType<MultipleChoiceSpec, MultipleChoiceAnswer> = {
  type: 'multiple_choice',
  checkSpec(spec, issues) {
    checkUnique(
      spec.options.map((o) => o.value),
      'value',
      issues.at('options'),
    );
    checkSelectionBounds(spec.options.length, spec.minSelections, spec.maxSelections, issues, ['minSelections', 'maxSelections']);
  },
  checkInput() {},
  answerReadsInput: () => false,
  parseAnswer(spec, raw, issues) {
    const o = answerObject(raw, ['choices'], issues);
    if (!o) return { choices: [] };
    const values = spec.options.map((opt) => opt.value);
    return { choices: checkSelection(o['choices'], values, { min: spec.minSelections, max: spec.maxSelections ?? values.length }, issues.at('choices')) };
  },
  aggregate(spec, answers) {
    return aggregateLabelSets(
      spec.options.map((o) => o.value),
      answers.map((a) => ({ workerId: a.workerId, answer: a.answer.choices })),
      'choices',
    );
  },
  judge(spec, aggregate, answer) {
    return judgeLabelSet(aggregate, answer.choices, spec.minLabelAgreement ?? DEFAULT_MIN_LABEL_AGREEMENT);
  },
};
