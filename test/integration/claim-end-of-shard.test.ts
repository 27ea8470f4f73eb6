import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Keys } from '../../shared/adapters/dynamodb/table-design';
import { newId } from '../../shared/adapters/ids';
import type { Deps } from '../../shared/app/deps';
import { addMicrotasksUseCase, createProjectUseCase, publishProjectUseCase } from '../../shared/app/projects';
import { claimAssignmentUseCase } from '../../shared/app/work';
import { Entries } from '../../shared/domain/ledger/ledger';
import { OPEN_INDEX_SHARDS, openIndexShard } from '../../shared/domain/marketplace/microtask';
import { escrowFor } from '../../shared/domain/marketplace/project';
import { makeDeps } from '../support/deps';
import { startDynamo, type LocalDynamo } from '../support/emulators';
import { newProject } from '../support/fixtures';

/**
 * A worker who has done nearly every microtask of a shard still gets what is left in it: the claim
 * pages on past the ones they did instead of answering "no work" after its first page.
 */
let dynamo: LocalDynamo;
let deps: Deps;
let table: string;

beforeAll(async () => {
  dynamo = await startDynamo();
  table = await dynamo.createTable();
  deps = makeDeps(dynamo.client, table);
});

afterAll(async () => {
  await dynamo?.stop();
});

/** The worker's claim guards on these microtasks, as their earlier claims left them (written directly: hundreds of claims would only be slower). */
async function markDone(workerId: string, projectId: string, microtaskIds: string[]) {
  for (let i = 0; i < microtaskIds.length; i += 25) {
    const puts = microtaskIds.slice(i, i + 25).map((microtaskId) => ({ PutRequest: { Item: { ...Keys.claimGuard(microtaskId, workerId), type: 'ClaimGuard', microtaskId, projectId, workerId } } }));
    let request: Record<string, unknown[]> | undefined = { [table]: puts };
    while (request && Object.keys(request).length) {
      const r = await dynamo.client.send(new BatchWriteCommand({ RequestItems: request as never }));
      request = r.UnprocessedItems as typeof request;
    }
  }
}

describe('claiming near the end of a shard', () => {
  it('finds the one microtask a worker has not done among a hundred per shard they have', async () => {
    const MICROTASKS = 800;
    const WORKERS = 5;
    const orgId = newId('org');
    await deps.ledger.post(Entries.topUp(orgId, escrowFor({ rewardMinor: 15, feeBasisPoints: 1_000, redundancy: WORKERS }, MICROTASKS), { entryId: newId('t'), currency: 'EUR', createdAt: deps.now() }));
    const { projectId } = await createProjectUseCase(deps, orgId, newProject({ redundancy: WORKERS }));
    const { microtaskIds } = await addMicrotasksUseCase(deps, orgId, projectId, Array.from({ length: MICROTASKS }, (_, i) => ({ input: { i } })), 'b');
    await publishProjectUseCase(deps, orgId, projectId);
    // Every shard holds far more open microtasks than one page of candidates.
    const perShard = Array.from({ length: OPEN_INDEX_SHARDS }, (_, s) => microtaskIds.filter((id) => openIndexShard(id) === s).length);
    expect(Math.min(...perShard)).toBeGreaterThan(60);

    // Each worker has done every microtask but one, a different one each (the last of the project, then earlier ones).
    const left = Array.from({ length: WORKERS }, (_, w) => microtaskIds[MICROTASKS - 1 - w * 97]!);
    const workers = left.map(() => newId('w'));
    for (const [w, workerId] of workers.entries()) await markDone(workerId, projectId, microtaskIds.filter((id) => id !== left[w]));

    // Each still gets theirs, every time: a first page of candidates that are all done is not "no work".
    for (const [w, workerId] of workers.entries()) {
      const claimed = await claimAssignmentUseCase(deps, workerId, projectId);
      expect(claimed.microtask.microtaskId).toBe(left[w]);
    }
    // And then there is truly nothing left for them.
    await expect(claimAssignmentUseCase(deps, workers[0]!, projectId)).rejects.toMatchObject({ code: 'no_work_available' });
  });
});
