import { describe, expect, it } from 'vitest';
import { AnswerSpec } from '../../../../shared/api/schemas';
import { DomainError } from '../../../../shared/domain/errors';
import { assertSpecIsConsistent, validateAnswer } from '../../../../shared/domain/marketplace/answer-spec';
import {
  assertMediaSubmittable,
  assertUploadAllowed,
  judgeUpload,
  type MediaCollectionSpec,
  type MediaRecord,
} from '../../../../shared/domain/marketplace/task-types/media-collection';
import { detectMediaType } from '../../../../shared/domain/media/magic-bytes';
import * as F from '../../../support/media-fixtures';

const shopFront: MediaCollectionSpec = AnswerSpec.parse({
  type: 'media_collection',
  prompt: 'Photograph the shop front',
  kinds: ['photo'],
  mimeTypes: ['image/jpeg', 'image/png'],
  maxBytesPerFile: 5_000_000,
  minCount: 1,
  maxCount: 3,
  geofence: { type: 'circle', centre: { lat: 52.52, lon: 13.405 }, radiusMetres: 200 },
}) as MediaCollectionSpec;

const voice: MediaCollectionSpec = { type: 'media_collection', prompt: 'Read the sentence aloud', kinds: ['audio'], mimeTypes: ['audio/wav'], maxBytesPerFile: 1_000_000, minCount: 1, maxCount: 1, minDurationSeconds: 1, maxDurationSeconds: 10 };

/** The DomainError a call throws, for its code and details. */
function thrown(f: () => unknown): DomainError {
  try {
    f();
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error('expected a DomainError');
}

const record = (over: Partial<MediaRecord> = {}): MediaRecord => ({
  mediaId: 'med_0000000000aaaa',
  assignmentId: 'asg_0000000000aaaa',
  projectId: 'prj_0000000000aaaa',
  orgId: 'org',
  workerId: 'w1',
  key: 'media/prj_0000000000aaaa/asg_0000000000aaaa/med_0000000000aaaa',
  declaredContentType: 'image/jpeg',
  declaredSizeBytes: 1_000,
  status: 'confirmed',
  requestedAt: '2026-01-01T00:00:00.000Z',
  ...over,
});

describe('the media collection spec', () => {
  it('parses with defaults and rejects inconsistent specs naming the field', () => {
    expect(() => assertSpecIsConsistent(shopFront)).not.toThrow();
    expect(thrown(() => assertSpecIsConsistent({ ...shopFront, mimeTypes: ['image/jpeg', 'video/mp4'] })).details).toMatchObject({ issues: [{ path: 'answerSpec.mimeTypes.1' }] });
    expect(thrown(() => assertSpecIsConsistent({ ...shopFront, minCount: 4 })).details).toMatchObject({ issues: [{ path: 'answerSpec.minCount' }] });
    // A duration limit needs formats whose duration can be measured.
    const mp3 = thrown(() => assertSpecIsConsistent({ ...voice, mimeTypes: ['audio/wav', 'audio/mpeg'] }));
    expect(mp3.details).toMatchObject({ issues: [{ path: 'answerSpec.mimeTypes.1' }] });
    expect(thrown(() => assertSpecIsConsistent({ ...voice, minDurationSeconds: 20 })).details).toMatchObject({ issues: [{ path: 'answerSpec.minDurationSeconds' }] });
    expect(AnswerSpec.safeParse({ ...shopFront, mimeTypes: ['text/html'] }).success).toBe(false);
    expect(AnswerSpec.safeParse({ ...shopFront, geofence: { type: 'circle', centre: { lat: 91, lon: 0 }, radiusMetres: 5 } }).success).toBe(false);
  });

  it('hands out an upload only for an allowed type within the size limit', () => {
    expect(() => assertUploadAllowed(shopFront, { contentType: 'image/png', sizeBytes: 5_000_000 })).not.toThrow();
    expect(thrown(() => assertUploadAllowed(shopFront, { contentType: 'video/mp4', sizeBytes: 10 })).code).toBe('media_type_not_allowed');
    expect(thrown(() => assertUploadAllowed(shopFront, { contentType: 'image/png', sizeBytes: 5_000_001 })).code).toBe('media_too_large');
  });
});

describe('judgeUpload', () => {
  const jpeg = F.jpeg({ capturedAt: '2026:03:01 10:00:00', gps: { lat: 52.5201, lon: 13.4051 } });
  const inspect = (bytes: Uint8Array, extra = {}) => ({ storedSizeBytes: bytes.length, detected: detectMediaType(bytes), ...extra });

  it('confirms a file whose bytes, size and type match, with its EXIF facts', () => {
    const facts = judgeUpload(shopFront, { declaredContentType: 'image/jpeg', declaredSizeBytes: jpeg.length }, { ...inspect(jpeg), exif: { capturedAt: '2026-03-01T10:00:00', gps: { lat: 52.5201, lon: 13.4051 } } });
    expect(facts).toEqual({ mimeType: 'image/jpeg', sizeBytes: jpeg.length, capturedAt: '2026-03-01T10:00:00', gps: { lat: 52.5201, lon: 13.4051 } });
  });

  it('names the rule a file breaks', () => {
    const png = F.png();
    const video: MediaCollectionSpec = { ...shopFront, kinds: ['photo', 'video'], mimeTypes: ['image/jpeg', 'video/mp4'] };
    expect(thrown(() => judgeUpload(video, { declaredContentType: 'video/mp4', declaredSizeBytes: png.length }, inspect(png))).code).toBe('media_type_mismatch');
    expect(thrown(() => judgeUpload(shopFront, { declaredContentType: 'image/jpeg', declaredSizeBytes: 10 }, inspect(jpeg))).code).toBe('media_size_mismatch');
    expect(thrown(() => judgeUpload({ ...shopFront, maxBytesPerFile: 100 }, { declaredContentType: 'image/jpeg', declaredSizeBytes: 100 }, inspect(jpeg))).code).toBe('media_too_large');
    const noise = F.randomBytesOf(50);
    expect(thrown(() => judgeUpload(shopFront, { declaredContentType: 'image/jpeg', declaredSizeBytes: 50 }, inspect(noise))).code).toBe('media_unrecognized');
  });

  it('holds audio to the duration limits, and refuses what it cannot measure', () => {
    const ok = F.wav(2);
    expect(judgeUpload(voice, { declaredContentType: 'audio/wav', declaredSizeBytes: ok.length }, inspect(ok, { durationSeconds: 2 })).durationSeconds).toBe(2);
    expect(thrown(() => judgeUpload(voice, { declaredContentType: 'audio/wav', declaredSizeBytes: ok.length }, inspect(ok, { durationSeconds: 0.5 }))).code).toBe('media_too_short');
    expect(thrown(() => judgeUpload(voice, { declaredContentType: 'audio/wav', declaredSizeBytes: ok.length }, inspect(ok, { durationSeconds: 11 }))).code).toBe('media_too_long');
    expect(thrown(() => judgeUpload(voice, { declaredContentType: 'audio/wav', declaredSizeBytes: ok.length }, inspect(ok))).code).toBe('media_duration_unknown');
  });
});

describe('the media answer', () => {
  const ids = ['med_0000000000aaaa', 'med_0000000000bbbb'];
  it('lists unique media ids within the count, with an optional note', () => {
    expect(validateAnswer(shopFront, { media: ids, note: 'door is green' })).toEqual({ media: ids, note: 'door is green' });
    const paths = (a: unknown) => (thrown(() => validateAnswer(shopFront, a)).details as { issues: { path: string }[] }).issues.map((i) => i.path);
    expect(paths({ media: [] })).toEqual(['answer.media']);
    expect(paths({ media: [ids[0], ids[0]] })).toEqual(['answer.media']);
    expect(paths({ media: ['x'] })).toEqual(['answer.media']);
    expect(paths({ media: ids, extra: 1 })).toEqual(['answer.extra']);
    expect(paths({ media: [...ids, 'med_0000000000cccc', 'med_0000000000dddd'] })).toEqual(['answer.media']);
  });

  it('must consist of confirmed media of the assignment, captured inside the geofence', () => {
    const inside = { lat: 52.5205, lon: 13.405 };
    const outside = { lat: 52.6, lon: 13.405 };
    const confirmed = record({ facts: { mimeType: 'image/jpeg', sizeBytes: 1000, gps: inside } });
    expect(() => assertMediaSubmittable(shopFront, { media: [confirmed.mediaId] }, [confirmed], undefined)).not.toThrow();

    const pending = record({ status: 'pending' });
    expect(thrown(() => assertMediaSubmittable(shopFront, { media: [pending.mediaId] }, [pending], inside)).code).toBe('media_not_confirmed');
    expect(thrown(() => assertMediaSubmittable(shopFront, { media: ['med_0000000000ffff'] }, [confirmed], inside)).code).toBe('media_not_confirmed');

    const far = record({ facts: { mimeType: 'image/jpeg', sizeBytes: 1000, gps: outside } });
    const violation = thrown(() => assertMediaSubmittable(shopFront, { media: [far.mediaId] }, [far], inside));
    expect(violation.code).toBe('geofence_violation');
    expect(violation.details).toMatchObject({ source: 'exif', issues: [{ path: 'answer.media.0' }] });

    // Without EXIF GPS the reported location decides; without either the rule cannot be checked.
    const noGps = record({ facts: { mimeType: 'image/png', sizeBytes: 1000 } });
    expect(() => assertMediaSubmittable(shopFront, { media: [noGps.mediaId] }, [noGps], inside)).not.toThrow();
    expect(thrown(() => assertMediaSubmittable(shopFront, { media: [noGps.mediaId] }, [noGps], outside)).details).toMatchObject({ source: 'reported' });
    expect(thrown(() => assertMediaSubmittable(shopFront, { media: [noGps.mediaId] }, [noGps], undefined)).code).toBe('geofence_location_missing');
    const { geofence: _g, ...anywhere } = shopFront;
    expect(() => assertMediaSubmittable(anywhere, { media: [noGps.mediaId] }, [noGps], undefined)).not.toThrow();
  });
});
