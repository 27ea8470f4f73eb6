import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../shared/adapters/ids';
import type { Deps } from '../../shared/app/deps';
import { decideMoreAnswersUseCase } from '../../shared/app/more-answers';
import { addMicrotasksUseCase, createProjectUseCase, publishProjectUseCase } from '../../shared/app/projects';
import { consensusUseCase, finalizeUseCase, loadSubmissionsUseCase, onSubmissionUseCase } from '../../shared/app/review';
import { claimAssignmentUseCase, submitAnswerUseCase } from '../../shared/app/work';
import { Accounts, Entries } from '../../shared/domain/ledger/ledger';
import { costPerAssignment, type NewProject } from '../../shared/domain/marketplace/project';
import { makeDeps } from '../support/deps';
import { startDynamo, type LocalDynamo } from '../support/emulators';
import { newProject } from '../support/fixtures';

let dynamo: LocalDynamo;
let deps: Deps;
const reviewsStarted: string[] = [];

beforeAll(async () => {
  dynamo = await startDynamo();
  deps = makeDeps(dynamo.client, await dynamo.createTable(), {
    reviewWorkflow: () => ({ start: async (name: string) => (reviewsStarted.push(name), { started: true }) }) as never,
  });
});

afterAll(async () => {
  await dynamo?.stop();
});

const SLOT = costPerAssignment({ rewardMinor: 15, feeBasisPoints: 1_000 }).totalMinor;
const adaptive = (over: Partial<NonNullable<NewProject['adaptiveRedundancy']>> = {}) =>
  newProject({ redundancy: 2, adaptiveRedundancy: { initialAnswers: 2, maxAnswers: 4, targetConfidence: 0.95, ...over } });

/** A published adaptive project of one microtask, its org topped up with `slots` answer slots' worth. */
async function publishedMicrotask(slots: number, project = adaptive()) {
  const orgId = newId('org');
  await deps.ledger.post(Entries.topUp(orgId, SLOT * slots, { entryId: newId('t'), currency: 'EUR', createdAt: deps.now() }));
  const { projectId } = await createProjectUseCase(deps, orgId, project);
  await addMicrotasksUseCase(deps, orgId, projectId, [{ input: { photo: 1 } }], 'b');
  await publishProjectUseCase(deps, orgId, projectId);
  const balances = async () => {
    const b = await deps.ledger.balances([Accounts.clientFunds(orgId), Accounts.clientEscrow(orgId)]);
    return { funds: b[Accounts.clientFunds(orgId)] ?? 0, escrow: b[Accounts.clientEscrow(orgId)] ?? 0 };
  };
  return { orgId, projectId, balances };
}

/** One worker claims the project's next slot and answers; the submission consumer runs. */
async function answer(projectId: string, choice: string) {
  const worker = newId('w');
  const { assignment } = await claimAssignmentUseCase(deps, worker, projectId);
  await submitAnswerUseCase(deps, worker, assignment.assignmentId, { answer: { choice } }, {});
  await onSubmissionUseCase(deps, { microtaskId: assignment.microtaskId });
  return assignment.microtaskId;
}

/** The review workflow up to the Choice after Consensus, by hand. */
const reviewToConsensus = async (microtaskId: string) => consensusUseCase(await loadSubmissionsUseCase(deps, { microtaskId }));

describe('adaptive redundancy in the review', () => {
  it('opens one more slot on a split, reserving its escrow, and starts a new review round when it is answered', async () => {
    const { projectId, balances } = await publishedMicrotask(4);
    await answer(projectId, 'cat');
    const microtaskId = await answer(projectId, 'dog');
    expect(reviewsStarted).toContain(`review-${microtaskId}`);
    expect(await balances()).toEqual({ funds: SLOT * 2, escrow: SLOT * 2 });

    const state = await reviewToConsensus(microtaskId);
    expect(state.adaptive).toBe(true);
    const next = await decideMoreAnswersUseCase(deps, state);
    expect(next.moreAnswers).toMatchObject({ opened: true, reason: 'uncertain' });
    expect(next.moreAnswers!.posteriorConfidence).toBeCloseTo(0.5, 9);
    expect(await deps.marketplace.getMicrotask(microtaskId, true)).toMatchObject({ status: 'open', redundancy: 3, openSlots: 1, extraSlots: 1, submittedCount: 2 });
    // The project's progress follows the microtask back from review to open.
    expect((await deps.marketplace.getProgress(projectId, true)).microtasks).toMatchObject({ total: 1, open: 1, reviewing: 0 });
    // The slot's escrow moved from funds in the same transaction; nothing was created or lost.
    expect(await balances()).toEqual({ funds: SLOT, escrow: SLOT * 3 });
    expect((await deps.marketplace.getProject(projectId, true))!.committedMinor).toBe(SLOT * 3);
    // A retried step (same round) neither opens another slot nor lets the round be finalized.
    expect((await decideMoreAnswersUseCase(deps, state)).moreAnswers).toMatchObject({ opened: true, reason: 'already_opened' });
    expect(await balances()).toEqual({ funds: SLOT, escrow: SLOT * 3 });

    // The extra slot is claimable through the open index; its answer starts round 2.
    await answer(projectId, 'cat');
    expect(reviewsStarted).toContain(`review-${microtaskId}-round-2`);
    const round2 = await decideMoreAnswersUseCase(deps, await reviewToConsensus(microtaskId));
    // Two cats to one dog with prior-skilled workers is still below 0.95: a fourth slot, the last one.
    expect(round2.moreAnswers).toMatchObject({ opened: true });
    await answer(projectId, 'cat');
    expect(reviewsStarted).toContain(`review-${microtaskId}-round-3`);
    const round3 = await decideMoreAnswersUseCase(deps, await reviewToConsensus(microtaskId));
    expect(round3.moreAnswers).toMatchObject({ opened: false });
    expect(['confident', 'max_reached']).toContain(round3.moreAnswers!.reason);
    // At the maximum the review finalizes with all four answers; the posterior is in the result.
    await finalizeUseCase(deps, round3);
    const done = await deps.marketplace.getMicrotask(microtaskId, true);
    expect(done).toMatchObject({ status: 'completed', redundancy: 4, submittedCount: 4 });
    expect((await deps.marketplace.getProgress(projectId, true)).microtasks).toMatchObject({ total: 1, open: 0, reviewing: 0, completed: 1 });
    expect(done!.result!.details).toMatchObject({ posteriorConfidence: round3.moreAnswers!.posteriorConfidence });
    // Every slot was paid or returned: nothing is left in escrow.
    expect((await balances()).escrow).toBe(0);
  });

  it('opens at most one slot per round under concurrent calls', async () => {
    const { projectId, balances } = await publishedMicrotask(10);
    await answer(projectId, 'cat');
    const microtaskId = await answer(projectId, 'dog');
    const state = await reviewToConsensus(microtaskId);
    const results = await Promise.all(Array.from({ length: 6 }, () => decideMoreAnswersUseCase(deps, state)));
    expect(results.every((r) => r.moreAnswers!.opened)).toBe(true);
    expect(results.filter((r) => r.moreAnswers!.reason === 'uncertain')).toHaveLength(1);
    expect(await deps.marketplace.getMicrotask(microtaskId, true)).toMatchObject({ redundancy: 3, openSlots: 1, extraSlots: 1 });
    expect(await balances()).toEqual({ funds: SLOT * 7, escrow: SLOT * 3 });
  });

  it('stays open for its new slot when the review opened it before the consumer marked the round as reviewing', async () => {
    const { projectId } = await publishedMicrotask(4);
    await answer(projectId, 'cat');
    const microtaskId = await answer(projectId, 'dog');
    const state = await reviewToConsensus(microtaskId);
    // As if the workflow ran between the consumer's start and its status update.
    await deps.marketplace.setMicrotaskStatus(microtaskId, ['reviewing'], 'open');
    expect((await decideMoreAnswersUseCase(deps, state)).moreAnswers).toMatchObject({ opened: true, reason: 'uncertain' });
    // The consumer's late update is for round 1 only: it no longer applies.
    expect(await deps.marketplace.setMicrotaskStatus(microtaskId, ['open'], 'reviewing', { redundancy: 2 })).toBe(false);
    expect(await deps.marketplace.getMicrotask(microtaskId, true)).toMatchObject({ status: 'open', redundancy: 3, openSlots: 1 });
  });

  it('finalizes with the answers it has when the funds or the budget cannot pay another slot', async () => {
    const poor = await publishedMicrotask(2);
    await answer(poor.projectId, 'cat');
    const poorTask = await answer(poor.projectId, 'dog');
    const r = await decideMoreAnswersUseCase(deps, await reviewToConsensus(poorTask));
    expect(r.moreAnswers).toMatchObject({ opened: false, reason: 'insufficient_funds' });
    expect(await deps.marketplace.getMicrotask(poorTask, true)).toMatchObject({ status: 'reviewing', redundancy: 2, openSlots: 0 });
    expect(await poor.balances()).toEqual({ funds: 0, escrow: SLOT * 2 });

    const capped = await publishedMicrotask(10, { ...adaptive(), budgetCapMinor: SLOT * 2 });
    await answer(capped.projectId, 'cat');
    const cappedTask = await answer(capped.projectId, 'dog');
    expect((await decideMoreAnswersUseCase(deps, await reviewToConsensus(cappedTask))).moreAnswers).toMatchObject({ opened: false, reason: 'budget_cap_reached' });
    expect(await capped.balances()).toEqual({ funds: SLOT * 8, escrow: SLOT * 2 });
  });

  it('leaves a project without the option to finalize as before', async () => {
    const { projectId } = await publishedMicrotask(2, newProject({ redundancy: 2 }));
    await answer(projectId, 'cat');
    const microtaskId = await answer(projectId, 'dog');
    const state = await reviewToConsensus(microtaskId);
    expect(state.adaptive).toBeUndefined();
    expect((await decideMoreAnswersUseCase(deps, state)).moreAnswers).toEqual({ opened: false, reason: 'not_adaptive' });
  });
});
