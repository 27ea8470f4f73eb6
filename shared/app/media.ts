import { DomainError, notFound, precondition, conflict } from '../domain/errors';
import { assertSubmittable, type Assignment } from '../domain/marketplace/assignment';
import {
  assertUploadAllowed,
  judgeUpload,
  maxUploadsPerAssignment,
  mediaKey,
  type MediaCollectionSpec,
  type MediaRecord,
} from '../domain/marketplace/task-types/media-collection';
import { mp4DurationSeconds, wavDurationSeconds } from '../domain/media/duration';
import { parseJpegExif } from '../domain/media/exif';
import { detectMediaType, SNIFF_BYTES, type MediaMimeType } from '../domain/media/magic-bytes';
import { dHash, type PerceptualHash } from '../domain/media/perceptual-hash';
import { decodePhoto } from '../adapters/image-decoder';
import { DOWNLOAD_EXPIRES_SECONDS, UPLOAD_EXPIRES_SECONDS, type MediaStorage } from '../adapters/s3/media-storage';
import type { Deps } from './deps';

/** Who is asking to see a media file; a worker sees their own, a client their organisation's, reviewers and admins any. */
export interface MediaViewer {
  userId: string;
  orgId: string;
  groups: readonly string[];
}

/** A media record as the API shows it: never its storage key or the client's org. */
export function mediaView(m: MediaRecord) {
  const { key: _key, orgId: _org, ...rest } = m;
  return rest;
}

/** The worker's open claim of a media collection task, or a 404 when the assignment is not theirs. */
async function workersMediaTask(deps: Deps, workerId: string, assignmentId: string): Promise<{ a: Assignment; spec: MediaCollectionSpec }> {
  const a = await deps.marketplace.getAssignment(assignmentId, true);
  if (!a || a.workerId !== workerId) throw notFound('assignment', assignmentId);
  const project = await deps.marketplace.getProject(a.projectId);
  if (!project) throw notFound('project', a.projectId);
  if (project.answerSpec.type !== 'media_collection') throw precondition('not_a_media_task', `The task is of type ${project.answerSpec.type}; it takes no uploads`);
  return { a, spec: project.answerSpec };
}

export async function requestMediaUploadUseCase(deps: Deps, workerId: string, assignmentId: string, body: { contentType: MediaMimeType; sizeBytes: number }) {
  const { a, spec } = await workersMediaTask(deps, workerId, assignmentId);
  const now = deps.now();
  assertSubmittable(a, now);
  assertUploadAllowed(spec, body);
  const mediaId = deps.newId('med');
  const record: MediaRecord = {
    mediaId,
    assignmentId,
    projectId: a.projectId,
    orgId: a.orgId,
    workerId,
    key: mediaKey(a.projectId, assignmentId, mediaId),
    declaredContentType: body.contentType,
    declaredSizeBytes: body.sizeBytes,
    status: 'pending',
    requestedAt: now,
  };
  await deps.media.announce(record, maxUploadsPerAssignment(spec), now);
  const upload = await deps.mediaStorage().presignUpload(record.key, body.contentType, body.sizeBytes);
  return {
    media: mediaView(record),
    upload: { method: 'POST', url: upload.url, fields: upload.fields, fileField: 'file', expiresAt: new Date(Date.parse(now) + UPLOAD_EXPIRES_SECONDS * 1000).toISOString() },
  };
}

/**
 * Judges an uploaded file: it must exist, have the declared size, and its first bytes must be of
 * the declared type and allowed by the spec (with its duration in range for audio and video). A
 * JPEG's capture time and GPS position are read from its EXIF, the storage's content hash is
 * kept, and a JPEG or PNG is decoded for its perceptual hash: submit measures the file's risk from these facts (ADR 0016). A file that breaks a rule is
 * rejected for good and deleted; the 400 names the rule.
 */
export async function confirmMediaUseCase(deps: Deps, workerId: string, assignmentId: string, mediaId: string) {
  const m = await deps.media.get(assignmentId, mediaId);
  if (!m || m.workerId !== workerId) throw notFound('media', mediaId);
  if (m.status === 'confirmed') return { media: mediaView(m) };
  if (m.status === 'rejected') throw new DomainError('validation', m.rejection!.rule, m.rejection!.message, { issues: [{ path: 'media', message: m.rejection!.message }] });
  const { a, spec } = await workersMediaTask(deps, workerId, assignmentId);
  const now = deps.now();
  assertSubmittable(a, now);

  const storage = deps.mediaStorage();
  const stat = await storage.stat(m.key);
  if (!stat) throw conflict('media_not_uploaded', 'Nothing was uploaded for this media yet; upload with the presigned POST, then confirm');
  const head = await storage.readRange(m.key, 0, SNIFF_BYTES);
  const detected = detectMediaType(head);
  let durationSeconds: number | undefined;
  if (detected?.family === 'wav') durationSeconds = wavDurationSeconds(head);
  if (detected?.family === 'mp4' || detected?.family === 'quicktime') {
    durationSeconds = await mp4DurationSeconds((offset, length) => (offset + length <= head.length || head.length >= stat.sizeBytes ? Promise.resolve(head.subarray(offset, offset + length)) : storage.readRange(m.key, offset, length)), stat.sizeBytes);
  }
  const exif = detected?.family === 'jpeg' ? parseJpegExif(head) : undefined;

  let facts;
  try {
    facts = judgeUpload(spec, m, { storedSizeBytes: stat.sizeBytes, contentHash: stat.contentHash, detected, durationSeconds, exif });
  } catch (e) {
    if (e instanceof DomainError && e.kind === 'validation') {
      if (await deps.media.settle(m, { status: 'rejected', rejection: { rule: e.code, message: e.message } }, now)) await storage.remove(m.key);
    }
    throw e;
  }
  const perceptualHash = await perceptualHashOf(storage, m.key, detected?.family, head, stat.sizeBytes);
  if (perceptualHash) facts = { ...facts, perceptualHash };
  if (!(await deps.media.settle(m, { status: 'confirmed', facts }, now))) {
    // A concurrent confirm settled it first: answer with what it decided.
    return confirmMediaUseCase(deps, workerId, assignmentId, mediaId);
  }
  return { media: mediaView({ ...m, status: 'confirmed', settledAt: now, facts }) };
}

/** Larger photos are not decoded for a perceptual hash: reading and decoding them would dominate the confirm. */
export const MAX_PERCEPTUAL_HASH_BYTES = 15 * 1024 * 1024;

/**
 * A JPEG's or PNG's dHash, from the whole file read once (the head already read when it is all of
 * it); undefined for other types, larger files and files that do not decode, which submit records
 * as `media.hash_unavailable`.
 */
async function perceptualHashOf(storage: MediaStorage, key: string, family: string | undefined, head: Uint8Array, sizeBytes: number): Promise<PerceptualHash | undefined> {
  if ((family !== 'jpeg' && family !== 'png') || sizeBytes > MAX_PERCEPTUAL_HASH_BYTES) return undefined;
  const bytes = head.length >= sizeBytes ? head : await storage.readRange(key, 0, sizeBytes);
  const pixels = decodePhoto(bytes, family);
  return pixels && pixels.width * pixels.height > 0 ? dHash(pixels) : undefined;
}

const EXTENSIONS: Record<string, string> = {
  'image/jpeg': 'jpg', 'image/png': 'png', 'image/gif': 'gif', 'image/webp': 'webp', 'image/heic': 'heic', 'image/heif': 'heif',
  'video/mp4': 'mp4', 'video/quicktime': 'mov', 'video/webm': 'webm', 'audio/wav': 'wav', 'audio/mpeg': 'mp3', 'audio/ogg': 'ogg',
  'audio/flac': 'flac', 'audio/mp4': 'm4a',
};

/** A media record and, once confirmed, a short-lived download link. Anyone without a right to it gets a 404. */
export async function getMediaUseCase(deps: Deps, viewer: MediaViewer, assignmentId: string, mediaId: string) {
  const m = await deps.media.get(assignmentId, mediaId);
  const allowed =
    m !== undefined &&
    (viewer.groups.includes('admins') ||
      viewer.groups.includes('reviewers') ||
      (viewer.groups.includes('clients') && m.orgId === viewer.orgId) ||
      (viewer.groups.includes('workers') && m.workerId === viewer.userId));
  if (!m || !allowed) throw notFound('media', mediaId);
  if (m.status !== 'confirmed' || !m.facts) return { media: mediaView(m), download: null };
  const url = await deps.mediaStorage().presignDownload(m.key, m.facts.mimeType, `${m.mediaId}.${EXTENSIONS[m.facts.mimeType] ?? 'bin'}`);
  return { media: mediaView(m), download: { url, expiresAt: new Date(Date.parse(deps.now()) + DOWNLOAD_EXPIRES_SECONDS * 1000).toISOString() } };
}
