import { describe, expect, it } from 'vitest';
import { DomainError } from '../../../../shared/domain/errors';
import type { Assignment } from '../../../../shared/domain/marketplace/assignment';
import { appealWindowClosesAt, assertAppealPending, assertRejectionAppealable, overturningDecision, REJECTION_APPEAL_WINDOW_HOURS } from '../../../../shared/domain/quality/rejection-appeal';

const code = (f: () => void) => {
  try {
    f();
    return 'ok';
  } catch (e) {
    return e instanceof DomainError ? `${e.kind}:${e.code}` : String(e);
  }
};

const rejectedAt = '2026-05-01T10:00:00.000Z';
const rejected = (over: Partial<Assignment> = {}): Assignment => ({
  assignmentId: 'asg_1',
  microtaskId: 'mt_1',
  projectId: 'prj_1',
  orgId: 'org_1',
  workerId: 'w1',
  status: 'rejected',
  rewardMinor: 15,
  currency: 'EUR',
  claimedAt: '2026-05-01T09:00:00.000Z',
  leaseExpiresAt: '2026-05-01T09:10:00.000Z',
  answer: { choice: 'dog' },
  decision: { outcome: 'rejected', rule: 'consensus.disagrees', evidence: {}, decidedAt: rejectedAt },
  ...over,
});

describe('rejection appeals', () => {
  it('lets the worker appeal their own rejection within the window, and says why not otherwise', () => {
    const now = '2026-05-02T10:00:00.000Z';
    expect(code(() => assertRejectionAppealable(rejected(), 'w1', now))).toBe('ok');
    expect(code(() => assertRejectionAppealable(rejected(), 'w2', now))).toBe('forbidden:not_your_assignment');
    expect(code(() => assertRejectionAppealable(rejected({ status: 'approved', decision: { outcome: 'approved', rule: 'consensus.agrees', evidence: {}, decidedAt: rejectedAt } }), 'w1', now))).toBe('conflict:not_rejected');
    expect(code(() => assertRejectionAppealable(rejected({ status: 'submitted', decision: undefined }), 'w1', now))).toBe('conflict:not_rejected');
    expect(code(() => assertRejectionAppealable(rejected({ appeal: { statement: 'x', filedAt: now, status: 'upheld', appealedRule: 'consensus.disagrees' } }), 'w1', now))).toBe('conflict:already_appealed');
  });

  it('closes the window exactly its length after the rejection', () => {
    const closes = appealWindowClosesAt(rejectedAt);
    expect(Date.parse(closes) - Date.parse(rejectedAt)).toBe(REJECTION_APPEAL_WINDOW_HOURS * 3_600_000);
    expect(code(() => assertRejectionAppealable(rejected(), 'w1', closes))).toBe('ok');
    expect(code(() => assertRejectionAppealable(rejected(), 'w1', new Date(Date.parse(closes) + 1).toISOString()))).toBe('conflict:appeal_window_closed');
  });

  it('decides an appeal only while it is pending', () => {
    const filed = { statement: 'It is a dog', filedAt: rejectedAt, appealedRule: 'consensus.disagrees' };
    expect(code(() => assertAppealPending(rejected()))).toBe('conflict:not_appealed');
    expect(code(() => assertAppealPending(rejected({ appeal: { ...filed, status: 'pending' } })))).toBe('ok');
    expect(code(() => assertAppealPending(rejected({ appeal: { ...filed, status: 'overturned' } })))).toBe('conflict:appeal_already_decided');
  });

  it('replaces an overturned rejection by an approval that names it', () => {
    const d = overturningDecision(rejected().decision!, 'It is a dog indeed', '2026-05-03T00:00:00.000Z');
    expect(d).toEqual({ outcome: 'approved', rule: 'appeal.overturned', evidence: { note: 'It is a dog indeed', overturnedRule: 'consensus.disagrees', rejectedAt }, decidedAt: '2026-05-03T00:00:00.000Z' });
  });
});
