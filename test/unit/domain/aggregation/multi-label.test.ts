import { describe, expect, it } from 'vitest';
import { multiLabelVote } from '../../../../shared/domain/aggregation/multi-label';

describe('multiLabelVote', () => {
  it('decides each label by its own yes/no majority', () => {
    const r = multiLabelVote(
      [
        { workerId: 'a', labels: ['cat', 'dog'] },
        { workerId: 'b', labels: ['cat'] },
        { workerId: 'c', labels: ['cat', 'dog', 'bird'] },
      ],
      ['cat', 'dog', 'bird', 'fish'],
    );
    expect(r.selected).toEqual(['cat', 'dog']);
    expect(r.undecided).toEqual([]);
    expect(r.perLabel.find((d) => d.label === 'bird')).toEqual({ label: 'bird', yes: 1, no: 2, selected: false });
    // Nobody ticked fish: a unanimous no, not missing.
    expect(r.perLabel.find((d) => d.label === 'fish')).toEqual({ label: 'fish', yes: 0, no: 3, selected: false });
  });

  it('leaves a tied label undecided', () => {
    const r = multiLabelVote([
      { workerId: 'a', labels: ['cat'] },
      { workerId: 'b', labels: [] },
    ]);
    expect(r.selected).toEqual([]);
    expect(r.undecided).toEqual(['cat']);
  });

  it('counts a label ticked twice by one worker once', () => {
    const r = multiLabelVote([
      { workerId: 'a', labels: ['cat', 'cat'] },
      { workerId: 'b', labels: [] },
      { workerId: 'c', labels: [] },
    ]);
    expect(r.perLabel[0]).toMatchObject({ yes: 1, no: 2, selected: false });
  });
});
