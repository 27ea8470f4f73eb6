import { majorityVote } from './majority-vote';

/**
 * Multi-label answers ("tick every label that applies") decided one label at a time: each worker
 * casts a yes or no on every label, so a label nobody ticked is a unanimous no, not missing data.
 */
export interface MultiLabelVote {
  workerId: string;
  labels: readonly string[];
}

export interface LabelDecision {
  label: string;
  yes: number;
  no: number;
  /** true / false by majority; null on a tie, as for single-choice majority vote. */
  selected: boolean | null;
}

export interface MultiLabelOutcome {
  selected: string[];
  undecided: string[];
  perLabel: LabelDecision[];
}

/**
 * @param allLabels the task's full option list; labels only seen in answers are added to it.
 */
export function multiLabelVote(votes: readonly MultiLabelVote[], allLabels: readonly string[] = []): MultiLabelOutcome {
  const universe = [...new Set([...allLabels, ...votes.flatMap((v) => v.labels)])];
  // A worker ticking the same label twice still casts one yes.
  const ticked = votes.map((v) => new Set(v.labels));
  const perLabel = universe.map((label): LabelDecision => {
    const binary = votes.map((v, i) => ({ workerId: v.workerId, label: ticked[i]!.has(label) ? 'yes' : 'no' }));
    const outcome = majorityVote(binary);
    return {
      label,
      yes: outcome.votes['yes'] ?? 0,
      no: outcome.votes['no'] ?? 0,
      selected: outcome.label === null ? null : outcome.label === 'yes',
    };
  });
  return {
    selected: perLabel.filter((d) => d.selected === true).map((d) => d.label),
    undecided: perLabel.filter((d) => d.selected === null).map((d) => d.label),
    perLabel,
  };
}
