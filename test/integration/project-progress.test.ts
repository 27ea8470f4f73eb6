import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../shared/adapters/ids';
import type { Deps } from '../../shared/app/deps';
import { addMicrotasksUseCase, createProjectUseCase, expireProjectsUseCase, getProjectUseCase, listProjectsUseCase, publishProjectUseCase, releaseOpenSlotsUseCase, setProjectPausedUseCase } from '../../shared/app/projects';
import { consensusUseCase, finalizeUseCase, loadSubmissionsUseCase, onSubmissionUseCase } from '../../shared/app/review';
import { claimAssignmentUseCase, submitAnswerUseCase } from '../../shared/app/work';
import { Accounts, Entries } from '../../shared/domain/ledger/ledger';
import { escrowFor } from '../../shared/domain/marketplace/project';
import { makeDeps } from '../support/deps';
import { startDynamo, type LocalDynamo } from '../support/emulators';
import { newProject } from '../support/fixtures';

/** Progress counters moved with each state change, and a project completing itself once its last microtask is done with. */
let dynamo: LocalDynamo;
let deps: Deps;
const closuresStarted: string[] = [];
let completions = 0;

beforeAll(async () => {
  dynamo = await startDynamo();
  deps = makeDeps(dynamo.client, await dynamo.createTable(), {
    reviewWorkflow: () => ({ start: async () => ({ started: true }) }) as never,
    closureWorkflow: () => ({ start: async (name: string) => (closuresStarted.push(name), { started: true }) }) as never,
  });
  // Counts the completions that took effect, whoever made them.
  const complete = deps.marketplace.complete.bind(deps.marketplace);
  deps.marketplace.complete = async (...args) => {
    const done = await complete(...args);
    if (done) completions++;
    return done;
  };
});

afterAll(async () => {
  await dynamo?.stop();
});

const REWARD = 15;
const cost = { rewardMinor: REWARD, feeBasisPoints: 1_000, redundancy: 2 };

async function publishedProject(microtasks: number) {
  const orgId = newId('org');
  const topUp = escrowFor(cost, microtasks);
  await deps.ledger.post(Entries.topUp(orgId, topUp, { entryId: newId('t'), currency: 'EUR', createdAt: deps.now() }));
  const { projectId } = await createProjectUseCase(deps, orgId, newProject({ redundancy: 2 }));
  await addMicrotasksUseCase(deps, orgId, projectId, Array.from({ length: microtasks }, (_, i) => ({ input: { i } })), 'b');
  await publishProjectUseCase(deps, orgId, projectId);
  return { orgId, projectId, topUp };
}

/** Two workers answer every microtask (both agree, so every answer is approved); the reviews are started as the consumer would. */
async function answerEverything(projectId: string, microtasks: number) {
  const ids = new Set<string>();
  for (const worker of [newId('w'), newId('w')]) {
    for (let i = 0; i < microtasks; i++) {
      const c = await claimAssignmentUseCase(deps, worker, projectId);
      await submitAnswerUseCase(deps, worker, c.assignment.assignmentId, { answer: { choice: 'cat' }, timeSpentMs: 1_000 }, {});
      ids.add(c.microtask.microtaskId);
    }
  }
  return [...ids];
}

const review = async (microtaskId: string) => finalizeUseCase(deps, consensusUseCase(await loadSubmissionsUseCase(deps, { microtaskId })));

describe('project progress', () => {
  it('moves with every microtask and answer, is shown with the project, and completes it after the last review, once', async () => {
    const { orgId, projectId } = await publishedProject(3);
    expect((await getProjectUseCase(deps, orgId, projectId)).progress).toEqual({
      microtasks: { total: 3, open: 3, reviewing: 0, completed: 0, reviewFailed: 0, cancelled: 0 },
      assignments: { submitted: 0, approved: 0, rejected: 0 },
    });
    const microtasks = await answerEverything(projectId, 3);
    for (const id of microtasks) await onSubmissionUseCase(deps, { microtaskId: id });
    expect(await deps.marketplace.getProgress(projectId, true)).toEqual({
      microtasks: { total: 3, open: 0, reviewing: 3, completed: 0, reviewFailed: 0, cancelled: 0 },
      assignments: { submitted: 6, approved: 0, rejected: 0 },
    });

    await review(microtasks[0]!);
    await review(microtasks[0]!); // a retried review counts nothing twice
    await review(microtasks[1]!);
    expect((await getProjectUseCase(deps, orgId, projectId)).status).toBe('published');
    const listed = (await listProjectsUseCase(deps, orgId, 10)).items.find((p) => p.projectId === projectId);
    expect(listed?.progress).toEqual({
      microtasks: { total: 3, open: 0, reviewing: 1, completed: 2, reviewFailed: 0, cancelled: 0 },
      assignments: { submitted: 2, approved: 4, rejected: 0 },
    });

    const before = completions;
    await review(microtasks[2]!);
    await review(microtasks[2]!);
    expect(completions - before).toBe(1);
    const done = await getProjectUseCase(deps, orgId, projectId);
    expect(done).toMatchObject({ status: 'completed', progress: { microtasks: { total: 3, completed: 3, reviewing: 0 }, assignments: { submitted: 0, approved: 6 } } });
    expect(done.completedAt).toBeDefined();
    // Its closure is an expired project's: the deadline sweep starts it, under the same name, once.
    expect(closuresStarted).not.toContain(`close-${projectId}`);
    await expireProjectsUseCase(deps);
    await expireProjectsUseCase(deps);
    expect(closuresStarted.filter((n) => n === `close-${projectId}`)).toHaveLength(1);
    expect((await deps.marketplace.getProject(projectId, true))?.status).toBe('completed');
  });

  it('under concurrent final reviews: counters exact, the project completed exactly once, no escrow left and the ledger balanced', async () => {
    const n = 6;
    const { orgId, projectId, topUp } = await publishedProject(n);
    const microtasks = await answerEverything(projectId, n);
    for (const id of microtasks) await onSubmissionUseCase(deps, { microtaskId: id });
    // A client pause does not keep finished work from completing.
    await setProjectPausedUseCase(deps, orgId, projectId, true);

    const before = completions;
    // Every review at once, twice over (a retried task runs beside the first): all move the same progress item.
    await Promise.all([...microtasks, ...microtasks].map((id) => review(id)));
    expect(completions - before).toBe(1);
    expect(await deps.marketplace.getProgress(projectId, true)).toEqual({
      microtasks: { total: n, open: 0, reviewing: 0, completed: n, reviewFailed: 0, cancelled: 0 },
      assignments: { submitted: 0, approved: 2 * n, rejected: 0 },
    });
    expect((await deps.marketplace.getProject(projectId, true))?.status).toBe('completed');

    // The sweep starts the closure; its run: nothing is left reserved for this project; every cent is accounted for.
    await expireProjectsUseCase(deps);
    expect(closuresStarted).toContain(`close-${projectId}`);
    for (let r = await releaseOpenSlotsUseCase(deps, { projectId }); !r.done; r = await releaseOpenSlotsUseCase(deps, { projectId, cursor: r.cursor })) {
      // page on
    }
    const paid = await deps.ledger.balances([Accounts.clientFunds(orgId), Accounts.clientEscrow(orgId)]);
    expect(paid[Accounts.clientEscrow(orgId)]).toBe(0);
    const rewards = 2 * n * REWARD;
    const fees = 2 * n * Math.round((REWARD * 1_000) / 10_000);
    expect(paid[Accounts.clientFunds(orgId)]).toBe(topUp - rewards - fees);
  });

  it('does not complete a project whose microtasks changed since it was read, nor one still holding work', async () => {
    const { projectId } = await publishedProject(2);
    const project = (await deps.marketplace.getProject(projectId, true))!;
    expect(await deps.marketplace.complete(project, deps.now())).toBe(false); // two microtasks still open
    expect(await deps.marketplace.complete({ ...project, microtaskCount: 0 }, deps.now())).toBe(false);
    expect((await deps.marketplace.getProject(projectId, true))?.status).toBe('published');
  });
});
