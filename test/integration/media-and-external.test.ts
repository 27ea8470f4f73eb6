import { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../shared/adapters/ids';
import { MediaStorage } from '../../shared/adapters/s3/media-storage';
import type { Deps } from '../../shared/app/deps';
import { submitExternalAnswerUseCase } from '../../shared/app/external';
import { confirmMediaUseCase, requestMediaUploadUseCase } from '../../shared/app/media';
import { addMicrotasksUseCase, createProjectUseCase, publishProjectUseCase } from '../../shared/app/projects';
import { claimAssignmentUseCase, submitAnswerUseCase } from '../../shared/app/work';
import { DomainError } from '../../shared/domain/errors';
import { Entries } from '../../shared/domain/ledger/ledger';
import type { AnswerSpec } from '../../shared/domain/marketplace/answer-spec';
import { escrowFor } from '../../shared/domain/marketplace/project';
import { makeDeps } from '../support/deps';
import { startDynamo, type LocalDynamo } from '../support/emulators';
import { newProject } from '../support/fixtures';

/** The conditional writes behind media uploads and completion tokens, on DynamoDB Local. */
let dynamo: LocalDynamo;
let deps: Deps;
let clock = Date.parse('2026-03-03T09:00:00.000Z');
const announced: string[] = [];

beforeAll(async () => {
  dynamo = await startDynamo();
  // Presigning is local computation: an S3 client that is never called over the network is enough.
  const s3 = new S3Client({ region: 'eu-west-1', endpoint: 'http://127.0.0.1:9', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
  deps = makeDeps(dynamo.client, await dynamo.createTable(), {
    now: () => new Date(clock).toISOString(),
    mediaStorage: () => new MediaStorage(s3, 'media-bucket'),
    submissions: () => ({ announce: async (m: { assignmentId: string }) => void announced.push(m.assignmentId) }) as never,
  });
});

afterAll(async () => {
  await dynamo?.stop();
});

async function published(answerSpec: AnswerSpec, redundancy = 2) {
  const orgId = newId('org');
  const p = { rewardMinor: 15, feeBasisPoints: 1_000, redundancy };
  await deps.ledger.post(Entries.topUp(orgId, escrowFor(p, 1), { entryId: newId('t'), currency: 'EUR', createdAt: deps.now() }));
  const { projectId } = await createProjectUseCase(deps, orgId, newProject({ answerSpec, redundancy, assignmentDurationSeconds: 600 }));
  await addMicrotasksUseCase(deps, orgId, projectId, [{ input: { n: 1 } }], 'b');
  await publishProjectUseCase(deps, orgId, projectId);
  return projectId;
}

const code = async (p: Promise<unknown>) => p.then(() => 'ok', (e) => (e instanceof DomainError ? e.code : String(e)));

describe('completion tokens', () => {
  const spec: AnswerSpec = { type: 'external', taskUrl: 'https://tasks.example.com/t' };

  it('answer once even when the page posts many times at once', async () => {
    const projectId = await published(spec);
    const claim = await claimAssignmentUseCase(deps, 'w-ext-1', projectId);
    const { assignmentId } = claim.assignment;
    const token = (claim.task as { external: { completionToken: string } }).external.completionToken;
    const stored = await deps.marketplace.getAssignment(assignmentId, true);
    expect(stored!.completionTokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(stored)).not.toContain(token);

    const outcomes = await Promise.all([1, 2, 3, 4, 5].map((n) => code(submitExternalAnswerUseCase(deps, assignmentId, { completionToken: token, answer: { n } }, {}))));
    expect(outcomes.filter((o) => o === 'ok')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'completion_token_used')).toHaveLength(4);
    const after = await deps.marketplace.getAssignment(assignmentId, true);
    expect(after).toMatchObject({ status: 'submitted', submissionContext: { via: 'external_page' } });
    expect(await deps.marketplace.getMicrotask(after!.microtaskId, true)).toMatchObject({ submittedCount: 1 });
  });

  it('expire with the lease and belong to one assignment', async () => {
    const projectId = await published(spec);
    const first = await claimAssignmentUseCase(deps, 'w-ext-2', projectId);
    const second = await claimAssignmentUseCase(deps, 'w-ext-3', projectId);
    const tokenOf = (c: typeof first) => (c.task as { external: { completionToken: string } }).external.completionToken;
    expect(await code(submitExternalAnswerUseCase(deps, second.assignment.assignmentId, { completionToken: tokenOf(first), answer: {} }, {}))).toBe('completion_token_invalid');
    clock += 11 * 60_000;
    expect(await code(submitExternalAnswerUseCase(deps, first.assignment.assignmentId, { completionToken: tokenOf(first), answer: {} }, {}))).toBe('completion_token_expired');
    expect((await deps.marketplace.getAssignment(first.assignment.assignmentId, true))!.status).toBe('claimed');
  });
});

describe('media uploads', () => {
  const spec: AnswerSpec = { type: 'media_collection', prompt: 'Photo', kinds: ['photo'], mimeTypes: ['image/jpeg'], maxBytesPerFile: 1_000, minCount: 1, maxCount: 1 };

  it('caps the uploads one claim may announce, and only its worker may announce or confirm', async () => {
    const projectId = await published(spec, 1);
    const { assignment } = await claimAssignmentUseCase(deps, 'w-media-1', projectId);
    const ask = () => requestMediaUploadUseCase(deps, 'w-media-1', assignment.assignmentId, { contentType: 'image/jpeg', sizeBytes: 500 });
    const asked = await ask();
    expect(asked.upload.fields.key).toBe(`media/${projectId}/${assignment.assignmentId}/${asked.media.mediaId}`);
    expect(asked.media).not.toHaveProperty('key');
    // maxCount 1 allows 2 × 1 + 3 = 5 announcements, concurrent or not.
    const more = await Promise.all([1, 2, 3, 4, 5, 6].map(() => code(ask())));
    expect(more.filter((o) => o === 'ok')).toHaveLength(4);
    expect(more.filter((o) => o === 'media_upload_refused')).toHaveLength(2);
    expect(await deps.media.ofAssignment(assignment.assignmentId, 50)).toHaveLength(5);

    expect(await code(requestMediaUploadUseCase(deps, 'intruder', assignment.assignmentId, { contentType: 'image/jpeg', sizeBytes: 500 }))).toBe('assignment_not_found');
    expect(await code(confirmMediaUseCase(deps, 'intruder', assignment.assignmentId, asked.media.mediaId))).toBe('media_not_found');
  });

  it('submits only confirmed media of the assignment, settled once', async () => {
    const projectId = await published(spec, 1);
    const { assignment } = await claimAssignmentUseCase(deps, 'w-media-2', projectId);
    const asked = await requestMediaUploadUseCase(deps, 'w-media-2', assignment.assignmentId, { contentType: 'image/jpeg', sizeBytes: 500 });
    const submit = () => submitAnswerUseCase(deps, 'w-media-2', assignment.assignmentId, { answer: { media: [asked.media.mediaId] }, location: { lat: 1, lon: 2 } }, {});
    expect(await code(submit())).toBe('media_not_confirmed');

    const record = (await deps.media.get(assignment.assignmentId, asked.media.mediaId))!;
    const facts = { mimeType: 'image/jpeg', sizeBytes: 500 };
    // A confirm racing a rejection: exactly one settles the record, and a settled record keeps its outcome.
    const raced = await requestMediaUploadUseCase(deps, 'w-media-2', assignment.assignmentId, { contentType: 'image/jpeg', sizeBytes: 500 });
    const racedRecord = (await deps.media.get(assignment.assignmentId, raced.media.mediaId))!;
    const settled = await Promise.all([deps.media.settle(racedRecord, { status: 'confirmed', facts }, deps.now()), deps.media.settle(racedRecord, { status: 'rejected', rejection: { rule: 'x', message: 'x' } }, deps.now())]);
    expect(settled.filter(Boolean)).toHaveLength(1);
    const after = (await deps.media.get(assignment.assignmentId, raced.media.mediaId))!;
    expect(after.status).toBe(settled[0] ? 'confirmed' : 'rejected');
    expect(after.status === 'confirmed' ? after.rejection : after.facts).toBeUndefined();

    expect(await deps.media.settle(record, { status: 'confirmed', facts }, deps.now())).toBe(true);
    expect(await code(submit())).toBe('ok');
    expect((await deps.marketplace.getAssignment(assignment.assignmentId, true))!.submissionContext).toMatchObject({ location: { lat: 1, lon: 2 } });
    // No more uploads once the assignment is submitted.
    expect(await code(requestMediaUploadUseCase(deps, 'w-media-2', assignment.assignmentId, { contentType: 'image/jpeg', sizeBytes: 500 }))).toBe('assignment_not_open');
  });
});
