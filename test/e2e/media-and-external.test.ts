import { randomInt } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localUser } from '../../infra/local/users';
import * as F from '../support/media-fixtures';
import { apiClient, bootPlatform, eventually, type RunningPlatform } from '../support/local-platform';

/**
 * Issue #3 over HTTP against `npm start`'s platform: a worker uploads a geotagged JPEG through a
 * presigned POST to s3rver, confirms and submits it; spoofed and oversized files are refused with
 * the rule they break; nobody else's worker can see or confirm the file; the client downloads it
 * through a presigned GET. An external task is answered once through its completion token.
 */
type Call = ReturnType<typeof apiClient>;
let platform: RunningPlatform;
let client: Call;
let otherClient: Call;
let anonymous: Call;
let ana: Call;
let ben: Call;

// A generated place for the geofence, and a capture point about 50 m from it.
const centre = { lat: randomInt(-60_000, 60_000) / 1_000, lon: randomInt(-170_000, 170_000) / 1_000 };
const nearby = { lat: centre.lat + 0.00045, lon: centre.lon };

beforeAll(async () => {
  platform = await bootPlatform();
  const url = platform.info.apiUrl;
  client = apiClient(url, (await localUser(platform.info, 'media-client@example.com', ['clients'])).accessToken);
  otherClient = apiClient(url, (await localUser(platform.info, 'other-client@example.com', ['clients'])).accessToken);
  ana = apiClient(url, (await localUser(platform.info, 'ana@example.com', ['workers'])).accessToken);
  ben = apiClient(url, (await localUser(platform.info, 'ben@example.com', ['workers'])).accessToken);
  anonymous = apiClient(url);
  expect((await client('POST', '/account/top-ups', { amountMinor: 10_000, currency: 'EUR' })).status).toBe(201);
});

afterAll(async () => {
  const code = await platform?.stop();
  expect(code).toBe(0);
});

async function publishedProject(answerSpec: unknown, inputs: Record<string, unknown>[]) {
  const created = await client('POST', '/projects', { title: 'Field work', answerSpec, reward: { amountMinor: 200, currency: 'EUR' }, redundancy: 1 });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const projectId = created.body.projectId as string;
  expect((await client('POST', `/projects/${projectId}/microtasks`, { microtasks: inputs.map((input) => ({ input })) })).status).toBe(201);
  expect((await client('POST', `/projects/${projectId}/publish`, {})).status).toBe(200);
  return projectId;
}

/** The browser's part: a multipart form POST of the presigned fields and the file, straight to storage. */
async function uploadForm(upload: { url: string; fields: Record<string, string> }, bytes: Uint8Array, type: string) {
  const form = new FormData();
  for (const [k, v] of Object.entries(upload.fields)) form.append(k, v);
  form.append('file', new Blob([bytes], { type }), 'capture');
  const r = await fetch(upload.url, { method: 'POST', body: form });
  return r.status;
}

describe('media collection', () => {
  let projectId: string;
  let assignmentId: string;
  let photoId: string;
  const photo = F.jpeg({ capturedAt: '2026:02:03 09:15:00', gps: nearby }, 4_000);

  beforeAll(async () => {
    projectId = await publishedProject(
      {
        type: 'media_collection',
        prompt: 'Photograph the entrance',
        kinds: ['photo', 'video'],
        mimeTypes: ['image/jpeg', 'image/png', 'video/mp4'],
        maxBytesPerFile: 50_000,
        minCount: 1,
        maxCount: 2,
        geofence: { type: 'circle', centre, radiusMetres: 250 },
      },
      [{ address: 'generated' }],
    );
    const claim = await ana('POST', `/projects/${projectId}/assignments`, {});
    expect(claim.status).toBe(201);
    assignmentId = claim.body.assignment.assignmentId;
  });

  it('uploads a geotagged JPEG through a presigned POST bound to the assignment, and confirms it', async () => {
    const asked = await ana('POST', `/assignments/${assignmentId}/media`, { contentType: 'image/jpeg', sizeBytes: photo.length });
    expect(asked.status, JSON.stringify(asked.body)).toBe(201);
    photoId = asked.body.media.mediaId;
    const { upload } = asked.body;
    expect(upload.fields.key).toBe(`media/${projectId}/${assignmentId}/${photoId}`);
    expect(upload.fields['Content-Type']).toBe('image/jpeg');
    const policy = JSON.parse(Buffer.from(upload.fields.Policy, 'base64').toString('utf8'));
    expect(policy.conditions).toEqual(expect.arrayContaining([['content-length-range', photo.length, photo.length], ['eq', '$Content-Type', 'image/jpeg']]));
    const ttl = Date.parse(policy.expiration) - Date.now();
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(10 * 60 * 1000);

    // Confirming before the bytes arrive is refused, and changes nothing.
    expect((await ana('POST', `/assignments/${assignmentId}/media/${photoId}/confirm`, {})).body.error.code).toBe('media_not_uploaded');

    expect(await uploadForm(upload, photo, 'image/jpeg')).toBe(204);
    const confirmed = await ana('POST', `/assignments/${assignmentId}/media/${photoId}/confirm`, {});
    expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
    expect(confirmed.body.media).toMatchObject({ status: 'confirmed', facts: { mimeType: 'image/jpeg', sizeBytes: photo.length, capturedAt: '2026-02-03T09:15:00' } });
    expect(confirmed.body.media.facts.gps.lat).toBeCloseTo(nearby.lat, 5);
    expect(confirmed.body.media).not.toHaveProperty('key');
  });

  it('refuses a spoofed or oversized file with a 4xx naming the rule', async () => {
    // PNG bytes declared as video/mp4: the magic bytes give it away at confirm, and the file is deleted.
    const png = F.png(2_000);
    const spoof = await ana('POST', `/assignments/${assignmentId}/media`, { contentType: 'video/mp4', sizeBytes: png.length });
    expect(spoof.status).toBe(201);
    expect(await uploadForm(spoof.body.upload, png, 'video/mp4')).toBe(204);
    const spoofConfirm = await ana('POST', `/assignments/${assignmentId}/media/${spoof.body.media.mediaId}/confirm`, {});
    expect(spoofConfirm.status).toBe(400);
    expect(spoofConfirm.body.error.code).toBe('media_type_mismatch');
    expect(spoofConfirm.body.error.details.detected).toBe('image/png');
    const again = await ana('POST', `/assignments/${assignmentId}/media/${spoof.body.media.mediaId}/confirm`, {});
    expect([again.status, again.body.error.code]).toEqual([400, 'media_type_mismatch']);

    // Too large for the spec: no upload form is handed out at all.
    const tooLarge = await ana('POST', `/assignments/${assignmentId}/media`, { contentType: 'image/jpeg', sizeBytes: 50_001 });
    expect([tooLarge.status, tooLarge.body.error.code]).toEqual([400, 'media_too_large']);
    // A type the spec does not take.
    const wav = await ana('POST', `/assignments/${assignmentId}/media`, { contentType: 'audio/wav', sizeBytes: 100 });
    expect([wav.status, wav.body.error.code]).toEqual([400, 'media_type_not_allowed']);

    // More bytes than declared. S3 itself refuses this upload (content-length-range); s3rver does not
    // enforce POST policies, so the confirm step's own size check is what catches it here.
    const small = F.jpeg(undefined, 100);
    const liar = await ana('POST', `/assignments/${assignmentId}/media`, { contentType: 'image/jpeg', sizeBytes: small.length });
    await uploadForm(liar.body.upload, F.jpeg(undefined, 5_000), 'image/jpeg');
    const liarConfirm = await ana('POST', `/assignments/${assignmentId}/media/${liar.body.media.mediaId}/confirm`, {});
    expect([liarConfirm.status, liarConfirm.body.error.code]).toEqual([400, 'media_size_mismatch']);

    // A rejected file cannot be part of an answer.
    const withSpoof = await ana('POST', `/assignments/${assignmentId}/submission`, { answer: { media: [spoof.body.media.mediaId] } });
    expect([withSpoof.status, withSpoof.body.error.code]).toEqual([400, 'media_not_confirmed']);
  });

  it("keeps another worker away from the file: no reading, no confirming, no uploading to the assignment", async () => {
    expect((await ben('GET', `/assignments/${assignmentId}/media/${photoId}`)).status).toBe(404);
    expect((await ben('POST', `/assignments/${assignmentId}/media/${photoId}/confirm`, {})).status).toBe(404);
    expect((await ben('POST', `/assignments/${assignmentId}/media`, { contentType: 'image/jpeg', sizeBytes: 10 })).status).toBe(404);
    expect((await otherClient('GET', `/assignments/${assignmentId}/media/${photoId}`)).status).toBe(404);
    expect((await anonymous('GET', `/assignments/${assignmentId}/media/${photoId}`)).status).toBe(401);
  });

  it('submits the confirmed photo; the client downloads it through a short-lived presigned GET', async () => {
    const submitted = await ana('POST', `/assignments/${assignmentId}/submission`, { answer: { media: [photoId], note: 'north door' } });
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(200);
    expect(submitted.body.assignment.status).toBe('submitted');

    const results = await eventually('the review to complete', async () => {
      const r = await client('GET', `/projects/${projectId}/results`);
      return r.body.items[0]?.status === 'completed' ? r.body : undefined;
    });
    expect(results.items[0].assignments[0]).toMatchObject({ assignmentId, status: 'approved', answer: { media: [photoId], note: 'north door' } });

    const seen = await client('GET', `/assignments/${assignmentId}/media/${photoId}`);
    expect(seen.status).toBe(200);
    expect(seen.body.media).toMatchObject({ mediaId: photoId, status: 'confirmed' });
    const download = await fetch(seen.body.download.url);
    expect(download.status).toBe(200);
    expect(new Uint8Array(await download.arrayBuffer())).toEqual(photo);
    expect(new URL(seen.body.download.url).searchParams.get('X-Amz-Expires')).toBe('300');
    // The worker may look at their own file too.
    expect((await ana('GET', `/assignments/${assignmentId}/media/${photoId}`)).status).toBe(200);
  });

  it('checks the geofence against the reported location when a file has no EXIF GPS', async () => {
    const [second] = [await publishedProject({ type: 'media_collection', prompt: 'Photo', kinds: ['photo'], mimeTypes: ['image/png'], maxBytesPerFile: 10_000, geofence: { type: 'circle', centre, radiusMetres: 100 } }, [{ n: 1 }])];
    const claim = await ana('POST', `/projects/${second}/assignments`, {});
    const id = claim.body.assignment.assignmentId;
    const png = F.png(500);
    const asked = await ana('POST', `/assignments/${id}/media`, { contentType: 'image/png', sizeBytes: png.length });
    await uploadForm(asked.body.upload, png, 'image/png');
    const mediaId = asked.body.media.mediaId;
    expect((await ana('POST', `/assignments/${id}/media/${mediaId}/confirm`, {})).status).toBe(200);
    const unknown = await ana('POST', `/assignments/${id}/submission`, { answer: { media: [mediaId] } });
    expect([unknown.status, unknown.body.error.code]).toEqual([400, 'geofence_location_missing']);
    const far = await ana('POST', `/assignments/${id}/submission`, { answer: { media: [mediaId] }, location: { lat: centre.lat + 0.01, lon: centre.lon } });
    expect([far.status, far.body.error.code]).toEqual([400, 'geofence_violation']);
    const near = await ana('POST', `/assignments/${id}/submission`, { answer: { media: [mediaId] }, location: { lat: centre.lat, lon: centre.lon + 0.0003 } });
    expect(near.status, JSON.stringify(near.body)).toBe(200);
  });
});

describe('external tasks', () => {
  it('answers through the completion token exactly once', async () => {
    const projectId = await publishedProject(
      { type: 'external', taskUrl: 'https://tasks.example.com/label', answerFields: [{ name: 'label', type: 'string', required: true }] },
      [{ item: 'generated-1' }],
    );
    const claim = await ben('POST', `/projects/${projectId}/assignments`, {});
    expect(claim.status).toBe(201);
    const assignmentId = claim.body.assignment.assignmentId as string;
    const frame = new URL(claim.body.task.external.frameUrl);
    expect(frame.origin).toBe('https://tasks.example.com');
    expect(frame.searchParams.get('assignmentId')).toBe(assignmentId);
    const token = frame.searchParams.get('completionToken')!;
    expect(token).toBe(claim.body.task.external.completionToken);
    expect(claim.body.assignment).not.toHaveProperty('completionTokenHash');
    // Re-reading the assignment shows where the page lives, never the token.
    const reread = await ben('GET', `/assignments/${assignmentId}`);
    expect(reread.body.task.external).toEqual({ frameOrigin: 'https://tasks.example.com' });
    expect(JSON.stringify(reread.body)).not.toContain(token);

    // The worker cannot bypass the client's page.
    const direct = await ben('POST', `/assignments/${assignmentId}/submission`, { answer: { label: 'cat' } });
    expect([direct.status, direct.body.error.code]).toEqual([400, 'external_answer_required']);

    const path = `/assignments/${assignmentId}/external-answer`;
    const forged = `ctk_${'A'.repeat(43)}`;
    expect((await anonymous('POST', path, { completionToken: forged, answer: { label: 'cat' } })).body.error.code).toBe('completion_token_invalid');
    const badAnswer = await anonymous('POST', path, { completionToken: token, answer: { colour: 'red' } });
    expect(badAnswer.status).toBe(400);
    expect(badAnswer.body.error.details.issues.map((i: { path: string }) => i.path).sort()).toEqual(['answer.colour', 'answer.label']);

    const first = await anonymous('POST', path, { completionToken: token, answer: { label: 'cat' } });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body).toMatchObject({ assignmentId, status: 'submitted' });
    const second = await anonymous('POST', path, { completionToken: token, answer: { label: 'dog' } });
    expect([second.status, second.body.error.code]).toEqual([409, 'completion_token_used']);

    const results = await eventually('the review to complete', async () => {
      const r = await client('GET', `/projects/${projectId}/results`);
      return r.body.items[0]?.status === 'completed' ? r.body : undefined;
    });
    expect(results.items[0].assignments[0]).toMatchObject({ assignmentId, status: 'approved', answer: { label: 'cat' } });
    // The token is not written to the platform's output or its log file.
    expect(platform.output()).not.toContain(token);
    const logFile = join(platform.dataDir, 'platform.log');
    if (existsSync(logFile)) expect(readFileSync(logFile, 'utf8')).not.toContain(token);
  });
});
