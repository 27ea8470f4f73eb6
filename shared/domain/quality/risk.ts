import { createHash } from 'node:crypto';
import type { Answer, AnswerSpec } from '../marketplace/answer-spec';
import type { MediaCollectionSpec, MediaFacts, MediaRecord } from '../marketplace/task-types/media-collection';
import type { SurveySpec } from '../marketplace/task-types/survey';
import { checkGeofence, distanceMetres, type LatLon } from '../media/geofence';
import { hammingDistance } from '../media/perceptual-hash';

/**
 * The risk of one submission: signals measured where their data is (at media confirm, at submit,
 * and over the microtask's answers at review), each adding its weight to a score with the reason
 * and the evidence. A signal of weight 0 records a check that ran and found nothing, so a reviewer
 * sees what was checked, not only what fired. Rules (auto-checks.ts) turn score and signals into
 * reject, flag or pass. See docs/adr/0016-submission-risk-signals.md.
 */
export const SIGNAL_CODES = [
  'answer.spec_valid',
  'answer.duplicate',
  'media.verified',
  'media.exif_missing',
  'media.gps_missing',
  'media.captured_before_claim',
  'media.captured_after_submit',
  'media.gps_reported_mismatch',
  'media.inside_geofence',
  'media.duplicate',
  'media.near_duplicate',
  'media.hash_unavailable',
  'network.ip_country_mismatch',
  'network.ip_country_unknown',
  'time.too_fast',
  'time.fast_vs_median',
] as const;
export type SignalCode = (typeof SIGNAL_CODES)[number];

export interface RiskSignal {
  code: SignalCode;
  /** What it adds to the score. */
  weight: number;
  reason: string;
  /** Plain JSON for the reviewer: measured values and limits; never another worker's identity, never an IP address. */
  evidence: Record<string, unknown>;
}

/** Stored on the assignment at submit; for review only (a worker's views drop it). */
export interface SubmissionRisk {
  score: number;
  signals: RiskSignal[];
  computedAt: string;
}

export type AutoCheckAction = 'reject' | 'flag';

/**
 * A project's automatic checks: the thresholds and weights its rules use. Every field has a
 * default (DEFAULT_AUTO_CHECKS); a project stores only what it overrides.
 */
export interface AutoChecksPolicy {
  /** Off: the rules pass everything (signals are still recorded). */
  enabled: boolean;
  /** A score at or above this flags the assignment for a person to look at. */
  flagAtScore: number;
  /** A score at or above this rejects it. */
  rejectAtScore: number;
  /** Signals that decide on their own, whatever the score. */
  actions: Partial<Record<SignalCode, AutoCheckAction>>;
  /** Overrides of the default weights. */
  weights: Partial<Record<SignalCode, number>>;
  /** Faster than this from claim to submit is implausible; the task type's default when unset. */
  minSecondsToSubmit?: number;
  /** Faster than this share of the microtask's median time is implausible (needs `medianMinAnswers` answers). */
  fastFractionOfMedian: number;
  medianMinAnswers: number;
  /** Free-form answers shorter than this (normalised) are not fingerprinted: short answers coincide honestly. */
  minDuplicateChars: number;
  /** Photos whose perceptual hashes differ in at most this many of 64 bits are near copies (re-encoded, resized). */
  nearDuplicateMaxDistance: number;
  /** A photo taken this long before the claim was not taken for the task. */
  captureSlackMinutes: number;
  /** EXIF GPS and the location the device reported may differ by this much. */
  maxGpsMismatchMetres: number;
}

export const DEFAULT_WEIGHTS: Record<SignalCode, number> = {
  'answer.spec_valid': 0,
  'answer.duplicate': 40,
  'media.verified': 0,
  'media.exif_missing': 20,
  'media.gps_missing': 10,
  'media.captured_before_claim': 30,
  'media.captured_after_submit': 40,
  'media.gps_reported_mismatch': 25,
  'media.inside_geofence': 0,
  'media.duplicate': 100,
  'media.near_duplicate': 40,
  'media.hash_unavailable': 0,
  'network.ip_country_mismatch': 25,
  'network.ip_country_unknown': 0,
  'time.too_fast': 35,
  'time.fast_vs_median': 25,
};

export const DEFAULT_AUTO_CHECKS: AutoChecksPolicy = {
  enabled: true,
  flagAtScore: 30,
  rejectAtScore: 100,
  // The same bytes in two assignments are never two captures; a copied text may be an honest coincidence.
  // A photo's near copy may be a second shot of the same scene: a person decides.
  actions: { 'media.duplicate': 'reject', 'media.near_duplicate': 'flag', 'answer.duplicate': 'flag' },
  weights: {},
  fastFractionOfMedian: 0.25,
  medianMinAnswers: 3,
  minDuplicateChars: 20,
  nearDuplicateMaxDistance: 6,
  captureSlackMinutes: 10,
  maxGpsMismatchMetres: 1_000,
};

/** A project's stored overrides over the defaults. */
export function autoChecksPolicy(overrides: Partial<AutoChecksPolicy> | undefined): AutoChecksPolicy {
  return { ...DEFAULT_AUTO_CHECKS, ...overrides, actions: { ...DEFAULT_AUTO_CHECKS.actions, ...overrides?.actions }, weights: { ...overrides?.weights } };
}

/** Seconds from claim to submit below which an answer of the type is implausible (reading the task alone takes this). */
export const MIN_SECONDS_BY_TASK_TYPE: Record<AnswerSpec['type'], number> = {
  single_choice: 2,
  multiple_choice: 3,
  rating: 2,
  image_tags: 3,
  free_text: 5,
  bounding_boxes: 5,
  audio_transcription: 5,
  survey: 10,
  media_collection: 15,
  external: 5,
};

export function signal(policy: AutoChecksPolicy, code: SignalCode, reason: string, evidence: Record<string, unknown>): RiskSignal {
  return { code, weight: policy.weights[code] ?? DEFAULT_WEIGHTS[code], reason, evidence };
}

export function scoreOf(signals: readonly RiskSignal[]): number {
  return signals.reduce((s, x) => s + x.weight, 0);
}

export function riskOf(signals: RiskSignal[], computedAt: string): SubmissionRisk {
  return { score: scoreOf(signals), signals, computedAt };
}

// ------------------------------------------------------------------ answer

/** Recorded, not scored: the answer already passed its type's validation at submit. */
export function answerSpecSignal(policy: AutoChecksPolicy, spec: AnswerSpec): RiskSignal {
  return signal(policy, 'answer.spec_valid', `The answer matches the ${spec.type} answer spec`, { type: spec.type });
}

/** Lower case, accents and punctuation off, whitespace collapsed: a copy stays a copy through retyping noise. */
export function normaliseText(s: string): string {
  return s
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** The string leaves of a value, by sorted key path: an external page's answer has no fixed shape. */
function stringLeaves(v: unknown, path = ''): string[] {
  if (typeof v === 'string') return [`${path}=${v}`];
  if (Array.isArray(v)) return v.flatMap((x, i) => stringLeaves(x, `${path}[${i}]`));
  if (v && typeof v === 'object') return Object.keys(v).sort().flatMap((k) => stringLeaves((v as Record<string, unknown>)[k], `${path}.${k}`));
  return [];
}

/**
 * The part of an answer a worker writes freely, which independent workers do not produce
 * identically. Choices, ratings, tags and boxes are left out: identical answers to those are the
 * agreement consensus counts on. Media ids are unique by construction; media are compared by their bytes.
 */
export function freeFormContent(spec: AnswerSpec, answer: Answer): string | undefined {
  const a = answer as Record<string, unknown>;
  switch (spec.type) {
    case 'free_text':
    case 'audio_transcription':
      return typeof a.text === 'string' ? normaliseText(a.text) : undefined;
    case 'media_collection':
      return typeof a.note === 'string' ? normaliseText(a.note) : undefined;
    case 'external':
      return normaliseText(stringLeaves(a).join('\n'));
    case 'survey': {
      const parts = (spec as SurveySpec).questions
        .filter((q) => q.type === 'free_text' || q.type === 'audio_transcription')
        .flatMap((q) => {
          const t = (a[q.id] as { text?: unknown } | undefined)?.text;
          return typeof t === 'string' ? [`${q.id}=${normaliseText(t)}`] : [];
        });
      return parts.length ? parts.join('\n') : undefined;
    }
    default:
      return undefined;
  }
}

/** The SHA-256 of an answer's normalised free-form content, when there is enough of it to mean something. */
export function answerFingerprint(policy: AutoChecksPolicy, spec: AnswerSpec, answer: Answer): string | undefined {
  const content = freeFormContent(spec, answer);
  if (content === undefined || content.replace(/[^\p{L}\p{N}]/gu, '').length < policy.minDuplicateChars) return undefined;
  return createHash('sha256').update(content).digest('hex');
}

/** Who first submitted a fingerprint: stored with it, read back by a later equal one. */
export interface FingerprintOwner {
  assignmentId: string;
  microtaskId: string;
}

/**
 * A later equal answer. Only across microtasks: the same text for the same microtask is agreement
 * (transcriptions of one recording should match), for another microtask it is a copy.
 */
export function answerDuplicateSignal(policy: AutoChecksPolicy, mine: FingerprintOwner, fingerprint: string, owner: FingerprintOwner): RiskSignal | undefined {
  if (owner.assignmentId === mine.assignmentId || owner.microtaskId === mine.microtaskId) return undefined;
  return signal(policy, 'answer.duplicate', 'The same free-form answer was submitted earlier for another microtask of this project', { fingerprint, firstAssignmentId: owner.assignmentId });
}

/** The same file bytes in another assignment, of any microtask of the project. */
export function mediaDuplicateSignal(policy: AutoChecksPolicy, mine: FingerprintOwner, mediaId: string, contentHash: string, owner: FingerprintOwner): RiskSignal | undefined {
  if (owner.assignmentId === mine.assignmentId) return undefined;
  return signal(policy, 'media.duplicate', 'The same file was submitted earlier in another assignment of this project', {
    mediaId,
    contentHash,
    firstAssignmentId: owner.assignmentId,
    sameMicrotask: owner.microtaskId === mine.microtaskId,
  });
}

/** Who first submitted a photo band: the owner's whole perceptual hash is stored with each band. */
export interface PerceptualOwner extends FingerprintOwner {
  perceptualHash: string;
}

/**
 * A photo within the policy's distance of one submitted earlier in another assignment: the
 * owners of its bands are the candidates (at most four), the nearest one is the evidence.
 */
export function mediaNearDuplicateSignal(policy: AutoChecksPolicy, mine: FingerprintOwner, mediaId: string, perceptualHash: string, owners: readonly PerceptualOwner[]): RiskSignal | undefined {
  let nearest: { owner: PerceptualOwner; distance: number } | undefined;
  for (const owner of owners) {
    if (owner.assignmentId === mine.assignmentId) continue;
    const distance = hammingDistance(perceptualHash, owner.perceptualHash);
    if (distance <= policy.nearDuplicateMaxDistance && (!nearest || distance < nearest.distance)) nearest = { owner, distance };
  }
  if (!nearest) return undefined;
  return signal(policy, 'media.near_duplicate', 'A visually near-identical photo (re-encoded, resized or lightly edited) was submitted earlier in another assignment of this project', {
    mediaId,
    firstAssignmentId: nearest.owner.assignmentId,
    sameMicrotask: nearest.owner.microtaskId === mine.microtaskId,
    distanceBits: nearest.distance,
    maxDistanceBits: policy.nearDuplicateMaxDistance,
  });
}

// ------------------------------------------------------------------ media

/** EXIF DateTimeOriginal without an offset is the camera's local time: anywhere within UTC−12…UTC+14 of the truth. */
const UNZONED_SLACK_MINUTES = 14 * 60;
const hasZone = (iso: string) => /(Z|[+-]\d{2}:\d{2})$/.test(iso);

/**
 * What a confirmed file says about its submission: its verified type and size, whether it has
 * EXIF, whether it was captured between the claim and the submission, and whether its EXIF
 * position agrees with the device's reported one and the task's geofence.
 */
export function mediaSignals(
  policy: AutoChecksPolicy,
  spec: MediaCollectionSpec,
  media: Pick<MediaRecord, 'mediaId' | 'declaredContentType'> & { facts: MediaFacts },
  when: { claimedAt: string; submittedAt: string },
  reported: LatLon | undefined,
): RiskSignal[] {
  const { mediaId, facts } = media;
  const out: RiskSignal[] = [
    signal(policy, 'media.verified', 'Its bytes are of the declared type and size (checked at confirm)', {
      mediaId,
      mimeType: facts.mimeType,
      sizeBytes: facts.sizeBytes,
      ...(facts.durationSeconds !== undefined ? { durationSeconds: facts.durationSeconds } : {}),
    }),
  ];
  if (facts.contentHash === undefined) out.push(signal(policy, 'media.hash_unavailable', 'The storage reported no content hash: not checked for duplicates', { mediaId }));
  if (!facts.mimeType.startsWith('image/')) return out;
  if (facts.perceptualHash === undefined) {
    out.push(signal(policy, 'media.hash_unavailable', 'The photo could not be decoded (its type, size or content): not checked for near copies, only for identical bytes', { mediaId, hash: 'perceptual', mimeType: facts.mimeType }));
  }

  if (!facts.capturedAt) {
    out.push(signal(policy, 'media.exif_missing', 'The photo carries no EXIF capture time (screenshots, edited or downloaded images lose it)', { mediaId, mimeType: facts.mimeType, exifRead: facts.mimeType === 'image/jpeg' }));
  } else {
    const zoned = hasZone(facts.capturedAt);
    const slack = policy.captureSlackMinutes + (zoned ? 0 : UNZONED_SLACK_MINUTES);
    // Unzoned EXIF time parsed as UTC; the slack covers every zone.
    const captured = Date.parse(zoned ? facts.capturedAt : `${facts.capturedAt}Z`);
    const evidence = { mediaId, capturedAt: facts.capturedAt, zoneKnown: zoned, slackMinutes: slack };
    if (captured < Date.parse(when.claimedAt) - slack * 60_000) {
      out.push(signal(policy, 'media.captured_before_claim', 'The photo was taken before the task was claimed', { ...evidence, claimedAt: when.claimedAt }));
    } else if (captured > Date.parse(when.submittedAt) + slack * 60_000) {
      out.push(signal(policy, 'media.captured_after_submit', 'The photo claims a capture time after its submission: the camera clock or the file was altered', { ...evidence, submittedAt: when.submittedAt }));
    }
  }
  if (spec.geofence && !facts.gps) {
    out.push(signal(policy, 'media.gps_missing', 'The photo has no EXIF position; the geofence was checked against the device-reported location only', { mediaId }));
  }
  if (facts.gps && reported) {
    const d = Math.round(distanceMetres(facts.gps, reported));
    if (d > policy.maxGpsMismatchMetres) {
      out.push(signal(policy, 'media.gps_reported_mismatch', 'The EXIF position and the device-reported location disagree', { mediaId, distanceMetres: d, limitMetres: policy.maxGpsMismatchMetres }));
    }
  }
  const where = facts.gps ?? reported;
  if (spec.geofence && where) {
    const v = checkGeofence(spec.geofence, where);
    // Outside is refused at submit; what is recorded here is how it was established.
    if (v.inside) out.push(signal(policy, 'media.inside_geofence', 'Captured inside the task geofence', { mediaId, source: facts.gps ? 'exif' : 'reported', ...(v.distanceMetres !== undefined ? { distanceMetres: v.distanceMetres } : {}) }));
  }
  return out;
}

// ------------------------------------------------------------------ network

/** `unknown` for private, loopback and unlisted addresses. */
export function ipCountrySignal(policy: AutoChecksPolicy, ipCountry: string | undefined, profileCountry: string | undefined): RiskSignal | undefined {
  if (!ipCountry || !profileCountry) {
    return signal(policy, 'network.ip_country_unknown', 'The country of the submitting address or of the worker profile is unknown', { ipCountry: ipCountry ?? null, profileCountry: profileCountry ?? null });
  }
  if (ipCountry.toUpperCase() === profileCountry.toUpperCase()) return undefined;
  return signal(policy, 'network.ip_country_mismatch', "The submission came from outside the worker's profile country (a VPN or a shared account)", { ipCountry, profileCountry });
}

// ------------------------------------------------------------------ time

/** Claim to submit on the platform's clock (the client's reported active time can be forged). */
export function tooFastSignal(policy: AutoChecksPolicy, type: AnswerSpec['type'], secondsToSubmit: number): RiskSignal | undefined {
  const minimum = policy.minSecondsToSubmit ?? MIN_SECONDS_BY_TASK_TYPE[type];
  if (secondsToSubmit >= minimum) return undefined;
  return signal(policy, 'time.too_fast', 'Submitted faster than the task can be done', {
    secondsToSubmit: Math.round(secondsToSubmit * 10) / 10,
    minimumSeconds: minimum,
    minimumFrom: policy.minSecondsToSubmit !== undefined ? 'project' : 'task_type',
  });
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/**
 * Relative speed, at review, over the microtask's own answers: far below the median of the
 * answers to the same microtask. Needs a few answers; the median of two says little.
 */
export function fastVsMedianSignals(policy: AutoChecksPolicy, answers: readonly { assignmentId: string; secondsToSubmit?: number }[]): Map<string, RiskSignal> {
  const timed = answers.filter((a): a is { assignmentId: string; secondsToSubmit: number } => a.secondsToSubmit !== undefined);
  const out = new Map<string, RiskSignal>();
  if (timed.length < policy.medianMinAnswers) return out;
  const m = median(timed.map((a) => a.secondsToSubmit));
  for (const a of timed) {
    if (a.secondsToSubmit < policy.fastFractionOfMedian * m) {
      out.set(
        a.assignmentId,
        signal(policy, 'time.fast_vs_median', "Submitted far faster than the other answers to the same microtask", {
          secondsToSubmit: Math.round(a.secondsToSubmit * 10) / 10,
          medianSeconds: Math.round(m * 10) / 10,
          fraction: policy.fastFractionOfMedian,
          answers: timed.length,
        }),
      );
    }
  }
  return out;
}
