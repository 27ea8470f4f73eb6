import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../shared/adapters/ids';
import type { Deps } from '../../shared/app/deps';
import { addMicrotasksUseCase, createProjectUseCase, publishProjectUseCase } from '../../shared/app/projects';
import { blockWorkerForClientUseCase, setProjectExclusionUseCase } from '../../shared/app/standing';
import { claimAssignmentUseCase, claimNextAssignmentUseCase, PROJECTS_TRIED_PER_CLAIM } from '../../shared/app/work';
import { DomainError } from '../../shared/domain/errors';
import { Entries } from '../../shared/domain/ledger/ledger';
import { escrowFor } from '../../shared/domain/marketplace/project';
import { makeDeps } from '../support/deps';
import { startDynamo, type LocalDynamo } from '../support/emulators';
import { newProject } from '../support/fixtures';

/** POST /workers/me/assignments' use case on DynamoDB Local: the feed's projects in its order, tried as the per-project claim would. */
let dynamo: LocalDynamo;

beforeAll(async () => {
  dynamo = await startDynamo();
});

afterAll(async () => {
  await dynamo?.stop();
});

/** A table of its own per test: the feed is every published project of the table. */
const freshDeps = async (over: Partial<Deps> = {}) => makeDeps(dynamo.client, await dynamo.createTable(), over);

async function published(deps: Deps, priority: number, microtasks: number, orgId = newId('org')) {
  await deps.ledger.post(Entries.topUp(orgId, escrowFor({ rewardMinor: 15, feeBasisPoints: 1_000, redundancy: 1 }, microtasks), { entryId: newId('t'), currency: 'EUR', createdAt: deps.now() }));
  const { projectId } = await createProjectUseCase(deps, orgId, newProject({ redundancy: 1, priority, title: `p${priority}` }));
  await addMicrotasksUseCase(deps, orgId, projectId, Array.from({ length: microtasks }, (_, i) => ({ input: { i } })), 'b');
  await publishProjectUseCase(deps, orgId, projectId);
  return { orgId, projectId };
}

const refusal = async (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => (e instanceof DomainError ? { code: e.code, details: e.details } : e));

describe('claiming across projects', () => {
  it('takes the highest-priority project with work for this worker, passing over done, blocked and excluded ones', async () => {
    const deps = await freshDeps();
    const top = await published(deps, 90, 1);
    const blockedOrg = await published(deps, 80, 1);
    const excluded = await published(deps, 70, 1);
    const low = await published(deps, 10, 2);
    const worker = newId('w');
    await blockWorkerForClientUseCase(deps, blockedOrg.orgId, worker, 'spam');
    await setProjectExclusionUseCase(deps, excluded.orgId, excluded.projectId, worker, true);

    const first = await claimNextAssignmentUseCase(deps, worker);
    expect(first.assignment).toMatchObject({ projectId: top.projectId, status: 'claimed', workerId: worker });
    expect(first.task.title).toBe('p90');
    // The top project's only slot is this worker's now; blocked and excluded projects are never tried.
    expect((await claimNextAssignmentUseCase(deps, worker)).assignment.projectId).toBe(low.projectId);
    expect((await claimNextAssignmentUseCase(deps, worker)).assignment.projectId).toBe(low.projectId);
    expect(await refusal(claimNextAssignmentUseCase(deps, worker))).toMatchObject({ code: 'no_work_available' });
    // Another worker still gets what is left for them.
    expect((await claimNextAssignmentUseCase(deps, newId('w'))).assignment.projectId).toBe(blockedOrg.projectId);
  });

  it('tries a bounded number of projects, then says no work is available', async () => {
    const deps = await freshDeps();
    // More projects without work than a claim tries, all ranked above the one with work.
    for (let i = 0; i < PROJECTS_TRIED_PER_CLAIM + 1; i++) {
      const { projectId } = await published(deps, 90, 1);
      await claimAssignmentUseCase(deps, newId('other'), projectId);
    }
    const { projectId: last } = await published(deps, 5, 1);
    const worker = newId('w');
    expect(await refusal(claimNextAssignmentUseCase(deps, worker))).toEqual({ code: 'no_work_available', details: { projectsTried: PROJECTS_TRIED_PER_CLAIM } });
    // The per-project claim still reaches it.
    expect((await claimAssignmentUseCase(deps, worker, last)).assignment.projectId).toBe(last);
  });

  it('stops at the first refusal that holds in every project: the active-claims cap', async () => {
    const deps = await freshDeps({ settings: { minPayoutMinor: 1_000, feeBasisPoints: 1_000, holdPeriodHours: 0, maxActiveClaimsPerWorker: 1 } });
    await published(deps, 50, 1);
    await published(deps, 40, 1);
    const worker = newId('w');
    await claimNextAssignmentUseCase(deps, worker);
    expect(await refusal(claimNextAssignmentUseCase(deps, worker))).toMatchObject({ code: 'claim_limit_reached' });
  });

  it('says no work is available when the feed is empty', async () => {
    const deps = await freshDeps();
    expect(await refusal(claimNextAssignmentUseCase(deps, newId('w')))).toEqual({ code: 'no_work_available', details: { projectsTried: 0 } });
  });
});
