import { describe, expect, it } from 'vitest';
import { COMPARATORS, fitScore, satisfies, unmetRequirement, valueArity, type Comparator, type WorkerFacts } from '../../../../shared/domain/workers/requirements';
import { reputationOf } from '../../../../shared/domain/workers/reputation';
import type { WorkerProfile } from '../../../../shared/domain/workers/profile';
import { ProjectRequirementsBody } from '../../../../shared/api/schemas';

const NOW = '2026-03-01T12:00:00.000Z';

/** Each comparator against scores below, at and above the bar, and against a missing qualification. */
const CASES: { comparator: Comparator; values?: number[]; below: boolean; at: boolean; above: boolean; missing: boolean }[] = [
  { comparator: 'LessThan', values: [50], below: true, at: false, above: false, missing: false },
  { comparator: 'LessThanOrEqualTo', values: [50], below: true, at: true, above: false, missing: false },
  { comparator: 'GreaterThan', values: [50], below: false, at: false, above: true, missing: false },
  { comparator: 'GreaterThanOrEqualTo', values: [50], below: false, at: true, above: true, missing: false },
  { comparator: 'EqualTo', values: [50], below: false, at: true, above: false, missing: false },
  { comparator: 'NotEqualTo', values: [50], below: true, at: false, above: true, missing: false },
  { comparator: 'Exists', below: true, at: true, above: true, missing: false },
  { comparator: 'DoesNotExist', below: false, at: false, above: false, missing: true },
  { comparator: 'In', values: [49, 50], below: true, at: true, above: false, missing: false },
  { comparator: 'NotIn', values: [49, 50], below: false, at: false, above: true, missing: false },
];

describe('comparators', () => {
  it('covers all ten of MTurk', () => {
    expect(CASES.map((c) => c.comparator).sort()).toEqual([...COMPARATORS].sort());
  });

  for (const c of CASES) {
    it(`${c.comparator}: below, at and above the bar, and a missing qualification`, () => {
      const req = { qualificationTypeId: 'qt_0000000000', comparator: c.comparator, ...(c.values ? { values: c.values } : {}) };
      expect(satisfies(req, 49)).toBe(c.below);
      expect(satisfies(req, 50)).toBe(c.at);
      expect(satisfies(req, 51)).toBe(c.above);
      expect(satisfies(req, undefined)).toBe(c.missing);
    });
  }

  it('validates how many values each comparator takes', () => {
    const parse = (comparator: Comparator, values?: number[]) =>
      ProjectRequirementsBody.safeParse({ qualifications: [{ qualificationTypeId: 'qt_0000000000', comparator, ...(values ? { values } : {}) }] }).success;
    for (const c of COMPARATORS) {
      const arity = valueArity(c);
      expect(parse(c), c).toBe(arity === 'none');
      expect(parse(c, [1]), c).toBe(arity !== 'none');
      expect(parse(c, [1, 2]), c).toBe(arity === 'many');
    }
  });
});

const profile = (over: Partial<WorkerProfile> = {}): WorkerProfile => ({
  workerId: 'w',
  country: 'DE',
  languages: [
    { language: 'de', level: 'native' },
    { language: 'en-GB', level: 'fluent' },
  ],
  timeZone: 'Europe/Berlin',
  acceptedTermsVersion: '1',
  demographicsConsent: { granted: true, at: NOW },
  demographics: { birthYear: 1990, gender: 'female' },
  createdAt: NOW,
  updatedAt: NOW,
  ...over,
});

const facts = (over: Partial<WorkerFacts> = {}): WorkerFacts => ({
  workerId: 'w',
  profile: profile(),
  qualifications: {},
  reputation: reputationOf({ approvedCount: 0, rejectedCount: 0 }),
  ...over,
});

const qual = (score: number, expiresAt?: string) => ({ workerId: 'w', qualificationTypeId: 'qt_a000000000', score, source: 'manual' as const, grantedAt: NOW, ...(expiresAt ? { expiresAt } : {}) });

describe('eligibility', () => {
  it('names the first unmet requirement', () => {
    const project = { requirements: { qualifications: [{ qualificationTypeId: 'qt_a000000000', comparator: 'GreaterThanOrEqualTo' as const, values: [80] }] } };
    expect(unmetRequirement(project, facts(), NOW)?.code).toBe('qualification_requirement_unmet');
    expect(unmetRequirement(project, facts({ qualifications: { qt_a000000000: qual(79) } }), NOW)?.code).toBe('qualification_requirement_unmet');
    expect(unmetRequirement(project, facts({ qualifications: { qt_a000000000: qual(80) } }), NOW)).toBeUndefined();
  });

  it('treats an expired score as missing', () => {
    const project = { requirements: { qualifications: [{ qualificationTypeId: 'qt_a000000000', comparator: 'Exists' as const }] } };
    expect(unmetRequirement(project, facts({ qualifications: { qt_a000000000: qual(90, '2026-02-01T00:00:00.000Z') } }), NOW)?.code).toBe('qualification_requirement_unmet');
    expect(unmetRequirement(project, facts({ qualifications: { qt_a000000000: qual(90, '2026-04-01T00:00:00.000Z') } }), NOW)).toBeUndefined();
  });

  it('checks country, language level and subtags', () => {
    expect(unmetRequirement({ requirements: { countries: ['AT', 'CH'] } }, facts(), NOW)?.code).toBe('country_requirement_unmet');
    expect(unmetRequirement({ requirements: { countries: ['DE'] } }, facts(), NOW)).toBeUndefined();
    expect(unmetRequirement({ requirements: { countries: ['DE'] } }, facts({ profile: undefined }), NOW)?.code).toBe('profile_required');
    expect(unmetRequirement({ requirements: { languages: [{ language: 'en', minLevel: 'fluent' }] } }, facts(), NOW)).toBeUndefined();
    expect(unmetRequirement({ requirements: { languages: [{ language: 'en', minLevel: 'native' }] } }, facts(), NOW)?.code).toBe('language_requirement_unmet');
    expect(unmetRequirement({ requirements: { languages: [{ language: 'en-US', minLevel: 'basic' }] } }, facts(), NOW)?.code).toBe('language_requirement_unmet');
  });

  it('targets by age only with consent', () => {
    const project = { requirements: { birthYearBetween: { from: 1985, to: 1995 } } };
    expect(unmetRequirement(project, facts(), NOW)).toBeUndefined();
    const revoked = profile({ demographicsConsent: { granted: false, at: NOW } });
    expect(unmetRequirement(project, facts({ profile: revoked }), NOW)?.code).toBe('demographics_consent_required');
  });

  it('checks reputation and approved assignments', () => {
    const veteran = reputationOf({ approvedCount: 200, rejectedCount: 2 });
    expect(unmetRequirement({ requirements: { minReputation: 0.9 } }, facts(), NOW)?.code).toBe('reputation_requirement_unmet');
    expect(unmetRequirement({ requirements: { minReputation: 0.9 } }, facts({ reputation: veteran }), NOW)).toBeUndefined();
    expect(unmetRequirement({ requirements: { minApprovedAssignments: 1 } }, facts(), NOW)?.code).toBe('approved_assignments_requirement_unmet');
  });

  it('blocks, suspensions and exclusions come first, with their code', () => {
    expect(unmetRequirement({}, facts({ standing: { code: 'worker_suspended', reason: 'r' } }), NOW)).toMatchObject({ code: 'worker_suspended', details: { reason: 'r' } });
  });

  it('keeps lower tiers out during the early-access window only', () => {
    const project = { earlyAccess: { minTier: 'gold' as const, windowSeconds: 3600 }, publishedAt: '2026-03-01T11:30:00.000Z' };
    expect(unmetRequirement(project, facts(), NOW)?.code).toBe('early_access_tier_required');
    expect(unmetRequirement(project, facts({ reputation: reputationOf({ approvedCount: 500, rejectedCount: 0 }) }), NOW)).toBeUndefined();
    expect(unmetRequirement(project, facts(), '2026-03-01T12:30:00.001Z')).toBeUndefined();
  });

  it('fits a stronger worker better', () => {
    const project = { requirements: { qualifications: [{ qualificationTypeId: 'qt_a000000000', comparator: 'GreaterThan' as const, values: [50] }] } };
    expect(fitScore(project, facts({ qualifications: { qt_a000000000: qual(95) } }))).toBeGreaterThan(fitScore(project, facts({ qualifications: { qt_a000000000: qual(55) } })));
  });
});
