import { forbidden } from '../errors';
import { consentedDemographics, levelAtLeast, primaryLanguage, type LanguageLevel, type WorkerProfile } from './profile';
import { isActive, type Qualification } from './qualifications';
import { tierAtLeast, type Reputation, type Tier } from './reputation';

/** The ten comparators of MTurk's QualificationRequirement. */
export const COMPARATORS = [
  'LessThan',
  'LessThanOrEqualTo',
  'GreaterThan',
  'GreaterThanOrEqualTo',
  'EqualTo',
  'NotEqualTo',
  'Exists',
  'DoesNotExist',
  'In',
  'NotIn',
] as const;
export type Comparator = (typeof COMPARATORS)[number];

/** How many values each comparator takes: none, exactly one, or a non-empty list. */
export function valueArity(c: Comparator): 'none' | 'one' | 'many' {
  if (c === 'Exists' || c === 'DoesNotExist') return 'none';
  if (c === 'In' || c === 'NotIn') return 'many';
  return 'one';
}

export interface QualificationRequirement {
  qualificationTypeId: string;
  comparator: Comparator;
  values?: number[];
}

export interface ProjectRequirements {
  qualifications?: QualificationRequirement[];
  /** ISO 3166-1 alpha-2 countries a worker must live in. */
  countries?: string[];
  /** A worker must speak one of these at the level given or better. */
  languages?: { language: string; minLevel: LanguageLevel }[];
  minReputation?: number;
  minApprovedAssignments?: number;
  /** Demographic targeting, honoured only with the worker's consent. */
  birthYearBetween?: { from: number; to: number };
}

/**
 * Whether a worker's qualification satisfies a requirement. A missing (or expired) qualification
 * satisfies only DoesNotExist: absence is not a score, so NotEqualTo and NotIn are not met by it.
 */
export function satisfies(req: QualificationRequirement, score: number | undefined): boolean {
  const v = req.values ?? [];
  if (req.comparator === 'DoesNotExist') return score === undefined;
  if (score === undefined) return false;
  switch (req.comparator) {
    case 'Exists':
      return true;
    case 'LessThan':
      return score < v[0]!;
    case 'LessThanOrEqualTo':
      return score <= v[0]!;
    case 'GreaterThan':
      return score > v[0]!;
    case 'GreaterThanOrEqualTo':
      return score >= v[0]!;
    case 'EqualTo':
      return score === v[0];
    case 'NotEqualTo':
      return score !== v[0];
    case 'In':
      return v.includes(score);
    case 'NotIn':
      return !v.includes(score);
  }
}

/** Everything eligibility is decided from: read by key, a bounded number of items whatever the project. */
export interface WorkerFacts {
  workerId: string;
  profile?: WorkerProfile;
  /** The worker's qualifications for the types the project requires, by type id. */
  qualifications: Record<string, Qualification | undefined>;
  reputation: Reputation;
  /** Platform block/suspension, client block or project exclusion, when any applies. */
  standing?: { code: 'worker_blocked' | 'worker_suspended' | 'blocked_by_client' | 'excluded_from_project'; reason?: string };
}

export interface EligibilityProject {
  requirements?: ProjectRequirements;
  earlyAccess?: { minTier: Exclude<Tier, 'bronze'>; windowSeconds: number };
  publishedAt?: string;
}

export interface Unmet {
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

/** The first requirement the worker does not meet, or undefined when eligible. */
export function unmetRequirement(project: EligibilityProject, w: WorkerFacts, now: string): Unmet | undefined {
  if (w.standing) return { code: w.standing.code, message: 'You may not work on this project', details: w.standing.reason ? { reason: w.standing.reason } : {} };
  const r = project.requirements ?? {};
  for (const q of r.qualifications ?? []) {
    const held = w.qualifications[q.qualificationTypeId];
    const score = isActive(held, now) ? held.score : undefined;
    if (!satisfies(q, score)) {
      return { code: 'qualification_requirement_unmet', message: `Qualification ${q.qualificationTypeId} must be ${q.comparator}${q.values ? ` ${q.values.join(', ')}` : ''}`, details: { ...q, score: score ?? null } };
    }
  }
  if (r.countries?.length) {
    if (!w.profile) return { code: 'profile_required', message: 'Complete your profile (country) to work on this project' };
    if (!r.countries.includes(w.profile.country)) return { code: 'country_requirement_unmet', message: `Open to workers in ${r.countries.join(', ')}`, details: { countries: r.countries } };
  }
  if (r.languages?.length) {
    if (!w.profile) return { code: 'profile_required', message: 'Complete your profile (languages) to work on this project' };
    const ok = r.languages.some((need) => w.profile!.languages.some((l) => languageMatches(l.language, need.language) && levelAtLeast(l.level, need.minLevel)));
    if (!ok) return { code: 'language_requirement_unmet', message: 'You do not list a required language at the level needed', details: { languages: r.languages } };
  }
  if (r.birthYearBetween) {
    const year = consentedDemographics(w.profile).birthYear;
    if (year === undefined) return { code: 'demographics_consent_required', message: 'This project targets by age: share your birth year with consent in your profile' };
    if (year < r.birthYearBetween.from || year > r.birthYearBetween.to) return { code: 'demographic_requirement_unmet', message: 'This project targets another age group' };
  }
  if (r.minReputation !== undefined && w.reputation.score < r.minReputation) {
    return { code: 'reputation_requirement_unmet', message: `A reputation of ${r.minReputation} is needed`, details: { minReputation: r.minReputation, reputation: w.reputation.score } };
  }
  if (r.minApprovedAssignments !== undefined && w.reputation.approvedCount < r.minApprovedAssignments) {
    return { code: 'approved_assignments_requirement_unmet', message: `${r.minApprovedAssignments} approved assignments are needed`, details: { minApprovedAssignments: r.minApprovedAssignments, approvedCount: w.reputation.approvedCount } };
  }
  const window = earlyAccessUntil(project);
  if (project.earlyAccess && window && now < window && !tierAtLeast(w.reputation.tier, project.earlyAccess.minTier)) {
    return { code: 'early_access_tier_required', message: `Until ${window} this project is open to ${project.earlyAccess.minTier} workers and above`, details: { minTier: project.earlyAccess.minTier, until: window, tier: w.reputation.tier } };
  }
  return undefined;
}

/** `pt` is met by `pt-BR`; `pt-BR` only by `pt-BR`. */
function languageMatches(have: string, need: string): boolean {
  return need.includes('-') ? have.toLowerCase() === need.toLowerCase() : primaryLanguage(have) === primaryLanguage(need);
}

export function earlyAccessUntil(p: EligibilityProject): string | undefined {
  if (!p.earlyAccess || !p.publishedAt) return undefined;
  return new Date(Date.parse(p.publishedAt) + p.earlyAccess.windowSeconds * 1000).toISOString();
}

export function assertEligible(project: EligibilityProject, w: WorkerFacts, now: string): void {
  const unmet = unmetRequirement(project, w, now);
  if (unmet) throw forbidden(unmet.code, unmet.message, unmet.details);
}

/**
 * How well the worker fits an eligible project, for ordering the feed within a priority: a
 * qualification score above the bar and a stronger language count for more. In [0, 1].
 */
export function fitScore(project: EligibilityProject, w: WorkerFacts): number {
  const r = project.requirements ?? {};
  const parts: number[] = [];
  for (const q of r.qualifications ?? []) {
    const s = w.qualifications[q.qualificationTypeId]?.score;
    if (s !== undefined && valueArity(q.comparator) === 'one' && (q.comparator.startsWith('Greater'))) parts.push(Math.min(1, Math.max(0, (s - q.values![0]!) / 100) + 0.5));
  }
  for (const need of r.languages ?? []) {
    const l = w.profile?.languages.find((x) => languageMatches(x.language, need.language));
    if (l) parts.push(l.level === 'native' ? 1 : 0.75);
  }
  parts.push(w.reputation.score);
  return parts.reduce((a, b) => a + b, 0) / parts.length;
}

/** The qualification types whose items a worker's eligibility needs. */
export const requiredTypeIds = (r: ProjectRequirements | undefined) => [...new Set((r?.qualifications ?? []).map((q) => q.qualificationTypeId))];
