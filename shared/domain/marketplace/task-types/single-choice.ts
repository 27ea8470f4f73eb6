import { majorityVote } from '../../aggregation/majority-vote';
import { answerObject, checkUnique, type TaskType } from './task-type';

export interface ChoiceOption {
  value: string;
  label: string;
}

export interface SingleChoiceSpec {
  type: 'single_choice';
  question: string;
  options: ChoiceOption[];
}

export interface SingleChoiceAnswer {
  choice: string;
}

/** One option out of a list; the crowd's answer is the majority vote. */
export const singleChoice: TaskType<SingleChoiceSpec, SingleChoiceAnswer> = {
  type: 'single_choice',
  checkSpec(spec, issues) {
    checkUnique(
      spec.options.map((o) => o.value),
      'value',
      issues.at('options'),
    );
  },
  checkInput() {},
  answerReadsInput: () => false,
  parseAnswer(spec, raw, issues) {
    const o = answerObject(raw, ['choice'], issues);
    const choice = o?.['choice'];
    if (o && typeof choice !== 'string') issues.at('choice').add('must be one of the option values');
    else if (o && !spec.options.some((opt) => opt.value === choice)) {
      issues.at('choice').add(`"${String(choice)}" is not an option; expected one of ${spec.options.map((opt) => opt.value).join(', ')}`);
    }
    return { choice: choice as string };
  },
  aggregate(_spec, answers) {
    const outcome = majorityVote(answers.map((a) => ({ workerId: a.workerId, label: a.answer.choice })));
    return { method: 'majority_vote', answer: outcome.label === null ? null : { choice: outcome.label }, details: { votes: outcome.votes }, label: outcome.label, votes: outcome.votes };
  },
  judge(_spec, aggregate, answer) {
    const agrees = answer.choice === aggregate.label;
    return {
      agrees,
      rule: agrees ? 'consensus.agrees_with_majority' : 'consensus.disagrees_with_majority',
      measure: 'same_choice_as_majority',
      value: agrees ? 1 : 0,
      threshold: 1,
      yourAnswer: answer.choice,
    };
  },
};
