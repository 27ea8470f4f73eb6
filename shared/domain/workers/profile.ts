import { validationError } from '../errors';

/** CEFR-like levels, ordered: a requirement for `fluent` is met by `native`. */
export const LANGUAGE_LEVELS = ['basic', 'conversational', 'fluent', 'native'] as const;
export type LanguageLevel = (typeof LANGUAGE_LEVELS)[number];

export const GENDERS = ['female', 'male', 'non_binary', 'prefer_not_to_say'] as const;
export type Gender = (typeof GENDERS)[number];

export interface LanguageSkill {
  /** BCP-47 tag, e.g. `de` or `pt-BR`. */
  language: string;
  level: LanguageLevel;
}

/** Optional, sensitive: kept only while the worker consents, and used only for targeting and quotas. */
export interface Demographics {
  birthYear?: number;
  gender?: Gender;
}

export interface WorkerProfile {
  workerId: string;
  /** ISO 3166-1 alpha-2, upper case. */
  country: string;
  languages: LanguageSkill[];
  /** IANA time zone, e.g. `Europe/Berlin`. */
  timeZone: string;
  acceptedTermsVersion: string;
  demographicsConsent: { granted: boolean; at: string };
  demographics?: Demographics;
  createdAt: string;
  updatedAt: string;
}

export interface ProfileInput {
  country: string;
  languages: LanguageSkill[];
  timeZone: string;
  acceptedTermsVersion: string;
  demographicsConsent: boolean;
  demographics?: Demographics;
}

/** `de`, `de-CH`, `zh-Hant-TW`, `es-419`: language, optional script, optional region. */
const BCP47 = /^[a-z]{2,3}(-[A-Z][a-z]{3})?(-([A-Z]{2}|\d{3}))?$/;

export function isBcp47(tag: string): boolean {
  return BCP47.test(tag);
}

export function isIanaTimeZone(tz: string): boolean {
  if (!/^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/.test(tz) && tz !== 'UTC') return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** The language's primary subtag: a requirement for `pt` is met by `pt-BR`. */
export const primaryLanguage = (tag: string) => tag.split('-')[0]!.toLowerCase();

export function levelAtLeast(level: LanguageLevel, min: LanguageLevel): boolean {
  return LANGUAGE_LEVELS.indexOf(level) >= LANGUAGE_LEVELS.indexOf(min);
}

/**
 * The profile after an update. Demographics are stored only with consent; revoking consent (or
 * saving without it) drops them, so nothing sensitive outlives the consent.
 */
export function applyProfile(existing: WorkerProfile | undefined, input: ProfileInput, workerId: string, now: string): WorkerProfile {
  const issues = [];
  if (!isIanaTimeZone(input.timeZone)) issues.push({ path: 'body.timeZone', message: 'not an IANA time zone' });
  input.languages.forEach((l, i) => {
    if (!isBcp47(l.language)) issues.push({ path: `body.languages.${i}.language`, message: 'not a BCP-47 language tag' });
  });
  if (new Set(input.languages.map((l) => l.language)).size !== input.languages.length) issues.push({ path: 'body.languages', message: 'a language is listed twice' });
  if (input.demographics && !input.demographicsConsent) issues.push({ path: 'body.demographics', message: 'demographics are stored only with demographicsConsent: true' });
  if (issues.length) throw validationError(`Invalid profile: ${issues[0]!.path}: ${issues[0]!.message}`, issues);

  const consentChanged = !existing || existing.demographicsConsent.granted !== input.demographicsConsent;
  const demographics = input.demographicsConsent ? (input.demographics ?? existing?.demographics) : undefined;
  return {
    workerId,
    country: input.country.toUpperCase(),
    languages: input.languages,
    timeZone: input.timeZone,
    acceptedTermsVersion: input.acceptedTermsVersion,
    demographicsConsent: { granted: input.demographicsConsent, at: consentChanged ? now : existing.demographicsConsent.at },
    ...(demographics && Object.keys(demographics).length ? { demographics } : {}),
    createdAt: existing?.createdAt ?? now,
    updatedAt: now,
  };
}

/** Demographics usable for targeting and quotas: none without consent, whatever is stored. */
export function consentedDemographics(p: WorkerProfile | undefined): Demographics {
  return p?.demographicsConsent.granted ? (p.demographics ?? {}) : {};
}
