import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../shared/adapters/ids';
import { decideRejectionAppealUseCase, fileRejectionAppealUseCase, listRejectionAppealsUseCase } from '../../shared/app/appeals';
import type { Deps } from '../../shared/app/deps';
import { reconciliationUseCase } from '../../shared/app/money';
import { addMicrotasksUseCase, createProjectUseCase, publishProjectUseCase } from '../../shared/app/projects';
import { consensusUseCase, finalizeUseCase, loadSubmissionsUseCase } from '../../shared/app/review';
import { claimAssignmentUseCase, getAssignmentUseCase, submitAnswerUseCase } from '../../shared/app/work';
import { myReputationUseCase } from '../../shared/app/workers';
import { DomainError } from '../../shared/domain/errors';
import { Accounts, Entries } from '../../shared/domain/ledger/ledger';
import { escrowFor, type NewProject } from '../../shared/domain/marketplace/project';
import { makeDeps } from '../support/deps';
import { startDynamo, type LocalDynamo } from '../support/emulators';
import { asClient, asWorker, newProject } from '../support/fixtures';

/** Appeals of rejections and a project's gold policy, on DynamoDB Local. */
let dynamo: LocalDynamo;
let deps: Deps;
let clock = Date.parse('2026-06-01T08:00:00.000Z');
const DAY = 86_400_000;

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
const topUp = (orgId: string, amountMinor: number) => deps.ledger.post(Entries.topUp(orgId, amountMinor, { entryId: newId('t'), currency: 'EUR', createdAt: deps.now() }));
const balance = async (account: string) => (await deps.ledger.balances([account]))[account] ?? 0;

async function publishedProject(microtasks: { input: Record<string, unknown>; gold?: { answer: Record<string, unknown> } }[], over: Partial<NewProject> = {}, orgId = newId('org')) {
  const redundancy = over.redundancy ?? 3;
  await topUp(orgId, escrowFor({ rewardMinor: 15, feeBasisPoints: 1_000, redundancy }, microtasks.length));
  const { projectId } = await createProjectUseCase(deps, orgId, newProject({ redundancy, ...over }));
  await addMicrotasksUseCase(deps, orgId, projectId, microtasks, 'b');
  await publishProjectUseCase(deps, orgId, projectId);
  return { orgId, projectId };
}

const review = async (microtaskId: string) => finalizeUseCase(deps, consensusUseCase(await loadSubmissionsUseCase(deps, { microtaskId })));

/** Two workers say cat, one says dog: the dog is rejected by consensus. */
async function rejectedByConsensus() {
  const { orgId, projectId } = await publishedProject([{ input: { photo: 1 } }]);
  const [ana, ben, dan] = [newId('w'), newId('w'), newId('w')];
  const ids: Record<string, string> = {};
  let microtaskId = '';
  for (const [worker, choice] of [[ana, 'cat'], [ben, 'cat'], [dan, 'dog']] as const) {
    const c = await claimAssignmentUseCase(deps, worker, projectId);
    await submitAnswerUseCase(deps, worker, c.assignment.assignmentId, { answer: { choice }, timeSpentMs: 30_000 }, {});
    ids[worker] = c.assignment.assignmentId;
    microtaskId = c.microtask.microtaskId;
  }
  await review(microtaskId);
  return { orgId, projectId, ana, ben, dan, rejected: ids[dan]!, approved: ids[ana]! };
}

describe('appeals of rejections', () => {
  it('lets only the worker of a rejection appeal it, once; the client lists it', async () => {
    const { orgId, projectId, ana, dan, rejected, approved } = await rejectedByConsensus();
    expect(await code(fileRejectionAppealUseCase(deps, ana, { assignmentId: rejected, statement: 'Not mine' }))).toBe('not_your_assignment');
    expect(await code(fileRejectionAppealUseCase(deps, ana, { assignmentId: approved, statement: 'Pay me twice' }))).toBe('not_rejected');
    expect(await code(fileRejectionAppealUseCase(deps, dan, { assignmentId: newId('asg'), statement: 'Unknown' }))).toBe('assignment_not_found');
    const filed = await fileRejectionAppealUseCase(deps, dan, { assignmentId: rejected, statement: 'The photo shows a dog' });
    expect(filed.appeal).toMatchObject({ status: 'pending', appealedRule: expect.stringMatching(/^consensus\./) });
    expect(await code(fileRejectionAppealUseCase(deps, dan, { assignmentId: rejected, statement: 'Again' }))).toBe('already_appealed');

    const pending = await listRejectionAppealsUseCase(deps, orgId, projectId, 10);
    expect(pending.items).toEqual([expect.objectContaining({ assignmentId: rejected, workerId: dan, statement: 'The photo shows a dog' })]);
    expect(await code(listRejectionAppealsUseCase(deps, newId('org'), projectId, 10))).toBe('project_not_found');
    // Another organisation cannot decide it, nor learn that it exists.
    expect(await code(decideRejectionAppealUseCase(deps, asClient(newId('org')), rejected, { outcome: 'overturned', note: 'x' }))).toBe('assignment_not_found');
  });

  it('pays an overturned rejection from the client funds in a balanced entry, corrects the worker, counts it against the client, once', async () => {
    const { orgId, projectId, ana, ben, dan, rejected } = await rejectedByConsensus();
    clock += 60_000;
    await fileRejectionAppealUseCase(deps, dan, { assignmentId: rejected, statement: 'The photo shows a dog' });
    clock += 60_000;
    const fundsBefore = await balance(Accounts.clientFunds(orgId));
    expect(fundsBefore).toBeGreaterThanOrEqual(17);

    // A client who cannot pay is refused and the appeal waits.
    await deps.ledger.post(Entries.reserveEscrow(orgId, fundsBefore, { entryId: newId('r'), currency: 'EUR', createdAt: deps.now() }));
    expect(await code(decideRejectionAppealUseCase(deps, asClient(orgId), rejected, { outcome: 'overturned', note: 'A dog it is' }))).toBe('insufficient_funds');
    expect((await deps.marketplace.getAssignment(rejected, true))!).toMatchObject({ status: 'rejected', appeal: { status: 'pending' } });
    await deps.ledger.post(Entries.releaseEscrow(orgId, fundsBefore, { entryId: newId('r'), currency: 'EUR', createdAt: deps.now() }));

    const ruling = { outcome: 'overturned', note: 'A dog it is' } as const;
    const decided = await decideRejectionAppealUseCase(deps, asClient(orgId), rejected, ruling);
    expect(decided).toMatchObject({ status: 'approved', appeal: { status: 'overturned', note: 'A dog it is', decidedBy: 'client' }, decision: { outcome: 'approved', rule: 'appeal.overturned' }, paymentEntryId: `appeal:${rejected}` });
    // Retried, it answers the same and moves nothing again.
    expect(await decideRejectionAppealUseCase(deps, asClient(orgId), rejected, ruling)).toEqual(decided);
    expect(await code(decideRejectionAppealUseCase(deps, asClient(orgId), rejected, { outcome: 'upheld', note: 'Changed my mind' }))).toBe('appeal_already_decided');

    // 15 to the worker, 10 % fee (rounded) to the platform, both out of the client's funds.
    expect(await balance(Accounts.workerAvailable(dan))).toBe(15);
    expect(fundsBefore - (await balance(Accounts.clientFunds(orgId)))).toBe(17);
    expect((await reconciliationUseCase(deps)).balanced).toBe(true);
    expect((await deps.marketplace.clientCounters([orgId])).get(orgId)).toMatchObject({ rejectedCount: 1, overturnedRejections: 1 });
    const reputation = await myReputationUseCase(deps, dan);
    expect(reputation).toMatchObject({ approvedCount: 1, rejectedCount: 0 });
    expect(reputation.recentEvents[0]).toMatchObject({ assignmentId: rejected, outcome: 'approved', rule: 'appeal.overturned' });
    expect(await listRejectionAppealsUseCase(deps, orgId, projectId, 10)).toEqual({ items: [], nextCursor: null });

    // The worker's log: the rejection, then the overturn, and never the other workers.
    const mine = await getAssignmentUseCase(deps, asWorker(dan), rejected);
    expect('decisionLog' in mine && mine.decisionLog.decisions.map((d) => [d.stage, d.outcome, d.current])).toEqual([
      ['review', 'rejected', false],
      ['appeal', 'approved', true],
    ]);
    expect(JSON.stringify(mine)).not.toContain(ana);
    expect(JSON.stringify(mine)).not.toContain(ben);
    // The client reads the same log of its own assignment; a worker reads nobody else's.
    const theirs = await getAssignmentUseCase(deps, asClient(orgId), rejected);
    expect(theirs.decisionLog.appeal).toMatchObject({ status: 'overturned', statement: 'The photo shows a dog' });
    expect(await code(getAssignmentUseCase(deps, asWorker(ana), rejected))).toBe('assignment_not_found');
    expect(await code(getAssignmentUseCase(deps, asClient(newId('org')), rejected))).toBe('assignment_not_found');
  });

  it('files one of two concurrent appeals and pays one of two concurrent overturns', async () => {
    const { orgId, dan, rejected } = await rejectedByConsensus();
    const filings = await Promise.all(['First try', 'Second try'].map((statement) => code(fileRejectionAppealUseCase(deps, dan, { assignmentId: rejected, statement }))));
    expect(filings.sort()).toEqual(['already_appealed', 'ok']);
    const funds = await balance(Accounts.clientFunds(orgId));
    const rulings = await Promise.all(['Right', 'Right indeed'].map((note) => code(decideRejectionAppealUseCase(deps, asClient(orgId), rejected, { outcome: 'overturned', note }))));
    expect(rulings.sort()).toEqual(['appeal_already_decided', 'ok']);
    expect(await balance(Accounts.workerAvailable(dan))).toBe(15);
    expect(funds - (await balance(Accounts.clientFunds(orgId)))).toBe(17);
    expect((await deps.marketplace.clientCounters([orgId])).get(orgId)).toMatchObject({ overturnedRejections: 1 });
    expect((await reconciliationUseCase(deps)).balanced).toBe(true);
  });

  it('upholds a rejection without moving money, and refuses an appeal after the window', async () => {
    const { orgId, dan, rejected } = await rejectedByConsensus();
    await fileRejectionAppealUseCase(deps, dan, { assignmentId: rejected, statement: 'The photo shows a dog' });
    const funds = await balance(Accounts.clientFunds(orgId));
    const upheld = await decideRejectionAppealUseCase(deps, { userId: 'admin-1', orgId: 'platform', groups: ['admins'] }, rejected, { outcome: 'upheld', note: 'It is a cat' });
    expect(upheld).toMatchObject({ status: 'rejected', appeal: { status: 'upheld', decidedBy: 'admin' }, paymentEntryId: null });
    expect(await balance(Accounts.clientFunds(orgId))).toBe(funds);
    expect(await balance(Accounts.workerAvailable(dan))).toBe(0);

    const late = await rejectedByConsensus();
    clock += 8 * DAY;
    expect(await code(fileRejectionAppealUseCase(deps, late.dan, { assignmentId: late.rejected, statement: 'Too late?' }))).toBe('appeal_window_closed');
  });
});

describe('gold policy', () => {
  it('rejects the undecided work and reverses the held approvals of a worker below the floor, keeps them out, and tells them', async () => {
    const held = makeDeps(dynamo.client, await dynamo.createTable(), { now: () => new Date(clock).toISOString(), settings: { minPayoutMinor: 1_000, feeBasisPoints: 1_000, holdPeriodHours: 48, maxActiveClaimsPerWorker: 10 } });
    const d = deps;
    deps = held;
    try {
      const gold = { answer: { choice: 'cat' } };
      const { orgId, projectId } = await publishedProject(
        [{ input: { n: 1 } }, { input: { n: 2 } }, { input: { n: 3 }, gold }, { input: { n: 4 }, gold }],
        { redundancy: 1, goldPolicy: { minAnswers: 2, accuracyFloor: 0.7, action: 'reject_recent' } },
      );
      const fundsAfterPublish = await balance(Accounts.clientFunds(orgId));
      const w = newId('w');
      const golds: string[] = [];
      const normal: { microtaskId: string; assignmentId: string }[] = [];
      for (let i = 0; i < 4; i++) {
        const c = await claimAssignmentUseCase(deps, w, projectId);
        const isGold = !!(await deps.marketplace.getGold(c.microtask.microtaskId, true));
        // Right on ordinary work, wrong on every gold microtask.
        await submitAnswerUseCase(deps, w, c.assignment.assignmentId, { answer: { choice: isGold ? 'dog' : 'cat' }, timeSpentMs: 10_000 }, {});
        if (isGold) golds.push(c.microtask.microtaskId);
        else normal.push({ microtaskId: c.microtask.microtaskId, assignmentId: c.assignment.assignmentId });
      }
      const [first, second] = normal as [(typeof normal)[0], (typeof normal)[0]];
      await review(first.microtaskId);
      expect(await balance(Accounts.workerPending(w))).toBe(15);
      // One wrong gold answer is below the minimum the policy acts from.
      clock += 60_000;
      await review(golds[0]!);
      expect((await myReputationUseCase(deps, w)).gold.actions).toEqual([]);
      clock += 60_000;
      await review(golds[1]!);

      // The approval still held is reversed, the answer not yet reviewed is rejected, with the evidence.
      expect(await deps.marketplace.getAssignment(first.assignmentId, true)).toMatchObject({ status: 'rejected', decision: { rule: 'gold_policy.reject_recent', evidence: { goldAnswered: 2, goldMatched: 0, accuracyFloor: 0.7 } }, history: [{ outcome: 'approved' }] });
      expect(await deps.marketplace.getAssignment(second.assignmentId, true)).toMatchObject({ status: 'rejected', decision: { rule: 'gold_policy.reject_recent' } });
      expect(await balance(Accounts.workerPending(w))).toBe(0);
      // Everything reserved for the four slots is back with the client: nothing was earned.
      expect(await balance(Accounts.clientFunds(orgId))).toBe(fundsAfterPublish + escrowFor({ rewardMinor: 15, feeBasisPoints: 1_000, redundancy: 1 }, 4));
      expect((await reconciliationUseCase(deps)).balanced).toBe(true);
      // Its review later decides nothing about the rejected answer (it does not count either).
      const later = await loadSubmissionsUseCase(deps, { microtaskId: second.microtaskId });
      expect(later.answers).toEqual([]);

      const reputation = await myReputationUseCase(deps, w);
      expect(reputation.gold).toMatchObject({ answered: 2, matched: 0, accuracy: 0.5714 });
      expect(reputation.gold.actions).toEqual([expect.objectContaining({ projectId, action: 'reject_recent', rejected: 1, reversed: 1 })]);
      expect(reputation.gold.recentEvents.map((e) => e.rule)).toEqual(expect.arrayContaining(['gold.differs_from_expected', 'gold_policy.reject_recent']));
      expect(await code(claimAssignmentUseCase(deps, w, projectId))).toBe('excluded_from_project');
    } finally {
      deps = d;
    }
  });

  it('pays no automatic bonus on an answer the policy rejected while its review was under way', async () => {
    const orgId = newId('org');
    // The bonus is reserved with the slot, on top of what the helper tops up.
    await topUp(orgId, 100);
    const { projectId } = await publishedProject([{ input: { n: 1 } }], { redundancy: 1, bonusRules: { speed: { maxSeconds: 3_600, amountMinor: 5 } } }, orgId);
    const w = newId('w');
    const c = await claimAssignmentUseCase(deps, w, projectId);
    await submitAnswerUseCase(deps, w, c.assignment.assignmentId, { answer: { choice: 'cat' }, timeSpentMs: 10_000 }, {});
    // The review read the answer and decided to approve it...
    const state = consensusUseCase(await loadSubmissionsUseCase(deps, { microtaskId: c.microtask.microtaskId }));
    // ...when a gold policy rejected it.
    const a = (await deps.marketplace.getAssignment(c.assignment.assignmentId, true))!;
    const project = (await deps.marketplace.getProject(projectId, true))!;
    const reserved = escrowFor(project, 1);
    const decision = { outcome: 'rejected' as const, rule: 'gold_policy.reject_recent', evidence: {}, decidedAt: deps.now() };
    const entry = Entries.rejectAssignment(orgId, reserved, { entryId: `review:${a.assignmentId}`, currency: 'EUR', createdAt: deps.now() });
    expect(await deps.decisions.rejectUndecided(a, decision, entry, { workerId: w, currency: 'EUR', taskType: 'single_choice', projectId, approved: 0, rejected: 1, earnedMinor: 0 })).toBe(true);
    const funds = await balance(Accounts.clientFunds(orgId));
    await finalizeUseCase(deps, state);
    expect(await deps.marketplace.getAssignment(a.assignmentId, true)).toMatchObject({ status: 'rejected', decision: { rule: 'gold_policy.reject_recent' } });
    expect(await balance(Accounts.workerAvailable(w))).toBe(0);
    expect(await balance(Accounts.clientFunds(orgId))).toBe(funds);
    expect((await reconciliationUseCase(deps)).balanced).toBe(true);
  });

  it.each([
    ['warn', 'no_work_available'],
    ['block_from_project', 'excluded_from_project'],
  ] as const)('%s: tells the worker, rejects nothing, and the next claim meets %s', async (action, claimRefusal) => {
    const gold = { answer: { choice: 'cat' } };
    // A third microtask keeps the project open when its two gold ones complete; the worker holds a claim on it, unanswered.
    const { projectId } = await publishedProject([{ input: { n: 1 }, gold }, { input: { n: 2 }, gold }, { input: { n: 3 } }], { redundancy: 2, goldPolicy: { minAnswers: 2, accuracyFloor: 0.7, action } });
    const w = newId('w');
    const microtasks: string[] = [];
    for (let i = 0; i < 3; i++) {
      const c = await claimAssignmentUseCase(deps, w, projectId);
      if ((c.microtask.input as { n: number }).n === 3) continue;
      await submitAnswerUseCase(deps, w, c.assignment.assignmentId, { answer: { choice: 'dog' }, timeSpentMs: 10_000 }, {});
      microtasks.push(c.microtask.microtaskId);
    }
    expect(microtasks).toHaveLength(2);
    for (const m of microtasks) await review(m);
    const reputation = await myReputationUseCase(deps, w);
    expect(reputation.gold.actions).toEqual([expect.objectContaining({ projectId, action, rule: 'gold_policy.accuracy_below_floor', rejected: 0, reversed: 0 })]);
    expect(reputation).toMatchObject({ rejectedCount: 2 });
    // The other slot of each microtask is someone else's to take: only a block keeps this worker out.
    expect(await code(claimAssignmentUseCase(deps, w, projectId))).toBe(claimRefusal);
  });
});
