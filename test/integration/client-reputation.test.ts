import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../shared/adapters/ids';
import { decideRejectionAppealUseCase, fileRejectionAppealUseCase } from '../../shared/app/appeals';
import { clientReputationUseCase } from '../../shared/app/client-reputation';
import type { Deps } from '../../shared/app/deps';
import { addMicrotasksUseCase, createProjectUseCase, publishProjectUseCase } from '../../shared/app/projects';
import { createQualificationTypeUseCase, grantQualificationUseCase, revokeQualificationUseCase } from '../../shared/app/qualifications';
import { consensusUseCase, finalizeUseCase, loadSubmissionsUseCase } from '../../shared/app/review';
import { isEligibleReviewer, reviewerEligibility, reviewerPoolUseCase } from '../../shared/app/reviewers';
import { blockWorkerForClientUseCase, setProjectExclusionUseCase } from '../../shared/app/standing';
import { claimAssignmentUseCase, submitAnswerUseCase } from '../../shared/app/work';
import { taskFeedUseCase } from '../../shared/app/workers';
import { DomainError } from '../../shared/domain/errors';
import { Entries } from '../../shared/domain/ledger/ledger';
import { escrowFor, type NewProject } from '../../shared/domain/marketplace/project';
import type { Caller } from '../../shared/http/auth';
import { makeDeps } from '../support/deps';
import { startDynamo, type LocalDynamo } from '../support/emulators';
import { newProject } from '../support/fixtures';

/** Client reputation counters and reviewer pools on DynamoDB Local. */
let dynamo: LocalDynamo;
let deps: Deps;
let clock = Date.parse('2026-04-06T08:00:00.000Z');
const HOUR = 3_600_000;

beforeAll(async () => {
  dynamo = await startDynamo();
  deps = makeDeps(dynamo.client, await dynamo.createTable(), {
    now: () => new Date(clock).toISOString(),
    reviewWorkflow: () => ({ start: async () => ({ started: true }) }) as never,
  });
});

afterAll(async () => {
  await dynamo?.stop();
});

const code = async (p: Promise<unknown>) => p.then(() => 'ok', (e) => (e instanceof DomainError ? e.code : String(e)));
const clientOf = (orgId: string): Caller => ({ userId: orgId, orgId, groups: ['clients'] });

async function publishedProject(microtasks: number, over: Partial<NewProject> = {}, orgId = newId('org')) {
  const redundancy = over.redundancy ?? 3;
  await deps.ledger.post(Entries.topUp(orgId, escrowFor({ rewardMinor: over.rewardMinor ?? 15, feeBasisPoints: 1_000, redundancy }, microtasks), { entryId: newId('t'), currency: 'EUR', createdAt: deps.now() }));
  const { projectId } = await createProjectUseCase(deps, orgId, newProject({ redundancy, ...over }));
  await addMicrotasksUseCase(deps, orgId, projectId, Array.from({ length: microtasks }, (_, i) => ({ input: { i } })), 'b');
  await publishProjectUseCase(deps, orgId, projectId);
  return { orgId, projectId };
}

/** Each worker claims and answers once per round; returns the microtasks in the order they were first answered. */
async function answerAll(projectId: string, rounds: number, answers: Record<string, string>) {
  const microtasks: string[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const [worker, choice] of Object.entries(answers)) {
      const c = await claimAssignmentUseCase(deps, worker, projectId);
      await submitAnswerUseCase(deps, worker, c.assignment.assignmentId, { answer: { choice }, timeSpentMs: 60_000 }, {});
      if (!microtasks.includes(c.microtask.microtaskId)) microtasks.push(c.microtask.microtaskId);
    }
  }
  return microtasks;
}

describe('client reputation', () => {
  it('counts each decision once even when finalize is retried, and shows facts only from 20 decisions on', async () => {
    const { orgId, projectId } = await publishedProject(8);
    const [ana, ben, dave] = [newId('w'), newId('w'), newId('w')];
    // Every microtask ends 2 cat, 1 dog: ana and ben approved, dave rejected.
    const microtasks = await answerAll(projectId, 8, { [ana]: 'cat', [ben]: 'cat', [dave]: 'dog' });
    expect(new Set(microtasks).size).toBe(8);
    const submittedAt = clock;

    const finalize = async (microtaskId: string) => {
      const review = consensusUseCase(await loadSubmissionsUseCase(deps, { microtaskId }));
      await finalizeUseCase(deps, review);
      // The state machine retries a task whose result it did not see: nothing may count twice.
      await finalizeUseCase(deps, review);
    };
    clock = submittedAt + 2 * HOUR;
    await finalize(microtasks[0]!);
    const early = await clientReputationUseCase(deps, orgId);
    expect(early).toEqual({ orgId, decisions: 3, minimumDecisions: 20, enoughData: false, facts: null });
    // The feed says the same to a worker who has not worked for this client.
    const feed = await taskFeedUseCase(deps, newId('w'), 100);
    expect(feed.items.find((i) => i.projectId === projectId)?.client).toEqual(early);

    for (const m of microtasks.slice(1, 4)) await finalize(m);
    clock = submittedAt + 72 * HOUR;
    for (const m of microtasks.slice(4)) await finalize(m);

    const r = await clientReputationUseCase(deps, orgId);
    expect(r.decisions).toBe(24);
    expect(r.enoughData).toBe(true);
    expect(r.facts).toEqual({
      // 12 decisions after 2 h, 12 after 3 days: the 12th (lower median) lies between 1 h and 4 h.
      medianTimeToDecision: { fromSeconds: 3_600, toSeconds: 4 * 3_600 },
      rejectionRate: 0.3333,
      overturnedRejections: 0,
      // 16 approvals of 15 cents for 24 minutes of measured work.
      effectiveHourlyPay: [{ currency: 'EUR', amountMinor: 600 }],
    });
  });

  it('counts a rejection overturned on appeal once per assignment, and only a rejection', async () => {
    const { orgId, projectId } = await publishedProject(1);
    const [a, b, c] = [newId('w'), newId('w'), newId('w')];
    const [microtaskId] = await answerAll(projectId, 1, { [a]: 'cat', [b]: 'cat', [c]: 'dog' });
    const review = await finalizeUseCase(deps, consensusUseCase(await loadSubmissionsUseCase(deps, { microtaskId: microtaskId! })));
    const rejected = review.decisions!.find((d) => d.decision.outcome === 'rejected')!.assignmentId;
    const approved = review.decisions!.find((d) => d.decision.outcome === 'approved')!;

    await fileRejectionAppealUseCase(deps, c, { assignmentId: rejected, statement: 'The photo shows a dog.' });
    const ruling = { outcome: 'overturned', note: 'Right, it is a dog' } as const;
    expect(await decideRejectionAppealUseCase(deps, clientOf(orgId), rejected, ruling)).toMatchObject({ status: 'approved', appeal: { status: 'overturned' } });
    // A retried decision answers the same and counts nothing twice.
    expect(await decideRejectionAppealUseCase(deps, clientOf(orgId), rejected, ruling)).toMatchObject({ status: 'approved' });
    const approvedWorker = review.answers!.find((x) => x.assignmentId === approved.assignmentId)!.workerId;
    expect(await code(fileRejectionAppealUseCase(deps, approvedWorker, { assignmentId: approved.assignmentId, statement: 'Pay me twice' }))).toBe('not_rejected');
    const counters = (await deps.marketplace.clientCounters([orgId])).get(orgId)!;
    expect(counters).toMatchObject({ approvedCount: 2, rejectedCount: 1, overturnedRejections: 1 });
  });

  it('shows the client facts in the claim response', async () => {
    const { orgId, projectId } = await publishedProject(1, { redundancy: 1 });
    const claim = await claimAssignmentUseCase(deps, newId('w'), projectId);
    expect(claim.task.client).toEqual({ orgId, decisions: 0, minimumDecisions: 20, enoughData: false, facts: null });
  });
});

describe('reviewer pools', () => {
  it('pages the holders of the reviewer qualification by score, highest first, without the expired, revoked or blocked', async () => {
    const orgId = newId('org');
    const type = await createQualificationTypeUseCase(deps, clientOf(orgId), { name: 'Reviewer: animals', description: '', platform: false });
    const typeId = type.qualificationTypeId;
    // Another organisation's type is refused as a reviewer qualification, naming the field.
    const refused = await createProjectUseCase(deps, newId('org'), newProject({ reviewerQualification: { qualificationTypeId: typeId, minScore: 1 } })).catch((e: DomainError) => e);
    expect(refused).toMatchObject({ code: 'unknown_qualification_type', details: { issues: [{ path: 'body.reviewerQualification.qualificationTypeId' }] } });

    const { projectId } = await publishedProject(1, { reviewerQualification: { qualificationTypeId: typeId, minScore: 70 } }, orgId);
    const scores = [95, 40, 80, 70, 100, 69, 85, 70];
    const workers = scores.map((score) => ({ workerId: newId('w'), score }));
    for (const w of workers) await grantQualificationUseCase(deps, clientOf(orgId), typeId, w.workerId, { score: w.score });
    const byScore = (s: number) => workers.filter((w) => w.score === s).map((w) => w.workerId);

    // One expires, one is revoked, one is blocked by the client, one gets a new score.
    const expiring = byScore(85)[0]!;
    await grantQualificationUseCase(deps, clientOf(orgId), typeId, expiring, { score: 85, expiresAt: new Date(clock + HOUR).toISOString() });
    await revokeQualificationUseCase(deps, clientOf(orgId), typeId, byScore(95)[0]!);
    await blockWorkerForClientUseCase(deps, orgId, byScore(80)[0]!, 'careless reviews');
    const promoted = byScore(40)[0]!;
    await grantQualificationUseCase(deps, clientOf(orgId), typeId, promoted, { score: 90 });
    clock += 2 * HOUR;

    const seen: { workerId: string; score: number }[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await reviewerPoolUseCase(deps, orgId, projectId, 2, cursor);
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map(({ workerId, score }) => ({ workerId, score })));
      cursor = page.nextCursor ?? undefined;
    } while (cursor && ++pages < 10);
    expect(seen.map((s) => s.score)).toEqual([100, 90, 70, 70]);
    expect(seen.map((s) => s.workerId)).toEqual(expect.arrayContaining([byScore(100)[0], promoted, ...byScore(70)]));

    // The same rules, one worker at a time, for routing review tasks.
    const project = (await deps.marketplace.getProject(projectId))!;
    expect(await isEligibleReviewer(deps, byScore(100)[0]!, project)).toBe(true);
    expect(await reviewerEligibility(deps, byScore(69)[0]!, project)).toEqual({ eligible: false, reason: 'score_too_low' });
    expect(await reviewerEligibility(deps, expiring, project)).toEqual({ eligible: false, reason: 'not_qualified' });
    expect(await reviewerEligibility(deps, byScore(80)[0]!, project)).toEqual({ eligible: false, reason: 'blocked_by_client' });
    await setProjectExclusionUseCase(deps, orgId, projectId, byScore(100)[0]!, true);
    expect(await reviewerEligibility(deps, byScore(100)[0]!, project)).toEqual({ eligible: false, reason: 'excluded_from_project' });
  });

  it('is another organisation\'s project "not found", refuses a cursor below the minimum score, and is empty without a reviewer qualification', async () => {
    const { orgId, projectId } = await publishedProject(1);
    expect(await reviewerPoolUseCase(deps, orgId, projectId, 10)).toEqual({ projectId, reviewerQualification: null, items: [], nextCursor: null });
    const anyCursor = Buffer.from(JSON.stringify({ pk: 'PROJECT#x', sk: 'PROJECT' })).toString('base64url');
    expect(await code(reviewerPoolUseCase(deps, orgId, projectId, 10, anyCursor))).toBe('invalid_cursor');
    expect(await code(reviewerPoolUseCase(deps, newId('org'), projectId, 10))).toBe('project_not_found');

    const type = await createQualificationTypeUseCase(deps, clientOf(orgId), { name: 'Reviewer: text', description: '', platform: false });
    const strict = await publishedProject(1, { reviewerQualification: { qualificationTypeId: type.qualificationTypeId, minScore: 50 } }, orgId);
    const forged = Buffer.from(JSON.stringify({ gsi1pk: `QUALHOLDERS#${type.qualificationTypeId}`, gsi1sk: '0000010#w_x', pk: 'WORKER#w_x', sk: `QUAL#${type.qualificationTypeId}` })).toString('base64url');
    expect(await code(reviewerPoolUseCase(deps, orgId, strict.projectId, 10, forged))).toBe('invalid_cursor');
  });
});
