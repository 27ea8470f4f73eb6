import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../shared/adapters/ids';
import type { Deps } from '../../shared/app/deps';
import { addMicrotasksUseCase, cancelProjectUseCase, createProjectUseCase, publishProjectUseCase } from '../../shared/app/projects';
import { claimAssignmentUseCase, returnAssignmentUseCase, submitAnswerUseCase, sweepExpiredLeasesUseCase } from '../../shared/app/work';
import { DomainError } from '../../shared/domain/errors';
import { Accounts, Entries } from '../../shared/domain/ledger/ledger';
import { escrowFor } from '../../shared/domain/marketplace/project';
import { makeDeps } from '../support/deps';
import { startDynamo, type LocalDynamo } from '../support/emulators';
import { newProject } from '../support/fixtures';

/** Claims whose lease ran out (or that the worker returned) give their slot back; nobody waits on them forever. */
let dynamo: LocalDynamo;
let deps: Deps;
let clock = Date.parse('2026-02-02T09:00:00.000Z');
const reviews: string[] = [];
const MINUTE = 60_000;

beforeAll(async () => {
  dynamo = await startDynamo();
  deps = makeDeps(dynamo.client, await dynamo.createTable(), {
    now: () => new Date(clock).toISOString(),
    reviewWorkflow: () => ({ start: async (name: string) => (reviews.push(name), { started: true }) }) as never,
    closureWorkflow: () => ({ start: async () => ({ started: true }) }) as never,
  });
});

afterAll(async () => {
  await dynamo?.stop();
});

async function oneMicrotask(redundancy: number) {
  const orgId = newId('org');
  const p = { rewardMinor: 15, feeBasisPoints: 1_000, redundancy };
  await deps.ledger.post(Entries.topUp(orgId, escrowFor(p, 1), { entryId: newId('t'), currency: 'EUR', createdAt: deps.now() }));
  const { projectId } = await createProjectUseCase(deps, orgId, newProject({ redundancy, assignmentDurationSeconds: 600 }));
  await addMicrotasksUseCase(deps, orgId, projectId, [{ input: { photo: 'x.jpg' } }], 'b');
  await publishProjectUseCase(deps, orgId, projectId);
  return { orgId, projectId, escrow: async () => (await deps.ledger.balances([Accounts.clientEscrow(orgId)]))[Accounts.clientEscrow(orgId)] };
}

const code = async (p: Promise<unknown>) => p.then(() => 'ok', (e) => (e instanceof DomainError ? e.code : String(e)));

describe('leases', () => {
  it('reopens the slot of an expired claim, once, and only after the lease', async () => {
    const { projectId } = await oneMicrotask(2);
    const a = await claimAssignmentUseCase(deps, 'abandoner', projectId);
    const b = await claimAssignmentUseCase(deps, 'finisher', projectId);
    await submitAnswerUseCase(deps, 'finisher', b.assignment.assignmentId, { answer: { choice: 'cat' } }, {});
    expect(await code(claimAssignmentUseCase(deps, 'late', projectId))).toBe('no_work_available');

    clock += 9 * MINUTE;
    expect((await sweepExpiredLeasesUseCase(deps)).expired).toBe(0);

    clock += 2 * MINUTE;
    expect(await sweepExpiredLeasesUseCase(deps)).toMatchObject({ expired: 1 });
    expect((await deps.marketplace.getAssignment(a.assignment.assignmentId, true))?.status).toBe('expired');
    expect(await deps.marketplace.getMicrotask(a.microtask.microtaskId, true)).toMatchObject({ openSlots: 1, status: 'open' });
    expect((await sweepExpiredLeasesUseCase(deps)).expired).toBe(0);

    // Too late to submit; the slot goes to someone else, never back to the same worker.
    expect(await code(submitAnswerUseCase(deps, 'abandoner', a.assignment.assignmentId, { answer: { choice: 'dog' } }, {}))).toBe('assignment_not_open');
    expect(await code(claimAssignmentUseCase(deps, 'abandoner', projectId))).toBe('no_work_available');
    const c = await claimAssignmentUseCase(deps, 'late', projectId);
    expect(c.microtask.microtaskId).toBe(a.microtask.microtaskId);
  });

  it('lets a worker return a task at once, and only their own claimed one', async () => {
    const { projectId } = await oneMicrotask(1);
    const a = await claimAssignmentUseCase(deps, 'returner', projectId);
    expect(await code(returnAssignmentUseCase(deps, 'someone-else', a.assignment.assignmentId))).toBe('assignment_not_found');
    expect((await returnAssignmentUseCase(deps, 'returner', a.assignment.assignmentId)).assignment.status).toBe('returned');
    expect(await code(returnAssignmentUseCase(deps, 'returner', a.assignment.assignmentId))).toBe('assignment_not_open');
    expect((await claimAssignmentUseCase(deps, 'next', projectId)).microtask.microtaskId).toBe(a.microtask.microtaskId);
    // A returned claim is not swept again later (the other live claims of these tests are).
    clock += 20 * MINUTE;
    await sweepExpiredLeasesUseCase(deps);
    expect((await deps.marketplace.getAssignment(a.assignment.assignmentId, true))?.status).toBe('returned');
    expect(await deps.marketplace.getMicrotask(a.microtask.microtaskId, true)).toMatchObject({ openSlots: 1 });
  });

  it('on a cancelled project, gives an abandoned slot its escrow back and lets the answered slots be reviewed', async () => {
    const { orgId, projectId, escrow } = await oneMicrotask(2);
    const a = await claimAssignmentUseCase(deps, 'gone', projectId);
    const b = await claimAssignmentUseCase(deps, 'done', projectId);
    await submitAnswerUseCase(deps, 'done', b.assignment.assignmentId, { answer: { choice: 'cat' } }, {});
    await cancelProjectUseCase(deps, orgId, projectId);
    const before = await escrow();

    clock += 11 * MINUTE;
    expect(await sweepExpiredLeasesUseCase(deps)).toMatchObject({ expired: 1 });
    expect(await escrow()).toBe(before! - escrowFor({ rewardMinor: 15, feeBasisPoints: 1_000, redundancy: 1 }, 1));
    expect(await deps.marketplace.getMicrotask(a.microtask.microtaskId, true)).toMatchObject({ openSlots: 0, releasedSlots: 1, submittedCount: 1 });
    expect(reviews).toContain(`review-${a.microtask.microtaskId}`);
  });

  it('does not reopen a slot on a project cancelled after the sweeper read it; the next sweep releases it', async () => {
    const { orgId, projectId, escrow } = await oneMicrotask(1);
    const a = await claimAssignmentUseCase(deps, 'racer', projectId);
    await cancelProjectUseCase(deps, orgId, projectId);
    clock += 11 * MINUTE;
    const lease = { assignmentId: a.assignment.assignmentId, microtaskId: a.microtask.microtaskId, projectId, workerId: 'racer' };
    // What a sweeper holding a stale, not-yet-cancelled project would do:
    expect(await deps.marketplace.endClaim(lease, { status: 'expired', now: deps.now() }, { reopen: true })).toBe(false);
    expect((await deps.marketplace.getAssignment(lease.assignmentId, true))?.status).toBe('claimed');
    expect(await deps.marketplace.getMicrotask(lease.microtaskId, true)).toMatchObject({ openSlots: 0 });
    const before = await escrow();
    await sweepExpiredLeasesUseCase(deps);
    expect((await deps.marketplace.getAssignment(lease.assignmentId, true))?.status).toBe('expired');
    expect(await escrow()).toBeLessThan(before!);
    expect(await deps.marketplace.getMicrotask(lease.microtaskId, true)).toMatchObject({ status: 'cancelled', releasedSlots: 1 });
  });
});