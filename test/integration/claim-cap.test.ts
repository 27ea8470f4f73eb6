import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../shared/adapters/ids';
import type { Deps } from '../../shared/app/deps';
import { addMicrotasksUseCase, createProjectUseCase, publishProjectUseCase } from '../../shared/app/projects';
import { claimAssignmentUseCase, returnAssignmentUseCase, submitAnswerUseCase, sweepExpiredLeasesUseCase } from '../../shared/app/work';
import { DomainError } from '../../shared/domain/errors';
import { Entries } from '../../shared/domain/ledger/ledger';
import { escrowFor } from '../../shared/domain/marketplace/project';
import { makeDeps } from '../support/deps';
import { startDynamo, type LocalDynamo } from '../support/emulators';
import { newProject } from '../support/fixtures';

/** The per-worker cap on claimed-and-unsubmitted assignments, across projects, under concurrency. */
const CAP = 3;
let dynamo: LocalDynamo;
let deps: Deps;
let clock = Date.parse('2026-04-01T09:00:00.000Z');

beforeAll(async () => {
  dynamo = await startDynamo();
  const base = makeDeps(dynamo.client, await dynamo.createTable());
  deps = makeDeps(dynamo.client, await dynamo.createTable(), {
    now: () => new Date(clock).toISOString(),
    settings: { ...base.settings, maxActiveClaimsPerWorker: CAP },
    reviewWorkflow: () => ({ start: async () => ({ started: true }) }) as never,
  });
});

afterAll(async () => {
  await dynamo?.stop();
});

async function publishedProject(microtasks: number) {
  const orgId = newId('org');
  await deps.ledger.post(Entries.topUp(orgId, escrowFor({ rewardMinor: 15, feeBasisPoints: 1_000, redundancy: 1 }, microtasks), { entryId: newId('t'), currency: 'EUR', createdAt: deps.now() }));
  const { projectId } = await createProjectUseCase(deps, orgId, newProject({ redundancy: 1, assignmentDurationSeconds: 600 }));
  await addMicrotasksUseCase(deps, orgId, projectId, Array.from({ length: microtasks }, (_, i) => ({ input: { n: i } })), 'b');
  await publishProjectUseCase(deps, orgId, projectId);
  return projectId;
}

const outcome = (p: Promise<unknown>) => p.then(() => 'claimed', (e) => (e instanceof DomainError ? `${e.kind}:${e.code}` : `error:${String(e)}`));

describe('claim cap', () => {
  it('never lets concurrent claims across projects go above the cap, and refuses with a 409 code', async () => {
    const projects = [await publishedProject(10), await publishedProject(10)];
    const worker = newId('w');
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => outcome(claimAssignmentUseCase(deps, worker, projects[i % 2]!))));
    expect(results.filter((r) => r === 'claimed')).toHaveLength(CAP);
    expect(new Set(results.filter((r) => r !== 'claimed'))).toEqual(new Set(['conflict:claim_limit_reached']));
    expect(await deps.marketplace.activeClaims(worker)).toBe(CAP);
    const mine = await deps.marketplace.listAssignmentsByWorker(worker, 100);
    expect(mine.items.filter((a) => a.status === 'claimed')).toHaveLength(CAP);
    // Another worker is not held back by this one.
    expect(await outcome(claimAssignmentUseCase(deps, newId('w'), projects[0]!))).toBe('claimed');
  });

  it('gives the counter back on submit, return and lease expiry, down to 0', async () => {
    const projectId = await publishedProject(10);
    const worker = newId('w');
    const claims = [];
    for (let i = 0; i < CAP; i++) claims.push(await claimAssignmentUseCase(deps, worker, projectId));
    expect(await outcome(claimAssignmentUseCase(deps, worker, projectId))).toBe('conflict:claim_limit_reached');

    await submitAnswerUseCase(deps, worker, claims[0]!.assignment.assignmentId, { answer: { choice: 'cat' } }, {});
    expect(await deps.marketplace.activeClaims(worker)).toBe(CAP - 1);
    // A retried submit does not count twice.
    await submitAnswerUseCase(deps, worker, claims[0]!.assignment.assignmentId, { answer: { choice: 'cat' } }, {});
    expect(await deps.marketplace.activeClaims(worker)).toBe(CAP - 1);

    await returnAssignmentUseCase(deps, worker, claims[1]!.assignment.assignmentId);
    expect(await deps.marketplace.activeClaims(worker)).toBe(CAP - 2);

    clock += 11 * 60_000;
    await sweepExpiredLeasesUseCase(deps);
    await sweepExpiredLeasesUseCase(deps);
    expect((await deps.marketplace.getAssignment(claims[2]!.assignment.assignmentId, true))?.status).toBe('expired');
    expect(await deps.marketplace.activeClaims(worker)).toBe(0);

    // Free again: the worker can claim up to the cap once more.
    const again = await Promise.all(Array.from({ length: CAP + 2 }, () => outcome(claimAssignmentUseCase(deps, worker, projectId))));
    expect(again.filter((r) => r === 'claimed')).toHaveLength(CAP);
  });
});
