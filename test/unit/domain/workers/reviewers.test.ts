import { describe, expect, it } from 'vitest';
import type { Qualification } from '../../../../shared/domain/workers/qualifications';
import { reviewerIneligibility } from '../../../../shared/domain/workers/reviewers';

const now = '2026-06-01T00:00:00.000Z';
const held = (over: Partial<Qualification> = {}): Qualification => ({ workerId: 'w1', qualificationTypeId: 'qt_reviewer0001', score: 80, source: 'manual', grantedAt: '2026-01-01T00:00:00.000Z', ...over });
const required = { qualificationTypeId: 'qt_reviewer0001', minScore: 70 };

describe('reviewer eligibility', () => {
  it('admits a holder with at least the minimum score and nothing against them', () => {
    expect(reviewerIneligibility(required, held(), undefined, now)).toBeUndefined();
    expect(reviewerIneligibility(required, held({ score: 70 }), undefined, now)).toBeUndefined();
  });

  it('refuses a score below the minimum, an expired or missing qualification, or another type', () => {
    expect(reviewerIneligibility(required, held({ score: 69 }), undefined, now)).toBe('score_too_low');
    expect(reviewerIneligibility(required, held({ expiresAt: '2026-05-31T23:59:59.000Z' }), undefined, now)).toBe('not_qualified');
    expect(reviewerIneligibility(required, undefined, undefined, now)).toBe('not_qualified');
    expect(reviewerIneligibility(required, held({ qualificationTypeId: 'qt_other000001' }), undefined, now)).toBe('not_qualified');
  });

  it('refuses a blocked or suspended worker and a project without a reviewer qualification', () => {
    expect(reviewerIneligibility(required, held(), { code: 'worker_suspended', reason: 'x' }, now)).toBe('worker_suspended');
    expect(reviewerIneligibility(required, held(), { code: 'blocked_by_client' }, now)).toBe('blocked_by_client');
    expect(reviewerIneligibility(undefined, held(), undefined, now)).toBe('no_reviewer_qualification');
  });
});
