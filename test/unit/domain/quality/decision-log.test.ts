import { describe, expect, it } from 'vitest';
import type { Assignment } from '../../../../shared/domain/marketplace/assignment';
import { decisionLogOf, stageOf } from '../../../../shared/domain/quality/decision-log';

const goldRejection = { outcome: 'rejected' as const, rule: 'gold.differs_from_expected', evidence: { method: 'gold_standard', expected: { choice: 'cat' }, yourAnswer: { choice: 'dog' }, workerIds: ['w2', 'w3'] }, decidedAt: '2026-05-01T10:00:00.000Z' };
const overturn = { outcome: 'approved' as const, rule: 'appeal.overturned', evidence: { note: 'The photo was ambiguous', overturnedRule: goldRejection.rule }, decidedAt: '2026-05-02T10:00:00.000Z' };

const assignment = (over: Partial<Assignment>): Assignment => ({
  assignmentId: 'asg_1',
  microtaskId: 'mt_1',
  projectId: 'prj_1',
  orgId: 'org_1',
  workerId: 'w1',
  status: 'submitted',
  rewardMinor: 15,
  currency: 'EUR',
  claimedAt: '2026-05-01T09:00:00.000Z',
  leaseExpiresAt: '2026-05-01T09:10:00.000Z',
  ...over,
});

describe('decision log', () => {
  it('is empty, with no trace of a gold answer, while the answer waits for review', () => {
    expect(decisionLogOf(assignment({}), 'worker')).toEqual({ decisions: [], appeal: null });
  });

  it('lists superseded decisions first, the current last, each with its stage, and the appeal', () => {
    const a = assignment({
      status: 'approved',
      history: [goldRejection],
      decision: overturn,
      appeal: { statement: 'It looks like a cat to me too', filedAt: '2026-05-01T12:00:00.000Z', status: 'overturned', appealedRule: goldRejection.rule, decidedAt: overturn.decidedAt, note: 'The photo was ambiguous', decidedBy: 'client' },
    });
    const log = decisionLogOf(a, 'client');
    expect(log.decisions.map((d) => [d.stage, d.outcome, d.rule, d.current])).toEqual([
      ['review', 'rejected', 'gold.differs_from_expected', false],
      ['appeal', 'approved', 'appeal.overturned', true],
    ]);
    expect(log.appeal).toMatchObject({ status: 'overturned', note: 'The photo was ambiguous' });
    // The client sees its decisions whole.
    expect(log.decisions[0]!.evidence).toHaveProperty('workerIds');
  });

  it("shows the worker the expected answer of a gold decision about their own answer, never other workers' identities", () => {
    const log = decisionLogOf(assignment({ status: 'rejected', decision: goldRejection }), 'worker');
    expect(log.decisions[0]!.evidence).toEqual({ method: 'gold_standard', expected: { choice: 'cat' }, yourAnswer: { choice: 'dog' } });
    expect(JSON.stringify(log)).not.toMatch(/w2|w3/);
  });

  it('names the stage of a rule family, or the stage a decision carries', () => {
    expect(stageOf({ ...overturn, rule: 'gold_policy.reject_recent' })).toBe('gold_policy');
    expect(stageOf({ ...overturn, rule: 'consensus.agrees' })).toBe('review');
    expect(stageOf({ ...overturn, rule: 'x.y', stage: 'client' } as never)).toBe('client');
  });
});
