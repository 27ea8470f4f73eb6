import { validationError, type FieldIssue } from '../../errors';
import { MEASURABLE_FAMILIES } from '../../media/duration';
import type { ExifFacts } from '../../media/exif';
import { checkGeofence, type Geofence, type LatLon } from '../../media/geofence';
import { collectThrown, NOT_COMPARED, type TaskType } from './task-type';
import { declaredTypeMatches, MEDIA_TYPES, type DetectedType, type MediaMimeType } from '../../media/magic-bytes';

/**
 * The media collection task type: the worker captures photos, audio or video (say, of a shop
 * front, within 200 m of an address) and submits the uploaded files. Bytes never pass through the
 * API: the worker uploads to object storage with a presigned POST bound to the assignment, and the
 * confirm step inspects what actually arrived before the file may be part of an answer.
 */
export type MediaKind = 'photo' | 'audio' | 'video';

export interface MediaCollectionSpec {
  type: 'media_collection';
  prompt: string;
  kinds: MediaKind[];
  mimeTypes: MediaMimeType[];
  maxBytesPerFile: number;
  minCount: number;
  maxCount: number;
  /** Only for audio and video in a format whose duration can be measured (WAV, MP4, MOV, M4A). */
  minDurationSeconds?: number;
  maxDurationSeconds?: number;
  geofence?: Geofence;
}

export interface MediaCollectionAnswer {
  media: string[];
  note?: string;
}

export type MediaStatus = 'pending' | 'confirmed' | 'rejected';

/** What the confirm step found in the stored object. */
export interface MediaFacts {
  mimeType: string;
  sizeBytes: number;
  durationSeconds?: number;
  capturedAt?: string;
  gps?: LatLon;
  /** The storage's hash of the whole file (`md5:<hex>`, S3's ETag of a single-part upload): duplicates are found by it. */
  contentHash?: string;
  /** A JPEG's or PNG's 64-bit dHash (16 hex digits): near copies are found by it. Absent when the photo was not decoded. */
  perceptualHash?: string;
}

/** One uploaded (or announced) file of an assignment. */
export interface MediaRecord {
  mediaId: string;
  assignmentId: string;
  projectId: string;
  orgId: string;
  workerId: string;
  key: string;
  declaredContentType: MediaMimeType;
  declaredSizeBytes: number;
  status: MediaStatus;
  requestedAt: string;
  /** When the confirm step confirmed or rejected it. */
  settledAt?: string;
  facts?: MediaFacts;
  rejection?: { rule: string; message: string };
}

/** Uploads an assignment may announce, confirmed or not: the spec's maximum plus room for retakes. */
export const maxUploadsPerAssignment = (spec: MediaCollectionSpec) => spec.maxCount * 2 + 3;

const KIND_OF_PREFIX: Record<string, MediaKind> = { image: 'photo', audio: 'audio', video: 'video' };
export const kindOf = (mime: string): MediaKind | undefined => KIND_OF_PREFIX[mime.split('/')[0] ?? ''];

/** Object keys are `media/<projectId>/<assignmentId>/<mediaId>`: the prefix alone says whose file it is. */
export const mediaKey = (projectId: string, assignmentId: string, mediaId: string) => `media/${projectId}/${assignmentId}/${mediaId}`;

const measurable = (mime: MediaMimeType) => (MEASURABLE_FAMILIES as readonly string[]).includes(MEDIA_TYPES[mime]);

export function assertMediaSpecIsConsistent(spec: MediaCollectionSpec): void {
  const issues: FieldIssue[] = [];
  for (const [i, mime] of spec.mimeTypes.entries()) {
    const kind = kindOf(mime);
    if (!kind || !spec.kinds.includes(kind)) issues.push({ path: `answerSpec.mimeTypes.${i}`, message: `${mime} is not a ${spec.kinds.join('/')} type` });
  }
  for (const kind of spec.kinds) {
    if (!spec.mimeTypes.some((m) => kindOf(m) === kind)) issues.push({ path: 'answerSpec.kinds', message: `no allowed mime type for ${kind}` });
  }
  if (spec.minCount > spec.maxCount) issues.push({ path: 'answerSpec.minCount', message: 'must not exceed maxCount' });
  const { minDurationSeconds: min, maxDurationSeconds: max } = spec;
  if (min !== undefined && max !== undefined && min > max) issues.push({ path: 'answerSpec.minDurationSeconds', message: 'must not exceed maxDurationSeconds' });
  if (min !== undefined || max !== undefined) {
    for (const [i, mime] of spec.mimeTypes.entries()) {
      if (kindOf(mime) === 'photo') continue;
      if (!measurable(mime)) issues.push({ path: `answerSpec.mimeTypes.${i}`, message: `the duration of ${mime} cannot be measured; with a duration limit use audio/wav, audio/mp4, video/mp4 or video/quicktime` });
    }
  }
  const g = spec.geofence;
  if (g?.type === 'box' && g.south > g.north) issues.push({ path: 'answerSpec.geofence.south', message: 'must not exceed north' });
  if (issues.length) throw validationError('The media collection spec is inconsistent', issues);
}

const rule = (code: string, message: string, path: string, details: Record<string, unknown> = {}) => {
  const e = validationError(message, [{ path, message }], code);
  Object.assign(e.details as object, details);
  return e;
};

/** Before a presigned POST is handed out: the declared type and size must fit the spec. */
export function assertUploadAllowed(spec: MediaCollectionSpec, declared: { contentType: string; sizeBytes: number }): void {
  if (!(spec.mimeTypes as string[]).includes(declared.contentType)) {
    throw rule('media_type_not_allowed', `${declared.contentType} is not allowed; expected one of ${spec.mimeTypes.join(', ')}`, 'body.contentType', { allowed: spec.mimeTypes });
  }
  if (declared.sizeBytes > spec.maxBytesPerFile) {
    throw rule('media_too_large', `${declared.sizeBytes} bytes is more than the ${spec.maxBytesPerFile} bytes allowed per file`, 'body.sizeBytes', { limit: spec.maxBytesPerFile });
  }
}

export interface Inspection {
  storedSizeBytes: number;
  contentHash?: string;
  detected: DetectedType | undefined;
  durationSeconds?: number;
  exif?: ExifFacts;
}

/**
 * Judges what arrived in storage against what was declared and what the spec allows. Returns the
 * facts to record, or throws a 400 whose code names the rule that failed.
 */
export function judgeUpload(spec: MediaCollectionSpec, record: Pick<MediaRecord, 'declaredContentType' | 'declaredSizeBytes'>, seen: Inspection): MediaFacts {
  if (seen.storedSizeBytes > spec.maxBytesPerFile) {
    throw rule('media_too_large', `The file is ${seen.storedSizeBytes} bytes, more than the ${spec.maxBytesPerFile} bytes allowed`, 'media.sizeBytes', { limit: spec.maxBytesPerFile });
  }
  if (seen.storedSizeBytes !== record.declaredSizeBytes) {
    throw rule('media_size_mismatch', `The file is ${seen.storedSizeBytes} bytes, not the ${record.declaredSizeBytes} declared`, 'media.sizeBytes');
  }
  if (!seen.detected) throw rule('media_unrecognized', 'The file content is not a recognised image, audio or video format', 'media.content');
  if (!declaredTypeMatches(record.declaredContentType, seen.detected)) {
    throw rule('media_type_mismatch', `The file content is ${seen.detected.mimeType}, not the ${record.declaredContentType} declared`, 'media.content', { detected: seen.detected.mimeType });
  }
  if (!(spec.mimeTypes as string[]).includes(record.declaredContentType)) {
    throw rule('media_type_not_allowed', `${record.declaredContentType} is not allowed`, 'media.contentType', { allowed: spec.mimeTypes });
  }
  const facts: MediaFacts = { mimeType: seen.detected.mimeType, sizeBytes: seen.storedSizeBytes };
  if (kindOf(record.declaredContentType) !== 'photo' && (spec.minDurationSeconds !== undefined || spec.maxDurationSeconds !== undefined)) {
    const d = seen.durationSeconds;
    if (d === undefined) throw rule('media_duration_unknown', 'The duration of this file could not be read from its headers', 'media.duration');
    if (spec.minDurationSeconds !== undefined && d < spec.minDurationSeconds) throw rule('media_too_short', `The recording lasts ${d.toFixed(1)} s, less than ${spec.minDurationSeconds} s`, 'media.duration');
    if (spec.maxDurationSeconds !== undefined && d > spec.maxDurationSeconds) throw rule('media_too_long', `The recording lasts ${d.toFixed(1)} s, more than ${spec.maxDurationSeconds} s`, 'media.duration');
  }
  if (seen.durationSeconds !== undefined) facts.durationSeconds = Math.round(seen.durationSeconds * 1000) / 1000;
  if (seen.exif?.capturedAt) facts.capturedAt = seen.exif.capturedAt;
  if (seen.exif?.gps) facts.gps = seen.exif.gps;
  if (seen.contentHash) facts.contentHash = seen.contentHash;
  return facts;
}

/** The answer's shape: media ids (unique, within the spec's count) and an optional note. */
export function validateMediaAnswer(spec: MediaCollectionSpec, answer: unknown): MediaCollectionAnswer {
  const issues: FieldIssue[] = [];
  const a = (answer ?? {}) as Record<string, unknown>;
  const media = a.media;
  if (!Array.isArray(media) || !media.every((m): m is string => typeof m === 'string' && /^med_[0-9a-z]{10,40}$/.test(m))) {
    issues.push({ path: 'answer.media', message: 'must be a list of media ids (med_…)' });
  } else {
    if (new Set(media).size !== media.length) issues.push({ path: 'answer.media', message: 'lists a media id twice' });
    if (media.length < spec.minCount || media.length > spec.maxCount) {
      issues.push({ path: 'answer.media', message: `must hold ${spec.minCount === spec.maxCount ? spec.minCount : `${spec.minCount} to ${spec.maxCount}`} media, got ${media.length}` });
    }
  }
  if (a.note !== undefined && (typeof a.note !== 'string' || a.note.length > 2_000)) issues.push({ path: 'answer.note', message: 'must be text of at most 2000 characters' });
  for (const k of Object.keys(a)) if (k !== 'media' && k !== 'note') issues.push({ path: `answer.${k}`, message: 'unknown field' });
  if (issues.length) throw validationError('The answer does not match the task type', issues, 'invalid_answer');
  return { media: media as string[], ...(a.note !== undefined ? { note: a.note as string } : {}) };
}

/**
 * At submission: every listed media is a confirmed upload of this assignment, and each was
 * captured inside the geofence, by its EXIF GPS or else by the location the client reported.
 */
export function assertMediaSubmittable(spec: MediaCollectionSpec, answer: MediaCollectionAnswer, ofAssignment: MediaRecord[], reported: LatLon | undefined): void {
  const byId = new Map(ofAssignment.map((m) => [m.mediaId, m]));
  for (const [i, id] of answer.media.entries()) {
    const m = byId.get(id);
    if (!m || m.status !== 'confirmed') {
      throw rule('media_not_confirmed', `Media ${id} is not a confirmed upload of this assignment`, `answer.media.${i}`, { mediaId: id, status: m?.status ?? 'unknown' });
    }
    if (!spec.geofence) continue;
    const where = m.facts?.gps ?? reported;
    if (!where) {
      throw rule('geofence_location_missing', `Media ${id} has no GPS position and the submission reports no location; the task has a geofence`, `answer.media.${i}`, { mediaId: id });
    }
    const verdict = checkGeofence(spec.geofence, where);
    if (!verdict.inside) {
      throw rule(
        'geofence_violation',
        `Media ${id} was captured outside the task's geofence${verdict.distanceMetres !== undefined ? ` (${verdict.distanceMetres} m from its centre)` : ''}`,
        `answer.media.${i}`,
        { mediaId: id, source: m.facts?.gps ? 'exif' : 'reported', ...(verdict.distanceMetres !== undefined ? { distanceMetres: verdict.distanceMetres } : {}) },
      );
    }
  }
}

/** The task type: uploads are checked at confirm and submit; there is no consensus over them. */
export const mediaCollection: TaskType<MediaCollectionSpec, MediaCollectionAnswer> = {
  type: 'media_collection',
  checkSpec: (spec, issues) => collectThrown(issues, () => assertMediaSpecIsConsistent(spec)),
  checkInput() {},
  answerReadsInput: () => false,
  parseAnswer(spec, raw, issues) {
    let parsed: MediaCollectionAnswer = { media: [] };
    collectThrown(issues, () => (parsed = validateMediaAnswer(spec, raw)));
    return parsed;
  },
  aggregate: (_spec, answers) => NOT_COMPARED.aggregate('media_accepted_each', answers.length),
  judge: () => NOT_COMPARED.judge(),
};
