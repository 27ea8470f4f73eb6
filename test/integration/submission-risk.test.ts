import { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../shared/adapters/ids';
import { MediaStorage } from '../../shared/adapters/s3/media-storage';
import type { Deps } from '../../shared/app/deps';
import { createHash } from 'node:crypto';
import { confirmMediaUseCase, requestMediaUploadUseCase } from '../../shared/app/media';
import { addMicrotasksUseCase, createProjectUseCase, publishProjectUseCase } from '../../shared/app/projects';
import { consensusUseCase, finalizeUseCase, loadSubmissionsUseCase } from '../../shared/app/review';
import { autoChecksUseCase } from '../../shared/app/risk';
import { claimAssignmentUseCase, getAssignmentUseCase, returnAssignmentUseCase, submitAnswerUseCase } from '../../shared/app/work';
import { putProfileUseCase } from '../../shared/app/workers';
import { Entries } from '../../shared/domain/ledger/ledger';
import type { AnswerSpec } from '../../shared/domain/marketplace/answer-spec';
import type { NewProject } from '../../shared/domain/marketplace/project';
import { escrowFor } from '../../shared/domain/marketplace/project';
import { answerFingerprint, DEFAULT_AUTO_CHECKS, type RiskSignal } from '../../shared/domain/quality/risk';
import { makeDeps } from '../support/deps';
import { startDynamo, type LocalDynamo } from '../support/emulators';
import { asWorker, newProject } from '../support/fixtures';
import { encodeJpeg, encodePng, resized, scene } from '../support/photos';

/** Duplicate detection by fingerprint claims, and the risk stored at submit, on DynamoDB Local. */
let dynamo: LocalDynamo;
let deps: Deps;
let clock = Date.parse('2026-04-01T09:00:00.000Z');

/** The bucket in memory: what confirm reads (size, single-part ETag, byte ranges) as S3 answers it. */
class MemoryMediaStorage extends MediaStorage {
  readonly objects = new Map<string, Uint8Array>();
  override async stat(key: string) {
    const b = this.objects.get(key);
    return b && { sizeBytes: b.length, contentHash: `md5:${createHash('md5').update(b).digest('hex')}` };
  }
  override async readRange(key: string, offset: number, length: number) {
    return (this.objects.get(key) ?? new Uint8Array()).subarray(offset, offset + length);
  }
  override async remove(key: string) {
    this.objects.delete(key);
  }
}
let storage: MemoryMediaStorage;

beforeAll(async () => {
  dynamo = await startDynamo();
  // Presigning is local computation: an S3 client that is never called over the network is enough.
  const s3 = new S3Client({ region: 'eu-west-1', endpoint: 'http://127.0.0.1:9', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
  storage = new MemoryMediaStorage(s3, 'media-bucket');
  deps = makeDeps(dynamo.client, await dynamo.createTable(), { now: () => new Date(clock).toISOString(), mediaStorage: () => storage });
});

afterAll(async () => {
  await dynamo?.stop();
});

async function published(overrides: Partial<NewProject>, microtasks: number) {
  const orgId = newId('org');
  const project = newProject({ assignmentDurationSeconds: 3_600, ...overrides });
  await deps.ledger.post(Entries.topUp(orgId, escrowFor({ rewardMinor: project.rewardMinor, feeBasisPoints: 1_000, redundancy: project.redundancy }, microtasks), { entryId: newId('t'), currency: 'EUR', createdAt: deps.now() }));
  const { projectId } = await createProjectUseCase(deps, orgId, project);
  await addMicrotasksUseCase(deps, orgId, projectId, Array.from({ length: microtasks }, (_, n) => ({ input: { n } })), newId('b'));
  await publishProjectUseCase(deps, orgId, projectId);
  return projectId;
}

const codesOf = (signals: readonly RiskSignal[] | undefined) => (signals ?? []).map((s) => s.code);

describe('fingerprint claims', () => {
  it('many concurrent claims of one fingerprint: exactly one owner, and every other claimant is told who it is', async () => {
    const projectId = newId('prj');
    const claimants = Array.from({ length: 12 }, (_, i) => ({ assignmentId: `asg_${i}`, microtaskId: `mt_${i % 3}` }));
    const owners = await Promise.all(claimants.map((c) => deps.fingerprints.claim(projectId, 'answer', 'f'.repeat(64), c, deps.now())));
    const winners = claimants.filter((c, i) => owners[i]!.assignmentId === c.assignmentId);
    expect(winners).toHaveLength(1);
    expect(new Set(owners.map((o) => o.assignmentId))).toEqual(new Set([winners[0]!.assignmentId]));
    // Idempotent for the owner (a retried submit); another project has its own fingerprints.
    expect(await deps.fingerprints.claim(projectId, 'answer', 'f'.repeat(64), winners[0]!, deps.now())).toEqual(winners[0]);
    expect(await deps.fingerprints.claim(newId('prj'), 'answer', 'f'.repeat(64), claimants[5]!, deps.now())).toEqual(claimants[5]);
    // A take-over moves it only from the owner named: concurrent take-overs of a stale owner leave one new owner.
    const losers = claimants.filter((c) => c !== winners[0]);
    expect(await deps.fingerprints.takeOver(projectId, 'answer', 'f'.repeat(64), losers[0]!.assignmentId, losers[1]!, deps.now())).toEqual(winners[0]);
    const after = await Promise.all(losers.map((c) => deps.fingerprints.takeOver(projectId, 'answer', 'f'.repeat(64), winners[0]!.assignmentId, c, deps.now())));
    expect(new Set(after.map((o) => o.assignmentId)).size).toBe(1);
    expect(losers.filter((c, i) => after[i]!.assignmentId === c.assignmentId)).toHaveLength(1);
  });

  it('a first claim whose assignment ended unanswered is taken over by the next equal answer, which is then no duplicate', async () => {
    const spec = { type: 'free_text', question: 'Describe the shop', minLength: 1, maxLength: 500 } as AnswerSpec;
    const projectId = await published({ answerSpec: spec, redundancy: 1 }, 2);
    const [w1, w2] = [`w-st-1-${newId('w')}`, `w-st-2-${newId('w')}`];
    const stale = await claimAssignmentUseCase(deps, w1, projectId);
    const text = 'A shoe shop with red doors and a brass bell';
    // As if w1's submit had claimed the fingerprint and then failed to commit; w1 then gives the task back.
    const fp = answerFingerprint(DEFAULT_AUTO_CHECKS, spec, { text })!;
    await deps.fingerprints.claim(projectId, 'answer', fp, { assignmentId: stale.assignment.assignmentId, microtaskId: stale.microtask.microtaskId }, deps.now());
    const live = await claimAssignmentUseCase(deps, w2, projectId);
    expect(live.microtask.microtaskId).not.toBe(stale.microtask.microtaskId);
    await returnAssignmentUseCase(deps, w1, stale.assignment.assignmentId);
    clock += 60_000;
    await submitAnswerUseCase(deps, w2, live.assignment.assignmentId, { answer: { text } }, {});
    expect(codesOf((await deps.marketplace.getAssignment(live.assignment.assignmentId, true))!.risk!.signals)).not.toContain('answer.duplicate');
    expect(await deps.fingerprints.claim(projectId, 'answer', fp, { assignmentId: 'asg_later', microtaskId: 'mt_x' }, deps.now())).toEqual({ assignmentId: live.assignment.assignmentId, microtaskId: live.microtask.microtaskId });
  });

  it('equal free-text answers submitted at once to different microtasks: one first, the others duplicates of it, and no worker sees the risk', async () => {
    const spec = { type: 'free_text', question: 'Describe the shop', minLength: 1, maxLength: 500 } as AnswerSpec;
    const projectId = await published({ answerSpec: spec, redundancy: 1 }, 6);
    const workers = Array.from({ length: 6 }, (_, i) => `w-dup-${i}-${newId('w')}`);
    const claims = await Promise.all(workers.map((w) => claimAssignmentUseCase(deps, w, projectId)));
    expect(new Set(claims.map((c) => c.microtask.microtaskId)).size).toBe(6);
    clock += 60_000;
    const text = 'A bakery with a green awning and two tables outside';
    await Promise.all(claims.map((c, i) => submitAnswerUseCase(deps, workers[i]!, c.assignment.assignmentId, { answer: { text: i % 2 ? text.toUpperCase() : text } }, {})));

    const stored = await Promise.all(claims.map((c) => deps.marketplace.getAssignment(c.assignment.assignmentId, true)));
    const duplicates = stored.filter((a) => codesOf(a!.risk?.signals).includes('answer.duplicate'));
    expect(duplicates).toHaveLength(5);
    const first = stored.find((a) => !duplicates.includes(a))!;
    for (const d of duplicates) {
      const s = d!.risk!.signals.find((x) => x.code === 'answer.duplicate')!;
      expect(s.evidence).toEqual({ fingerprint: expect.stringMatching(/^[0-9a-f]{64}$/), firstAssignmentId: first.assignmentId });
      expect(d!.risk!.score).toBeGreaterThanOrEqual(40);
    }
    expect(codesOf(first.risk!.signals)).toEqual(['answer.spec_valid', 'network.ip_country_unknown']);
    const view = await getAssignmentUseCase(deps, asWorker(workers[0]!), claims[0]!.assignment.assignmentId);
    expect(view.assignment).not.toHaveProperty('risk');
  });
});

describe('risk at submit and the automatic checks in review', () => {
  it('records a too-fast answer from another country than the profile, and the checks flag it without changing the crowd’s decision', async () => {
    const projectId = await published({ redundancy: 1 }, 1);
    const worker = `w-far-${newId('w')}`;
    await putProfileUseCase(deps, worker, { country: 'DE', languages: [{ language: 'de', level: 'native' }], timeZone: 'Europe/Berlin', acceptedTermsVersion: '1', demographicsConsent: false });
    const claim = await claimAssignmentUseCase(deps, worker, projectId);
    clock += 1_000;
    await submitAnswerUseCase(deps, worker, claim.assignment.assignmentId, { answer: { choice: 'cat' } }, { sourceIp: '198.51.100.7' });
    const a = await deps.marketplace.getAssignment(claim.assignment.assignmentId, true);
    expect(a!.risk).toMatchObject({ score: 60, computedAt: new Date(clock).toISOString() });
    expect(a!.risk!.signals.find((s) => s.code === 'network.ip_country_mismatch')!.evidence).toEqual({ ipCountry: 'US', profileCountry: 'DE' });
    expect(JSON.stringify(a!.risk)).not.toContain('198.51.100.7');

    const loaded = await loadSubmissionsUseCase(deps, { microtaskId: claim.microtask.microtaskId });
    // LoadSubmissions carries the risk to the AutoChecks stage, which uses it up.
    expect(loaded.answers![0]!.risk).toMatchObject({ score: 60 });
    const checked = autoChecksUseCase(loaded);
    expect(checked.autoChecks).toEqual({
      rejected: [],
      flagged: [{ assignmentId: a!.assignmentId, rule: 'autocheck.score_at_flag_threshold', score: 60, signals: ['time.too_fast', 'network.ip_country_mismatch'] }],
    });
    expect(checked.answers![0]).not.toHaveProperty('risk');
    const decided = consensusUseCase(checked);
    expect(decided.decisions![0]!.decision).toMatchObject({ outcome: 'approved', evidence: { autoCheck: { verdict: 'flag', score: 60, signals: ['time.too_fast', 'network.ip_country_mismatch'] } } });
  });

  it('the same photo in two assignments of a microtask: the later one is rejected by rule with the first as evidence and does not vote', async () => {
    const spec: AnswerSpec = { type: 'media_collection', prompt: 'Photo', kinds: ['photo'], mimeTypes: ['image/jpeg'], maxBytesPerFile: 10_000, minCount: 1, maxCount: 1 };
    const projectId = await published({ answerSpec: spec, redundancy: 2 }, 1);
    const [ana, ben] = [`w-ana-${newId('w')}`, `w-ben-${newId('w')}`];
    const claims = await Promise.all([ana, ben].map((w) => claimAssignmentUseCase(deps, w, projectId)));
    const capturedAt = new Date(clock + 60_000).toISOString().slice(0, 19);
    const media = await Promise.all(
      claims.map(async (c, i) => {
        const worker = [ana, ben][i]!;
        const asked = await requestMediaUploadUseCase(deps, worker, c.assignment.assignmentId, { contentType: 'image/jpeg', sizeBytes: 900 });
        const record = (await deps.media.get(c.assignment.assignmentId, asked.media.mediaId))!;
        // What confirm would record of the same bytes uploaded twice: the same content hash.
        await deps.media.settle(record, { status: 'confirmed', facts: { mimeType: 'image/jpeg', sizeBytes: 900, capturedAt, contentHash: 'md5:0123456789abcdef0123456789abcdef' } }, deps.now());
        return asked.media.mediaId;
      }),
    );
    clock += 5 * 60_000;
    await submitAnswerUseCase(deps, ana, claims[0]!.assignment.assignmentId, { answer: { media: [media[0]!] } }, {});
    clock += 60_000;
    await submitAnswerUseCase(deps, ben, claims[1]!.assignment.assignmentId, { answer: { media: [media[1]!] } }, {});

    const review = await finalizeUseCase(deps, consensusUseCase(autoChecksUseCase(await loadSubmissionsUseCase(deps, { microtaskId: claims[0]!.microtask.microtaskId }))));
    expect(review.applied).toEqual({ approved: 1, rejected: 1 });
    const [first, second] = await Promise.all(claims.map((c) => deps.marketplace.getAssignment(c.assignment.assignmentId, true)));
    expect(first!.status).toBe('approved');
    expect(second).toMatchObject({
      status: 'rejected',
      decision: {
        outcome: 'rejected',
        rule: 'autocheck.signal_rejects',
        evidence: { signals: [{ code: 'media.duplicate', evidence: { mediaId: media[1], firstAssignmentId: first!.assignmentId, sameMicrotask: true } }] },
      },
    });
    expect(JSON.stringify(second!.decision)).not.toContain(ana);
  });

  it('a re-encoded, resized copy of a photo is flagged with the first as evidence; a different photo and the own retake are not', async () => {
    const spec: AnswerSpec = { type: 'media_collection', prompt: 'Photo of the shop front', kinds: ['photo'], mimeTypes: ['image/jpeg', 'image/png'], maxBytesPerFile: 2_000_000, minCount: 1, maxCount: 2 };
    const projectId = await published({ answerSpec: spec, redundancy: 1 }, 4);
    const workers = [`w-orig-${newId('w')}`, `w-copy-${newId('w')}`, `w-other-${newId('w')}`, `w-same-${newId('w')}`];
    const claims = await Promise.all(workers.map((w) => claimAssignmentUseCase(deps, w, projectId)));
    const shop = scene(101, 320, 240);
    const files: Uint8Array[][] = [
      [encodeJpeg(shop, 92), encodeJpeg(resized(shop, 300, 225), 80)],
      [encodePng(resized(shop, 200, 150))],
      [encodeJpeg(scene(202, 320, 240), 90)],
    ];
    files.push([files[0]![0]!]);
    const uploaded = async (i: number, bytes: Uint8Array) => {
      const c = claims[i]!;
      const contentType = bytes[0] === 0x89 ? 'image/png' : 'image/jpeg';
      const asked = await requestMediaUploadUseCase(deps, workers[i]!, c.assignment.assignmentId, { contentType, sizeBytes: bytes.length });
      storage.objects.set((await deps.media.get(c.assignment.assignmentId, asked.media.mediaId))!.key, bytes);
      const { media } = await confirmMediaUseCase(deps, workers[i]!, c.assignment.assignmentId, asked.media.mediaId);
      expect(media.facts!.perceptualHash).toMatch(/^[0-9a-f]{16}$/);
      return media.mediaId;
    };
    const submitted = async (i: number) => {
      const media = await Promise.all(files[i]!.map((b) => uploaded(i, b)));
      clock += 60_000;
      await submitAnswerUseCase(deps, workers[i]!, claims[i]!.assignment.assignmentId, { answer: { media } }, {});
      const a = (await deps.marketplace.getAssignment(claims[i]!.assignment.assignmentId, true))!;
      return { a, media, near: a.risk!.signals.filter((s) => s.code === 'media.near_duplicate') };
    };
    const first = await submitted(0);
    // Two shots of one scene in one assignment are a retake, not a copy.
    expect(first.near).toEqual([]);
    const copy = await submitted(1);
    expect(copy.near).toEqual([
      expect.objectContaining({
        weight: 40,
        evidence: { mediaId: copy.media[0], firstAssignmentId: first.a.assignmentId, sameMicrotask: false, distanceBits: expect.any(Number), maxDistanceBits: 6 },
      }),
    ]);
    expect(codesOf(copy.a.risk!.signals)).not.toContain('media.duplicate');
    expect(JSON.stringify(copy.a.risk)).not.toContain(workers[0]);
    const other = await submitted(2);
    expect(other.near).toEqual([]);
    // The same bytes: the exact duplicate rejects, and the near one is not reported beside it.
    const same = await submitted(3);
    expect(codesOf(same.a.risk!.signals).filter((c) => c.startsWith('media.') && c.includes('duplicate'))).toEqual(['media.duplicate']);

    const checked = autoChecksUseCase(await loadSubmissionsUseCase(deps, { microtaskId: copy.a.microtaskId }));
    expect(checked.autoChecks!.flagged).toEqual([expect.objectContaining({ assignmentId: copy.a.assignmentId, rule: 'autocheck.signal_flags' })]);
  });

  it('concurrent claims of one band: one owner, whose whole hash every other claimant reads', async () => {
    const projectId = newId('prj');
    const claimants = Array.from({ length: 10 }, (_, i) => ({ assignmentId: `asg_${i}`, microtaskId: `mt_${i}`, perceptualHash: `0123${i.toString(16).padStart(12, '0')}` }));
    const owners = await Promise.all(claimants.map((c) => deps.fingerprints.claimBand(projectId, '0#0123', c, deps.now())));
    const winners = claimants.filter((c, i) => owners[i]!.assignmentId === c.assignmentId);
    expect(winners).toHaveLength(1);
    for (const o of owners) expect(o).toEqual(winners[0]);
    expect(await deps.fingerprints.claimBand(projectId, '1#0123', claimants[3]!, deps.now())).toEqual(claimants[3]);
  });
});
