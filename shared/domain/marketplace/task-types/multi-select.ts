import { multiLabelVote, type LabelDecision } from '../../aggregation/multi-label';
import type { Aggregate, Issues, WorkerAnswer } from './task-type';

/**
 * What multiple choice and image tags share: a set of labels per answer, aggregated one label at
 * a time (each worker votes yes or no on every label), and an answer judged by the share of the
 * settled labels on which it sides with the crowd.
 */
export const DEFAULT_MIN_LABEL_AGREEMENT = 0.75;

export function checkSelectionBounds(optionCount: number, min: number, max: number | undefined, issues: Issues, names: [string, string]): void {
  if (min > optionCount) issues.at(names[0]).add(`must be at most the number of options (${optionCount})`);
  if (max !== undefined && max < min) issues.at(names[1]).add(`must be at least ${names[0]} (${min})`);
  if (max !== undefined && max < 1) issues.at(names[1]).add('must be at least 1');
}

export function aggregateLabelSets(allLabels: readonly string[], answers: readonly WorkerAnswer<readonly string[]>[], field: string): Aggregate {
  const outcome = multiLabelVote(
    answers.map((a) => ({ workerId: a.workerId, labels: a.answer })),
    allLabels,
  );
  const settled = outcome.perLabel.some((d) => d.selected !== null);
  return {
    method: 'per_label_majority_vote',
    answer: settled ? { [field]: outcome.selected } : null,
    details: { perLabel: outcome.perLabel, undecided: outcome.undecided },
    votes: Object.fromEntries(outcome.perLabel.map((d) => [d.label, d.yes])),
  };
}

export function judgeLabelSet(aggregate: Aggregate, labels: readonly string[], minLabelAgreement: number) {
  const settled = (aggregate.details['perLabel'] as LabelDecision[]).filter((d) => d.selected !== null);
  const chosen = new Set(labels);
  const matching = settled.filter((d) => chosen.has(d.label) === d.selected).length;
  const value = settled.length === 0 ? 1 : matching / settled.length;
  const agrees = value >= minLabelAgreement;
  return {
    agrees,
    rule: agrees ? 'consensus.agrees_per_label' : 'consensus.disagrees_per_label',
    measure: 'share_of_settled_labels_matched',
    value,
    threshold: minLabelAgreement,
  };
}
