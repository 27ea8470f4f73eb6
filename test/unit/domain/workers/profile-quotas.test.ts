import { describe, expect, it } from 'vitest';
import { DomainError } from '../../../../shared/domain/errors';
import { applyProfile, consentedDemographics, type ProfileInput } from '../../../../shared/domain/workers/profile';
import { hasRoom, segmentOf } from '../../../../shared/domain/workers/quotas';

const input = (over: Partial<ProfileInput> = {}): ProfileInput => ({
  country: 'de',
  languages: [{ language: 'de', level: 'native' }],
  timeZone: 'Europe/Berlin',
  acceptedTermsVersion: '2026-01',
  demographicsConsent: true,
  demographics: { birthYear: 1991, gender: 'male' },
  ...over,
});

describe('profile', () => {
  it('stores demographics with consent and drops them when consent is revoked', () => {
    const first = applyProfile(undefined, input(), 'w', '2026-01-01T00:00:00.000Z');
    expect(first.country).toBe('DE');
    expect(consentedDemographics(first)).toEqual({ birthYear: 1991, gender: 'male' });
    const revoked = applyProfile(first, input({ demographicsConsent: false, demographics: undefined }), 'w', '2026-02-01T00:00:00.000Z');
    expect(revoked.demographics).toBeUndefined();
    expect(revoked.demographicsConsent).toEqual({ granted: false, at: '2026-02-01T00:00:00.000Z' });
  });

  it('refuses demographics without consent, bad tags and unknown zones, naming the field', () => {
    const paths = (i: ProfileInput) => {
      try {
        applyProfile(undefined, i, 'w', '2026-01-01T00:00:00.000Z');
        return [];
      } catch (e) {
        return ((e as DomainError).details as { issues: { path: string }[] }).issues.map((x) => x.path);
      }
    };
    expect(paths(input({ demographicsConsent: false }))).toEqual(['body.demographics']);
    expect(paths(input({ timeZone: 'Mars/Olympus' }))).toEqual(['body.timeZone']);
    expect(paths(input({ languages: [{ language: 'deutsch', level: 'native' }] }))).toEqual(['body.languages.0.language']);
    expect(paths(input())).toEqual([]);
  });
});

describe('quota segments', () => {
  const profile = applyProfile(undefined, input(), 'w', '2026-01-01T00:00:00.000Z');
  const quota = { dimensions: ['nativeLanguage', 'input.scenario'], limits: { 'de|kitchen': 2 }, defaultLimit: 1 };

  it('joins worker attributes and microtask input', () => {
    expect(segmentOf(quota, profile, { scenario: 'kitchen' })).toEqual({ key: 'de|kitchen', limit: 2 });
    expect(segmentOf(quota, profile, { scenario: 'car' })).toEqual({ key: 'de|car', limit: 1 });
    expect(segmentOf(quota, profile, {})).toEqual({ missing: 'input.scenario' });
    expect(segmentOf({ ...quota, defaultLimit: undefined }, profile, { scenario: 'car' })).toEqual({ key: 'de|car', limit: 0 });
  });

  it('uses demographics only with consent', () => {
    const byGender = { dimensions: ['gender'], limits: { male: 1, female: 1 } };
    expect(segmentOf(byGender, profile)).toEqual({ key: 'male', limit: 1 });
    const revoked = applyProfile(profile, input({ demographicsConsent: false, demographics: undefined }), 'w', '2026-02-01T00:00:00.000Z');
    expect(segmentOf(byGender, revoked)).toEqual({ missing: 'gender' });
  });

  it('has room strictly below the limit', () => {
    expect(hasRoom(undefined, 1)).toBe(true);
    expect(hasRoom(1, 2)).toBe(true);
    expect(hasRoom(2, 2)).toBe(false);
    expect(hasRoom(0, 0)).toBe(false);
  });
});
