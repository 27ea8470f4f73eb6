import { describe, expect, it } from 'vitest';
import { reviewByConsensus, type SubmittedAnswer } from '../../../shared/domain/quality/consensus-review';

const ans = (assignmentId: string, label: string): SubmittedAnswer => ({ assignmentId, workerId: `w-${assignmentId}`, label });
const decisionOf = (r: ReturnType<typeof reviewByConsensus>, id: string) => r.decisions.find((d) => d.assignmentId === id)!.decision;

describe('reviewByConsensus', () => {
  it('approves the majority and rejects the minority of a 2-1 split, with the votes as evidence', () => {
    const r = reviewByConsensus([ans('a', 'cat'), ans('b', 'dog'), ans('c', 'cat')]);
    expect(r.decided).toBe(true);
    expect(r.outcome.label).toBe('cat');
    expect(r.decisions).toHaveLength(3);
    for (const id of ['a', 'c']) {
      expect(decisionOf(r, id)).toMatchObject({ outcome: 'approved', rule: 'consensus.agrees_with_majority' });
    }
    const b = decisionOf(r, 'b');
    expect(b.outcome).toBe('rejected');
    expect(b.rule).toBe('consensus.disagrees_with_majority');
    expect(b.evidence).toMatchObject({ votes: { cat: 2, dog: 1 }, consensusLabel: 'cat', yourAnswer: 'dog', answers: 3 });
    expect(b.evidence.agreement).toBeCloseTo(2 / 3);
  });

  it('rejects nobody on a tie (benefit of the doubt)', () => {
    const r = reviewByConsensus([ans('a', 'cat'), ans('b', 'dog')]);
    expect(r.decided).toBe(false);
    expect(r.outcome.label).toBeNull();
    expect(r.decisions.map((d) => d.decision.outcome)).toEqual(['approved', 'approved']);
    for (const d of r.decisions) {
      expect(d.decision.rule).toBe('consensus.no_consensus_benefit_of_doubt');
      expect(d.decision.evidence.votes).toEqual({ cat: 1, dog: 1 });
    }
  });

  it('rejects nobody when the winner does not clear the threshold', () => {
    // 2-1-1: "cat" wins with 50 %, which is not more than the default 0.5 threshold.
    const r = reviewByConsensus([ans('a', 'cat'), ans('b', 'cat'), ans('c', 'dog'), ans('d', 'bird')]);
    expect(r.outcome.label).toBe('cat');
    expect(r.decided).toBe(false);
    expect(r.decisions.every((d) => d.decision.outcome === 'approved' && d.decision.rule === 'consensus.no_consensus_benefit_of_doubt')).toBe(true);
    // With a higher bar, even a 2-1 majority is not enough.
    const strict = reviewByConsensus([ans('a', 'cat'), ans('b', 'dog'), ans('c', 'cat')], { agreementThreshold: 0.7 });
    expect(strict.decided).toBe(false);
    expect(strict.decisions.map((d) => d.decision.outcome)).toEqual(['approved', 'approved', 'approved']);
  });

  it('approves a unanimous answer', () => {
    const r = reviewByConsensus([ans('a', 'cat'), ans('b', 'cat'), ans('c', 'cat')]);
    expect(r.decided).toBe(true);
    expect(r.decisions.every((d) => d.decision.outcome === 'approved')).toBe(true);
  });
});
