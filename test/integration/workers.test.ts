import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../shared/adapters/ids';
import { Keys } from '../../shared/adapters/dynamodb/table-design';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Deps } from '../../shared/app/deps';
import { addMicrotasksUseCase, createProjectUseCase, publishProjectUseCase, setProjectPausedUseCase } from '../../shared/app/projects';
import { createQualificationTypeUseCase, grantQualificationUseCase, revokeQualificationUseCase, startAttemptUseCase, submitAttemptUseCase } from '../../shared/app/qualifications';
import { consensusUseCase, finalizeUseCase, loadSubmissionsUseCase } from '../../shared/app/review';
import {
  appealUseCase,
  blockWorkerForClientUseCase,
  decideAppealUseCase,
  decidePlatformStandingUseCase,
  liftPlatformStandingUseCase,
  setProjectExclusionUseCase,
  unblockWorkerForClientUseCase,
} from '../../shared/app/standing';
import { claimAssignmentUseCase, returnAssignmentUseCase, submitAnswerUseCase } from '../../shared/app/work';
import { eraseMeUseCase, exportMyDataUseCase, myReputationUseCase, putProfileUseCase, taskFeedUseCase } from '../../shared/app/workers';
import { DomainError } from '../../shared/domain/errors';
import { Accounts, Entries } from '../../shared/domain/ledger/ledger';
import { escrowFor, type NewProject } from '../../shared/domain/marketplace/project';
import type { Caller } from '../../shared/http/auth';
import { makeDeps } from '../support/deps';
import { startDynamo, type LocalDynamo } from '../support/emulators';
import { newProject } from '../support/fixtures';

/** Workers on DynamoDB Local: eligibility, blocks and quotas at claim time, assessments' conditional writes, GDPR. */
let dynamo: LocalDynamo;
let table: string;
let deps: Deps;
let clock = Date.parse('2026-03-02T09:00:00.000Z');
const erased: string[] = [];

beforeAll(async () => {
  dynamo = await startDynamo();
  table = await dynamo.createTable();
  deps = makeDeps(dynamo.client, table, {
    now: () => new Date(clock).toISOString(),
    identity: () => ({ deleteUser: async (id: string) => (erased.push(id), true) }),
  });
});

afterAll(async () => {
  await dynamo?.stop();
});

const code = async (p: Promise<unknown>) => p.then(() => 'ok', (e) => (e instanceof DomainError ? e.code : String(e)));
const worker = () => newId('w');
const clientOf = (orgId: string): Caller => ({ userId: orgId, orgId, groups: ['clients'] });

async function publishedProject(microtasks: { input: Record<string, unknown> }[], over: Partial<NewProject> = {}, orgId = newId('org')) {
  const redundancy = over.redundancy ?? 1;
  const p = { rewardMinor: 15, feeBasisPoints: 1_000, redundancy };
  await deps.ledger.post(Entries.topUp(orgId, escrowFor(p, microtasks.length), { entryId: newId('t'), currency: 'EUR', createdAt: deps.now() }));
  const { projectId } = await createProjectUseCase(deps, orgId, newProject({ redundancy, ...over }));
  await addMicrotasksUseCase(deps, orgId, projectId, microtasks, 'b');
  await publishProjectUseCase(deps, orgId, projectId);
  return { orgId, projectId };
}

const profile = (country: string, extra: Partial<Parameters<typeof putProfileUseCase>[2]> = {}) => ({
  country,
  languages: [{ language: 'de', level: 'native' as const }],
  timeZone: 'Europe/Berlin',
  acceptedTermsVersion: '2026-01',
  demographicsConsent: false,
  ...extra,
});

describe('quotas under concurrent claims', () => {
  it('never over-fills a segment of worker attributes', async () => {
    const { projectId } = await publishedProject(
      Array.from({ length: 12 }, (_, i) => ({ input: { i } })),
      { redundancy: 3, quota: { dimensions: ['country'], limits: { DE: 5, AT: 2 } } },
    );
    const workers = Array.from({ length: 16 }, (_, i) => ({ id: worker(), country: i % 2 ? 'DE' : 'AT' }));
    await Promise.all(workers.map((w) => putProfileUseCase(deps, w.id, profile(w.country))));
    const outcomes = await Promise.all(workers.map((w) => code(claimAssignmentUseCase(deps, w.id, projectId)).then((c) => ({ ...w, c }))));
    const ok = (country: string) => outcomes.filter((o) => o.country === country && o.c === 'ok').length;
    expect(ok('DE')).toBe(5);
    expect(ok('AT')).toBe(2);
    expect(new Set(outcomes.filter((o) => o.c !== 'ok').map((o) => o.c))).toEqual(new Set(['segment_quota_filled']));
    const counter = await dynamo.client.send(new GetCommand({ TableName: table, Key: Keys.quotaCounter(projectId, 'DE'), ConsistentRead: true }));
    expect(counter.Item?.filled).toBe(5);
    // A worker with no profile cannot be counted in a segment, so cannot claim.
    expect(await code(claimAssignmentUseCase(deps, worker(), projectId))).toBe('quota_segment_unknown');
  });

  it('never over-fills segments of microtask input, and a returned claim frees its place', async () => {
    const microtasks = Array.from({ length: 10 }, (_, i) => ({ input: { scenario: i % 2 ? 'kitchen' : 'street' } }));
    const { projectId } = await publishedProject(microtasks, { redundancy: 3, quota: { dimensions: ['input.scenario'], limits: { kitchen: 4, street: 3 } } });
    const workers = Array.from({ length: 14 }, () => worker());
    const claims = await Promise.all(workers.map((w) => claimAssignmentUseCase(deps, w, projectId).then((r) => ({ w, r }), (e) => ({ w, e: (e as DomainError).code }))));
    const won = claims.flatMap((c) => ('r' in c ? [{ w: c.w, r: c.r }] : []));
    const scenario = (x: (typeof won)[number]) => x.r.microtask.input.scenario;
    expect(won.filter((x) => scenario(x) === 'kitchen')).toHaveLength(4);
    expect(won.filter((x) => scenario(x) === 'street')).toHaveLength(3);
    expect(claims.filter((c) => 'e' in c).map((c) => ('e' in c ? c.e : ''))).toEqual(Array(7).fill('segment_quota_filled'));

    const giver = won.find((x) => scenario(x) === 'street')!;
    await returnAssignmentUseCase(deps, giver.w, giver.r.assignment.assignmentId);
    const late = await claimAssignmentUseCase(deps, worker(), projectId);
    expect(late.microtask.input.scenario).toBe('street');
    expect(await code(claimAssignmentUseCase(deps, worker(), projectId))).toBe('segment_quota_filled');
  });

  it('caps the assignments one worker may claim in a project', async () => {
    const { projectId } = await publishedProject(Array.from({ length: 5 }, (_, i) => ({ input: { i } })), { maxAssignmentsPerWorker: 2 });
    const w = worker();
    const results = await Promise.all([0, 1, 2, 3].map(() => code(claimAssignmentUseCase(deps, w, projectId))));
    expect(results.filter((r) => r === 'ok')).toHaveLength(2);
    expect(results.filter((r) => r !== 'ok')).toEqual(['assignment_cap_reached', 'assignment_cap_reached']);
  });
});

describe('blocks, suspensions and exclusions at claim time', () => {
  it('refuses a blocked, suspended, client-blocked or excluded worker with the reason code', async () => {
    const { orgId, projectId } = await publishedProject(Array.from({ length: 6 }, (_, i) => ({ input: { i } })), { redundancy: 2 });
    const other = await publishedProject([{ input: { i: 0 } }]);
    const w = worker();

    const block = await decidePlatformStandingUseCase(deps, w, { kind: 'block', reason: 'payment fraud' });
    const refused = await claimAssignmentUseCase(deps, w, projectId).catch((e: DomainError) => e);
    expect(refused).toMatchObject({ kind: 'forbidden', code: 'worker_blocked', details: { reason: 'payment fraud' } });
    // One appeal per decision; overturned, the worker may claim again.
    await appealUseCase(deps, w, { decisionId: block.decisionId, statement: 'It was my sister' });
    expect(await code(appealUseCase(deps, w, { decisionId: block.decisionId, statement: 'again' }))).toBe('already_appealed');
    expect((await deps.workers.listPendingAppeals(100)).items.map((d) => d.workerId)).toContain(w);
    await decideAppealUseCase(deps, w, { decisionId: block.decisionId, outcome: 'overturned', note: 'Verified' });
    expect(await code(decideAppealUseCase(deps, w, { decisionId: block.decisionId, outcome: 'upheld', note: 'x' }))).toBe('no_pending_appeal');
    expect(await code(claimAssignmentUseCase(deps, w, projectId))).toBe('ok');

    await decidePlatformStandingUseCase(deps, w, { kind: 'suspension', reason: 'too fast', until: new Date(clock + 3_600_000).toISOString() });
    expect(await code(claimAssignmentUseCase(deps, w, projectId))).toBe('worker_suspended');
    clock += 3_600_001;
    expect(await code(claimAssignmentUseCase(deps, w, projectId))).toBe('ok');

    await blockWorkerForClientUseCase(deps, orgId, w, 'ignored instructions');
    expect(await code(claimAssignmentUseCase(deps, w, projectId))).toBe('blocked_by_client');
    expect(await code(claimAssignmentUseCase(deps, w, other.projectId))).toBe('ok'); // another client's project
    await unblockWorkerForClientUseCase(deps, orgId, w);

    const x = worker();
    await setProjectExclusionUseCase(deps, orgId, projectId, x, true);
    expect(await code(claimAssignmentUseCase(deps, x, projectId))).toBe('excluded_from_project');
    expect((await taskFeedUseCase(deps, x, 100)).items.map((i) => i.projectId)).not.toContain(projectId);
    await setProjectExclusionUseCase(deps, orgId, projectId, x, false);
    expect(await code(claimAssignmentUseCase(deps, x, projectId))).toBe('ok');

    await decidePlatformStandingUseCase(deps, x, { kind: 'block', reason: 'bots' });
    await liftPlatformStandingUseCase(deps, x);
    expect(await code(claimAssignmentUseCase(deps, x, projectId))).toBe('ok');
  });
});

describe('assessments, requirements and the feed', () => {
  it('enforces one open attempt, the cooldown and max attempts with conditional writes; a pass opens the project', async () => {
    const orgId = newId('org');
    const type = await createQualificationTypeUseCase(deps, clientOf(orgId), {
      name: 'Bird spotting',
      description: '',
      platform: false,
      assessment: {
        questions: ['q1', 'q2'].map((id) => ({ questionId: id, text: id, options: [{ value: 'a', label: 'A' }, { value: 'b', label: 'B' }] })),
        answerKey: { q1: 'a', q2: 'b' },
        passingScore: 100,
        timeLimitSeconds: 300,
        retakeCooldownSeconds: 60,
        maxAttempts: 2,
        revealWrongAnswers: true,
      },
    });
    const { projectId } = await publishedProject([{ input: { i: 0 } }], { priority: 7, requirements: { qualifications: [{ qualificationTypeId: type.qualificationTypeId, comparator: 'GreaterThanOrEqualTo', values: [100] }] } }, orgId);
    const w = worker();
    expect(await code(claimAssignmentUseCase(deps, w, projectId))).toBe('qualification_requirement_unmet');
    expect((await taskFeedUseCase(deps, w, 100)).items.map((i) => i.projectId)).not.toContain(projectId);

    // Five concurrent starts: exactly one attempt opens.
    const starts = await Promise.all([0, 1, 2, 3, 4].map(() => startAttemptUseCase(deps, w, type.qualificationTypeId).then((r) => r, (e: DomainError) => e.code)));
    const opened = starts.filter((s) => typeof s !== 'string');
    expect(opened).toHaveLength(1);
    expect(starts.filter((s) => typeof s === 'string')).toEqual(Array(4).fill('attempt_in_progress'));
    const first = opened[0] as Exclude<(typeof starts)[number], string>;
    expect(JSON.stringify(first)).not.toContain('answerKey');

    const failed = await submitAttemptUseCase(deps, w, type.qualificationTypeId, first.attempt.attemptId, { q1: 'a', q2: 'a' });
    expect(failed).toMatchObject({ score: 50, passed: false, wrongQuestionIds: ['q2'], attemptsLeft: 1 });
    expect(await code(submitAttemptUseCase(deps, w, type.qualificationTypeId, first.attempt.attemptId, { q1: 'a', q2: 'b' }))).toBe('attempt_already_submitted');
    expect(await code(startAttemptUseCase(deps, w, type.qualificationTypeId))).toBe('retake_cooldown');

    clock += 61_000;
    const retries = await Promise.all([0, 1, 2].map(() => startAttemptUseCase(deps, w, type.qualificationTypeId).then((r) => r, (e: DomainError) => e.code)));
    const second = retries.find((r) => typeof r !== 'string') as Exclude<(typeof retries)[number], string>;
    expect(retries.filter((r) => typeof r === 'string')).toHaveLength(2);
    expect(await submitAttemptUseCase(deps, w, type.qualificationTypeId, second.attempt.attemptId, { q1: 'a', q2: 'b' })).toMatchObject({ score: 100, passed: true });
    clock += 61_000;
    expect(await code(startAttemptUseCase(deps, w, type.qualificationTypeId))).toBe('max_attempts_reached');

    const feed = await taskFeedUseCase(deps, w, 100);
    expect(feed.items.find((i) => i.projectId === projectId)).toMatchObject({ priority: 7 });
    expect(await code(claimAssignmentUseCase(deps, w, projectId))).toBe('ok');

    // The owner revokes; a manual grant with a score below the bar does not qualify either.
    const v = worker();
    await grantQualificationUseCase(deps, clientOf(orgId), type.qualificationTypeId, v, { score: 90 });
    expect((await taskFeedUseCase(deps, v, 100)).items.map((i) => i.projectId)).not.toContain(projectId);
    await grantQualificationUseCase(deps, clientOf(orgId), type.qualificationTypeId, v, { score: 100 });
    expect((await taskFeedUseCase(deps, v, 100)).items.map((i) => i.projectId)).toContain(projectId);
    await revokeQualificationUseCase(deps, clientOf(orgId), type.qualificationTypeId, v);
    expect(await code(claimAssignmentUseCase(deps, v, projectId))).toBe('qualification_requirement_unmet');
    // Another client can neither manage nor require this type.
    expect(await code(grantQualificationUseCase(deps, clientOf(newId('org')), type.qualificationTypeId, v, { score: 100 }))).toBe('qualification_type_not_found');
    expect(await code(createProjectUseCase(deps, newId('org'), newProject({ requirements: { qualifications: [{ qualificationTypeId: type.qualificationTypeId, comparator: 'Exists' }] } })))).toBe('unknown_qualification_type');
  });

  it('gives higher tiers a project to themselves during its early-access window', async () => {
    const { projectId } = await publishedProject([{ input: { i: 0 } }, { input: { i: 1 } }], { earlyAccess: { minTier: 'gold', windowSeconds: 3600 } });
    const newcomer = worker();
    expect(await code(claimAssignmentUseCase(deps, newcomer, projectId))).toBe('early_access_tier_required');
    expect((await taskFeedUseCase(deps, newcomer, 100)).items.map((i) => i.projectId)).not.toContain(projectId);

    // A worker with a long record of approvals (seeded into the stats item review keeps) is gold.
    const veteran = worker();
    await dynamo.client.send(new UpdateCommand({ TableName: table, Key: Keys.workerStats(veteran, 'EUR'), UpdateExpression: 'SET approvedCount = :n, rejectedCount = :z, currency = :c', ExpressionAttributeValues: { ':n': 300, ':z': 3, ':c': 'EUR' } }));
    expect((await myReputationUseCase(deps, veteran)).tier).toBe('gold');
    expect((await taskFeedUseCase(deps, veteran, 100)).items.find((i) => i.projectId === projectId)).toHaveProperty('earlyAccessUntil');
    expect(await code(claimAssignmentUseCase(deps, veteran, projectId))).toBe('ok');

    clock += 3_600_001;
    expect(await code(claimAssignmentUseCase(deps, newcomer, projectId))).toBe('ok');
  });

  it('lets only admins create platform-wide types', async () => {
    const orgId = newId('org');
    const input = { name: 'English C1', description: '', platform: true };
    expect(await code(createQualificationTypeUseCase(deps, clientOf(orgId), input))).toBe('admins_only');
    const t = await createQualificationTypeUseCase(deps, { userId: 'admin', orgId: 'admin', groups: ['admins'] }, input);
    expect(t.ownerId).toBe('platform');
    // Any client may require a platform type.
    expect(await code(createProjectUseCase(deps, orgId, newProject({ requirements: { qualifications: [{ qualificationTypeId: t.qualificationTypeId, comparator: 'Exists' }] } })))).toBe('ok');
    expect(await code(grantQualificationUseCase(deps, clientOf(orgId), t.qualificationTypeId, worker(), { score: 1 }))).toBe('qualification_type_not_found');
  });

  it('orders the feed by priority and drops paused projects', async () => {
    const low = await publishedProject([{ input: { i: 0 } }], { priority: 1 });
    const high = await publishedProject([{ input: { i: 0 } }], { priority: 90 });
    const ids = (await taskFeedUseCase(deps, worker(), 100)).items.map((i) => i.projectId);
    expect(ids.indexOf(high.projectId)).toBeLessThan(ids.indexOf(low.projectId));
    await setProjectPausedUseCase(deps, high.orgId, high.projectId, true);
    expect((await taskFeedUseCase(deps, worker(), 100)).items.map((i) => i.projectId)).not.toContain(high.projectId);
    await setProjectPausedUseCase(deps, high.orgId, high.projectId, false);
    expect((await taskFeedUseCase(deps, worker(), 100)).items.map((i) => i.projectId)).toContain(high.projectId);
  });
});

describe('reputation and GDPR', () => {
  it('records review decisions as reputation, exports everything and erases PII while the ledger still balances', async () => {
    const { projectId } = await publishedProject([{ input: { i: 0 } }]);
    const w = worker();
    await putProfileUseCase(deps, w, profile('DE', { demographicsConsent: true, demographics: { birthYear: 1990, gender: 'female' } }));
    const claim = await claimAssignmentUseCase(deps, w, projectId);
    await submitAnswerUseCase(deps, w, claim.assignment.assignmentId, { answer: { choice: 'cat' } }, { sourceIp: '203.0.113.9', userAgent: 'Firefox' });
    await finalizeUseCase(deps, consensusUseCase(await loadSubmissionsUseCase(deps, { microtaskId: claim.microtask.microtaskId })));
    const rep = await myReputationUseCase(deps, w);
    expect(rep).toMatchObject({ approvedCount: 1, rejectedCount: 0, byTaskType: [{ taskType: 'single_choice', approvedCount: 1 }] });
    expect(rep.score).toBeGreaterThan(0.8);
    expect(rep.recentEvents).toMatchObject([{ assignmentId: claim.assignment.assignmentId, outcome: 'approved' }]);

    const exported: unknown[] = [];
    let cursor: string | undefined;
    do {
      const page = await exportMyDataUseCase(deps, w, cursor);
      exported.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    const text = JSON.stringify(exported);
    expect(text).toContain('1990');
    expect(text).toContain(claim.assignment.assignmentId);
    expect(text).toContain('203.0.113.9');

    const balance = async () => (await deps.ledger.balances([Accounts.workerAvailable(w)]))[Accounts.workerAvailable(w)];
    const before = await balance();
    expect(before).toBe(15);
    // The risk record measured at submit holds the address's country against the profile's.
    expect((await deps.marketplace.getAssignment(claim.assignment.assignmentId, true))?.risk?.signals.map((s) => s.code)).toContain('network.ip_country_mismatch');
    const r = await eraseMeUseCase(deps, w);
    expect(r).toMatchObject({ complete: true, userDeleted: true, scrubbedAssignments: 1 });
    expect(erased).toContain(w);
    expect(await deps.workers.getProfile(w, true)).toBeUndefined();
    const assignment = await deps.marketplace.getAssignment(claim.assignment.assignmentId, true);
    expect(assignment?.submissionContext).toEqual({ timeSpentMs: expect.any(Number) });
    expect(assignment).not.toHaveProperty('risk');
    expect(assignment?.answer).toEqual({ choice: 'cat' });
    expect(await balance()).toBe(before);
    const after = JSON.stringify((await exportMyDataUseCase(deps, w)).items);
    expect(after).not.toContain('1990');
    expect(after).not.toContain('female');
  });
});
