import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../shared/adapters/ids';
import type { Deps } from '../../shared/app/deps';
import { addMicrotasksUseCase, cancelProjectUseCase, createProjectUseCase, publishProjectUseCase, releaseOpenSlotsUseCase } from '../../shared/app/projects';
import { claimAssignmentUseCase } from '../../shared/app/work';
import { Accounts, Entries } from '../../shared/domain/ledger/ledger';
import { escrowFor } from '../../shared/domain/marketplace/project';
import { makeDeps } from '../support/deps';
import { startDynamo, type LocalDynamo } from '../support/emulators';
import { newProject } from '../support/fixtures';

let dynamo: LocalDynamo;
let deps: Deps;
const reviewsStarted: string[] = [];
const closuresStarted: string[] = [];

beforeAll(async () => {
  dynamo = await startDynamo();
  deps = makeDeps(dynamo.client, await dynamo.createTable(), {
    reviewWorkflow: () => ({ start: async (name: string) => (reviewsStarted.push(name), { started: true }) }) as never,
    closureWorkflow: () => ({ start: async (name: string) => (closuresStarted.push(name), { started: true }) }) as never,
  });
});

afterAll(async () => {
  await dynamo?.stop();
});

describe('closing a cancelled project', () => {
  it('releases each unclaimed slot once, across pages and replays, and leaves claimed slots reserved', async () => {
    const orgId = newId('org');
    const project = { rewardMinor: 15, feeBasisPoints: 1_000, redundancy: 2 };
    await deps.ledger.post(Entries.topUp(orgId, escrowFor(project, 120), { entryId: newId('t'), currency: 'EUR', createdAt: deps.now() }));
    const { projectId } = await createProjectUseCase(deps, orgId, newProject({ redundancy: 2 }));
    await addMicrotasksUseCase(deps, orgId, projectId, Array.from({ length: 120 }, (_, i) => ({ input: { i } })), 'b');
    await publishProjectUseCase(deps, orgId, projectId);
    const escrow = async () => (await deps.ledger.balances([Accounts.clientEscrow(orgId)]))[Accounts.clientEscrow(orgId)];
    expect(await escrow()).toBe(escrowFor(project, 120));
    const claimed = await claimAssignmentUseCase(deps, 'w1', projectId);
    // Not cancelled: the closure does nothing.
    expect(await releaseOpenSlotsUseCase(deps, { projectId })).toEqual({ projectId, done: true });
    expect(await escrow()).toBe(escrowFor(project, 120));
    await cancelProjectUseCase(deps, orgId, projectId);
    expect(closuresStarted).toEqual([`close-${projectId}`]);

    // More microtasks than one step takes: the workflow's loop, by hand.
    let steps = 0;
    for (let r = await releaseOpenSlotsUseCase(deps, { projectId }); ; r = await releaseOpenSlotsUseCase(deps, { projectId, cursor: r.cursor })) {
      steps++;
      if (r.done) break;
    }
    expect(steps).toBeGreaterThan(1);
    // Only the claimed slot is still reserved; a second full pass changes nothing.
    expect(await escrow()).toBe(escrowFor(project, 1) / 2);
    for (let r = await releaseOpenSlotsUseCase(deps, { projectId }); !r.done; r = await releaseOpenSlotsUseCase(deps, { projectId, cursor: r.cursor })) {
      // replay
    }
    expect(await escrow()).toBe(escrowFor(project, 1) / 2);
    const m = await deps.marketplace.getMicrotask(claimed.microtask.microtaskId, true);
    expect(m).toMatchObject({ openSlots: 0, releasedSlots: 1, status: 'open' });
    // Nothing was answered, so no review started.
    expect(reviewsStarted).toEqual([]);
  });

  it('never releases escrow for a project cancelled as a draft, even when the client has escrow elsewhere', async () => {
    const orgId = newId('org');
    const project = { rewardMinor: 15, feeBasisPoints: 1_000, redundancy: 2 };
    await deps.ledger.post(Entries.topUp(orgId, escrowFor(project, 10), { entryId: newId('t'), currency: 'EUR', createdAt: deps.now() }));
    const published = await createProjectUseCase(deps, orgId, newProject({ redundancy: 2 }));
    await addMicrotasksUseCase(deps, orgId, published.projectId, Array.from({ length: 10 }, (_, i) => ({ input: { i } })), 'p');
    await publishProjectUseCase(deps, orgId, published.projectId);
    const draft = await createProjectUseCase(deps, orgId, newProject({ redundancy: 2 }));
    await addMicrotasksUseCase(deps, orgId, draft.projectId, Array.from({ length: 5 }, (_, i) => ({ input: { i } })), 'd');

    const starts = closuresStarted.length;
    expect((await cancelProjectUseCase(deps, orgId, draft.projectId)).status).toBe('cancelled');
    expect(closuresStarted.length).toBe(starts); // nothing reserved, nothing to close
    expect(await releaseOpenSlotsUseCase(deps, { projectId: draft.projectId })).toMatchObject({ done: true });
    expect((await deps.ledger.balances([Accounts.clientEscrow(orgId)]))[Accounts.clientEscrow(orgId)]).toBe(escrowFor(project, 10));
  });
});