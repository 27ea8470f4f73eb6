import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localUser } from '../../infra/local/users';
import * as F from '../support/media-fixtures';
import { encodeJpeg, encodePng, resized, scene } from '../support/photos';
import { apiClient, bootPlatform, eventually, type RunningPlatform } from '../support/local-platform';

/**
 * Issue #5, step 1, over HTTP against `npm start`'s platform: two workers upload the same photo to
 * two assignments of one microtask. Confirm records the file's content hash (s3rver's ETag, as
 * S3's); the later submission finds the hash already owned; review rejects it by rule, with the
 * first assignment as evidence, before consensus, and approves the first.
 */
type Call = ReturnType<typeof apiClient>;
let platform: RunningPlatform;
let client: Call;
let ana: Call;
let ben: Call;

beforeAll(async () => {
  platform = await bootPlatform();
  const url = platform.info.apiUrl;
  client = apiClient(url, (await localUser(platform.info, 'risk-client@example.com', ['clients'])).accessToken);
  ana = apiClient(url, (await localUser(platform.info, 'risk-ana@example.com', ['workers'])).accessToken);
  ben = apiClient(url, (await localUser(platform.info, 'risk-ben@example.com', ['workers'])).accessToken);
  expect((await client('POST', '/account/top-ups', { amountMinor: 10_000, currency: 'EUR' })).status).toBe(201);
});

afterAll(async () => {
  const code = await platform?.stop();
  expect(code).toBe(0);
});

async function uploadForm(upload: { url: string; fields: Record<string, string> }, bytes: Uint8Array, type: string) {
  const form = new FormData();
  for (const [k, v] of Object.entries(upload.fields)) form.append(k, v);
  form.append('file', new Blob([bytes], { type }), 'capture');
  return (await fetch(upload.url, { method: 'POST', body: form })).status;
}

describe('automatic checks', () => {
  it('reject the second submission of the same photo by rule, naming the first assignment, and approve the first', async () => {
    const answerSpec = { type: 'media_collection', prompt: 'Photograph the entrance', kinds: ['photo'], mimeTypes: ['image/jpeg'], maxBytesPerFile: 50_000, minCount: 1, maxCount: 1 };
    const created = await client('POST', '/projects', { title: 'Entrances', answerSpec, reward: { amountMinor: 100, currency: 'EUR' }, redundancy: 2, reviewPolicy: { autoCheckRules: { flagAtScore: 50 } } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.reviewPolicy).toMatchObject({ version: 1, autoChecks: true, autoCheckRules: { flagAtScore: 50 } });
    const projectId = created.body.projectId as string;
    expect((await client('POST', `/projects/${projectId}/microtasks`, { microtasks: [{ input: { shop: 1 } }] })).status).toBe(201);
    expect((await client('POST', `/projects/${projectId}/publish`, {})).status).toBe(200);

    const now = new Date();
    const photo = F.jpeg({ capturedAt: now.toISOString().slice(0, 19).replace('T', ' ').replace(/-/g, ':') }, 3_000);
    const md5 = createHash('md5').update(photo).digest('hex');
    const uploaded: { assignmentId: string; mediaId: string }[] = [];
    for (const worker of [ana, ben]) {
      const claim = await worker('POST', `/projects/${projectId}/assignments`, {});
      expect(claim.status, JSON.stringify(claim.body)).toBe(201);
      const assignmentId = claim.body.assignment.assignmentId as string;
      const asked = await worker('POST', `/assignments/${assignmentId}/media`, { contentType: 'image/jpeg', sizeBytes: photo.length });
      expect(await uploadForm(asked.body.upload, photo, 'image/jpeg')).toBe(204);
      const confirmed = await worker('POST', `/assignments/${assignmentId}/media/${asked.body.media.mediaId}/confirm`, {});
      expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
      expect(confirmed.body.media.facts).toMatchObject({ contentHash: `md5:${md5}` });
      uploaded.push({ assignmentId, mediaId: asked.body.media.mediaId });
    }
    for (const [i, worker] of [ana, ben].entries()) {
      const submitted = await worker('POST', `/assignments/${uploaded[i]!.assignmentId}/submission`, { answer: { media: [uploaded[i]!.mediaId] } });
      expect(submitted.status, JSON.stringify(submitted.body)).toBe(200);
      expect(submitted.body.assignment).not.toHaveProperty('risk');
    }

    const results = await eventually('the review to complete', async () => {
      const r = await client('GET', `/projects/${projectId}/results`);
      return r.body.items[0]?.status === 'completed' ? r.body : undefined;
    });
    const byId = Object.fromEntries((results.items[0].assignments as { assignmentId: string }[]).map((a) => [a.assignmentId, a]));
    expect(byId[uploaded[0]!.assignmentId]).toMatchObject({ status: 'approved' });
    expect(byId[uploaded[1]!.assignmentId]).toMatchObject({
      status: 'rejected',
      decision: {
        outcome: 'rejected',
        rule: 'autocheck.signal_rejects',
        evidence: { signals: [{ code: 'media.duplicate', evidence: { mediaId: uploaded[1]!.mediaId, contentHash: `md5:${md5}`, firstAssignmentId: uploaded[0]!.assignmentId, sameMicrotask: true } }] },
      },
    });

    // The rejected worker sees the rule and the evidence on their own assignment, never the risk record.
    const mine = await ben('GET', `/assignments/${uploaded[1]!.assignmentId}`);
    expect(mine.body.assignment).toMatchObject({ status: 'rejected', decision: { rule: 'autocheck.signal_rejects' } });
    expect(mine.body.assignment).not.toHaveProperty('risk');
  });

  it('flag a resized PNG copy of another worker’s JPEG as a near duplicate, naming the first assignment', async () => {
    const answerSpec = { type: 'media_collection', prompt: 'Photograph the counter', kinds: ['photo'], mimeTypes: ['image/jpeg', 'image/png'], maxBytesPerFile: 500_000, minCount: 1, maxCount: 1 };
    const created = await client('POST', '/projects', { title: 'Counters', answerSpec, reward: { amountMinor: 100, currency: 'EUR' }, redundancy: 2, reviewPolicy: { autoCheckRules: { flagAtScore: 50, rejectAtScore: 200 } } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const projectId = created.body.projectId as string;
    expect((await client('POST', `/projects/${projectId}/microtasks`, { microtasks: [{ input: { shop: 2 } }] })).status).toBe(201);
    expect((await client('POST', `/projects/${projectId}/publish`, {})).status).toBe(200);

    const counter = scene(303, 320, 240);
    const files = [
      { bytes: encodeJpeg(counter, 90), type: 'image/jpeg' },
      { bytes: encodePng(resized(counter, 240, 180)), type: 'image/png' },
    ];
    const uploaded: { assignmentId: string; mediaId: string }[] = [];
    for (const [i, worker] of [ana, ben].entries()) {
      const claim = await worker('POST', `/projects/${projectId}/assignments`, {});
      expect(claim.status, JSON.stringify(claim.body)).toBe(201);
      const assignmentId = claim.body.assignment.assignmentId as string;
      const asked = await worker('POST', `/assignments/${assignmentId}/media`, { contentType: files[i]!.type, sizeBytes: files[i]!.bytes.length });
      expect(await uploadForm(asked.body.upload, files[i]!.bytes, files[i]!.type)).toBe(204);
      const confirmed = await worker('POST', `/assignments/${assignmentId}/media/${asked.body.media.mediaId}/confirm`, {});
      expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
      expect(confirmed.body.media.facts.perceptualHash).toMatch(/^[0-9a-f]{16}$/);
      uploaded.push({ assignmentId, mediaId: asked.body.media.mediaId });
    }
    for (const [i, worker] of [ana, ben].entries()) {
      const submitted = await worker('POST', `/assignments/${uploaded[i]!.assignmentId}/submission`, { answer: { media: [uploaded[i]!.mediaId] } });
      expect(submitted.status, JSON.stringify(submitted.body)).toBe(200);
    }

    const results = await eventually('the review to complete', async () => {
      const r = await client('GET', `/projects/${projectId}/results`);
      return r.body.items[0]?.status === 'completed' ? r.body : undefined;
    });
    const byId = Object.fromEntries((results.items[0].assignments as { assignmentId: string }[]).map((a) => [a.assignmentId, a]));
    // Flagged, not rejected: the crowd still decides, and the decision names the check.
    expect(byId[uploaded[1]!.assignmentId]).toMatchObject({ decision: { evidence: { autoCheck: { verdict: 'flag', rule: 'autocheck.signal_flags', signals: ['media.near_duplicate'] } } } });
    expect(JSON.stringify(byId[uploaded[0]!.assignmentId])).not.toContain('media.near_duplicate');
  });
});
