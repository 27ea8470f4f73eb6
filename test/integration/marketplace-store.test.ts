import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newProject } from '../support/fixtures';
import { derivedId, newId } from '../../shared/adapters/ids';
import type { Deps } from '../../shared/app/deps';
import { addMicrotasksUseCase, createProjectUseCase, publishProjectUseCase } from '../../shared/app/projects';
import { claimAssignmentUseCase } from '../../shared/app/work';
import { DomainError } from '../../shared/domain/errors';
import { Accounts, Entries } from '../../shared/domain/ledger/ledger';
import type { Assignment } from '../../shared/domain/marketplace/assignment';
import type { Microtask } from '../../shared/domain/marketplace/microtask';
import { costPerAssignment, escrowFor } from '../../shared/domain/marketplace/project';
import { makeDeps as makeDepsOn } from '../support/deps';
import { startDynamo, type LocalDynamo } from '../support/emulators';

let dynamo: LocalDynamo;
let deps: Deps;
let table: string;
// Claim races here have workers hold many claims at once; the per-worker cap has its own test (claim-cap.test.ts).
const makeDeps = (tableName: string, now?: () => string) => {
  const d = makeDepsOn(dynamo.client, tableName, now ? { now } : {});
  return { ...d, settings: { ...d.settings, maxActiveClaimsPerWorker: 1_000 } };
};

const spec = (redundancy: number) => newProject({ redundancy });

/** A funded client with a published project of `count` microtasks. */
async function publishedProject(d: Deps, redundancy: number, count: number) {
  const orgId = newId('org');
  const cost = escrowFor({ rewardMinor: 15, feeBasisPoints: 1_000, redundancy }, count);
  await d.ledger.post(Entries.topUp(orgId, cost + 1_000, { entryId: newId('topup'), currency: 'EUR', createdAt: d.now() }));
  const created = await createProjectUseCase(d, orgId, spec(redundancy));
  const added = await addMicrotasksUseCase(
    d,
    orgId,
    created.projectId,
    Array.from({ length: count }, (_, i) => ({ input: { i } })),
    'batch-1',
  );
  expect(added).toMatchObject({ added: count, replayed: 0 });
  const published = await publishProjectUseCase(d, orgId, created.projectId);
  return { orgId, projectId: created.projectId, microtaskIds: added.microtaskIds, cost, published };
}

async function claimAll(d: Deps, projectId: string, workerId: string): Promise<Assignment[]> {
  const out: Assignment[] = [];
  for (;;) {
    try {
      const r = await claimAssignmentUseCase(d, workerId, projectId);
      out.push((await d.marketplace.getAssignment(r.assignment.assignmentId, true))!);
    } catch (e) {
      if (e instanceof DomainError && e.code === 'no_work_available') return out;
      throw e;
    }
  }
}

beforeAll(async () => {
  dynamo = await startDynamo();
  table = await dynamo.createTable();
  deps = makeDeps(table);
});

afterAll(async () => {
  await dynamo?.stop();
});

describe('projects', () => {
  it('creates a draft, adds microtasks and publishes it with the escrow reserved', async () => {
    const { orgId, projectId, microtaskIds, cost, published } = await publishedProject(deps, 3, 4);
    expect(published.status).toBe('published');
    const p = await deps.marketplace.getProject(projectId, true);
    expect(p).toMatchObject({ status: 'published', microtaskCount: 4, orgId });
    expect(p!.publishedAt).toBeDefined();
    const b = await deps.ledger.balances([Accounts.clientFunds(orgId), Accounts.clientEscrow(orgId)]);
    expect(cost).toBe(17 * 3 * 4);
    expect(b[Accounts.clientEscrow(orgId)]).toBe(cost);
    expect(b[Accounts.clientFunds(orgId)]).toBe(1_000);
    const m = await deps.marketplace.getMicrotask(microtaskIds[0]!, true);
    expect(m).toMatchObject({ projectId, openSlots: 3, redundancy: 3, submittedCount: 0, status: 'open' });
  });

  it('refuses to publish without the funds, and changes nothing', async () => {
    const orgId = newId('org');
    const created = await createProjectUseCase(deps, orgId, spec(2));
    await addMicrotasksUseCase(deps, orgId, created.projectId, [{ input: { i: 0 } }], 'b');
    await expect(publishProjectUseCase(deps, orgId, created.projectId)).rejects.toMatchObject({ code: 'insufficient_funds' });
    expect((await deps.marketplace.getProject(created.projectId, true))!.status).toBe('draft');
  });

  it('writes microtask chunks once: a replayed chunk returns false and counts nothing', async () => {
    const orgId = newId('org');
    const created = await createProjectUseCase(deps, orgId, spec(2));
    const project = (await deps.marketplace.getProject(created.projectId, true))!;
    const now = deps.now();
    const chunk: Microtask[] = [0, 1, 2].map((i) => ({
      microtaskId: derivedId('mt', project.projectId, 'chunk', String(i)),
      projectId: project.projectId,
      orgId,
      input: { i },
      openSlots: 2,
      redundancy: 2,
      submittedCount: 0,
      status: 'open',
      createdAt: now,
    }));
    expect(await deps.marketplace.addMicrotaskChunk(project, chunk, undefined)).toBe(true);
    expect(await deps.marketplace.addMicrotaskChunk(project, chunk, undefined)).toBe(false);
    expect((await deps.marketplace.getProject(project.projectId, true))!.microtaskCount).toBe(3);
    const listed = await deps.marketplace.listMicrotasks(project.projectId, 10);
    expect(listed.items.map((m) => m.microtaskId).sort()).toEqual(chunk.map((m) => m.microtaskId).sort());

    // The same through the use case: the same batch key is a replay.
    const again = await addMicrotasksUseCase(deps, orgId, project.projectId, [{ input: { a: 1 } }, { input: { a: 2 } }], 'same-key');
    const replay = await addMicrotasksUseCase(deps, orgId, project.projectId, [{ input: { a: 1 } }, { input: { a: 2 } }], 'same-key');
    expect(again).toMatchObject({ added: 2, replayed: 0 });
    expect(replay).toMatchObject({ added: 0, replayed: 2, microtaskIds: again.microtaskIds });
    expect((await deps.marketplace.getProject(project.projectId, true))!.microtaskCount).toBe(5);
  });

  it('reserves escrow for microtasks added to a published project, once', async () => {
    const { orgId, projectId, cost } = await publishedProject(deps, 2, 1);
    const funds = () => deps.ledger.balances([Accounts.clientFunds(orgId), Accounts.clientEscrow(orgId)]);
    await addMicrotasksUseCase(deps, orgId, projectId, [{ input: { late: 1 } }], 'late');
    await addMicrotasksUseCase(deps, orgId, projectId, [{ input: { late: 1 } }], 'late');
    const b = await funds();
    expect(b[Accounts.clientEscrow(orgId)]).toBe(cost + 34);
    expect(b[Accounts.clientFunds(orgId)]).toBe(1_000 - 34);
  });
});

describe('claims', () => {
  it('gives one microtask of redundancy 3 to exactly 3 of 20 racing workers', async () => {
    const { projectId, microtaskIds } = await publishedProject(deps, 3, 1);
    const workers = Array.from({ length: 20 }, (_, i) => `racer-${i}`);
    const results = await Promise.allSettled(workers.map((w) => claimAssignmentUseCase(deps, w, projectId)));
    const won = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const lost = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    for (const e of lost) expect(e).toMatchObject({ code: 'no_work_available' });
    expect(won).toHaveLength(3);
    const assignments = await deps.marketplace.listAssignmentsOfMicrotask(microtaskIds[0]!);
    expect(assignments).toHaveLength(3);
    expect(new Set(assignments.map((a) => a.workerId)).size).toBe(3);
    expect((await deps.marketplace.getMicrotask(microtaskIds[0]!, true))!.openSlots).toBe(0);
  });

  it('never gives the same worker the same microtask twice', async () => {
    const { projectId, microtaskIds } = await publishedProject(deps, 3, 1);
    const first = await claimAssignmentUseCase(deps, 'twice', projectId);
    expect(first.assignment.microtaskId).toBe(microtaskIds[0]);
    await expect(claimAssignmentUseCase(deps, 'twice', projectId)).rejects.toMatchObject({ code: 'no_work_available' });
    // Racing with oneself does not help either.
    const raced = await Promise.allSettled([claimAssignmentUseCase(deps, 'racing-self', projectId), claimAssignmentUseCase(deps, 'racing-self', projectId)]);
    expect(raced.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const assignments = await deps.marketplace.listAssignmentsOfMicrotask(microtaskIds[0]!);
    expect(assignments.filter((a) => a.workerId === 'twice')).toHaveLength(1);
    expect(assignments.filter((a) => a.workerId === 'racing-self')).toHaveLength(1);
    expect((await deps.marketplace.getMicrotask(microtaskIds[0]!, true))!.openSlots).toBe(1);
  });

  it('hands out every slot of 50 microtasks × 2 to 30 workers claiming in loops, each pair once', async () => {
    const { projectId, microtaskIds } = await publishedProject(deps, 2, 50);
    const perWorker = await Promise.all(Array.from({ length: 30 }, (_, i) => claimAll(deps, projectId, `crowd-${i}`)));
    const all = perWorker.flat();
    expect(all).toHaveLength(100);
    const pairs = new Set(all.map((a) => `${a.microtaskId}|${a.workerId}`));
    expect(pairs.size).toBe(100);
    const perMicrotask = new Map<string, number>();
    for (const a of all) perMicrotask.set(a.microtaskId, (perMicrotask.get(a.microtaskId) ?? 0) + 1);
    expect([...perMicrotask.keys()].sort()).toEqual([...microtaskIds].sort());
    expect([...perMicrotask.values()].every((c) => c === 2)).toBe(true);
    const stored = await Promise.all(microtaskIds.map((id) => deps.marketplace.getMicrotask(id, true)));
    expect(stored.every((m) => m!.openSlots === 0)).toBe(true);
  });

  it('refuses claims on a project that is not published', async () => {
    const orgId = newId('org');
    const created = await createProjectUseCase(deps, orgId, spec(1));
    await expect(claimAssignmentUseCase(deps, 'w', created.projectId)).rejects.toMatchObject({ kind: 'conflict', code: 'project_not_open' });
  });
});

describe('submissions and decisions', () => {
  it('refuses a submission after the lease expired, and changes nothing', async () => {
    const { projectId, microtaskIds } = await publishedProject(deps, 1, 1);
    // Claimed an hour ago with a 10-minute lease.
    const past = makeDeps(table, () => new Date(Date.now() - 3_600_000).toISOString());
    const claimed = await claimAssignmentUseCase(past, 'late-worker', projectId);
    const a = (await deps.marketplace.getAssignment(claimed.assignment.assignmentId, true))!;
    expect(a.leaseExpiresAt < new Date().toISOString()).toBe(true);
    const now = new Date().toISOString();
    const err = await deps.marketplace.submit({ ...a, status: 'submitted', answer: { choice: 'cat' }, submittedAt: now }, now).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DomainError);
    expect(err).toMatchObject({ kind: 'conflict', code: 'assignment_not_open' });
    expect((await deps.marketplace.getAssignment(a.assignmentId, true))!.status).toBe('claimed');
    expect((await deps.marketplace.getMicrotask(microtaskIds[0]!, true))!.submittedCount).toBe(0);
  });

  it('submits once, then decides with the ledger entry in the same transaction; a replay returns false', async () => {
    const { orgId, projectId, microtaskIds } = await publishedProject(deps, 1, 1);
    const claimed = await claimAssignmentUseCase(deps, 'good-worker', projectId);
    const a = (await deps.marketplace.getAssignment(claimed.assignment.assignmentId, true))!;
    const now = new Date().toISOString();
    const submitted: Assignment = { ...a, status: 'submitted', answer: { choice: 'cat' }, submittedAt: now, submissionContext: { timeSpentMs: 1_000 } };
    await deps.marketplace.submit(submitted, now);
    await expect(deps.marketplace.submit(submitted, now)).rejects.toMatchObject({ code: 'assignment_not_open' });
    expect((await deps.marketplace.getMicrotask(microtaskIds[0]!, true))!.submittedCount).toBe(1);

    const accounts = [Accounts.clientEscrow(orgId), Accounts.workerAvailable('good-worker'), Accounts.platformFees('EUR')];
    const before = await deps.ledger.balances(accounts);
    const { rewardMinor, feeMinor } = costPerAssignment({ rewardMinor: 15, feeBasisPoints: 1_000 });
    const entry = Entries.approveAssignment(orgId, 'good-worker', rewardMinor, feeMinor, { entryId: `decision:${a.assignmentId}`, currency: 'EUR', createdAt: now });
    const decision = { outcome: 'approved' as const, rule: 'consensus.agrees_with_majority', evidence: { votes: { cat: 1 } }, decidedAt: now };
    expect(await deps.marketplace.decide(submitted.assignmentId, decision, entry)).toBe(true);
    const after = await deps.ledger.balances(accounts);
    expect(after[Accounts.clientEscrow(orgId)]).toBe(before[Accounts.clientEscrow(orgId)]! - 17);
    expect(after[Accounts.workerAvailable('good-worker')]).toBe(before[Accounts.workerAvailable('good-worker')]! + 15);
    expect(after[Accounts.platformFees('EUR')]).toBe(before[Accounts.platformFees('EUR')]! + 2);
    expect(await deps.marketplace.getAssignment(a.assignmentId, true)).toMatchObject({ status: 'approved', decision: { rule: 'consensus.agrees_with_majority' } });

    // Replays, with the same entry or with a fresh one, change nothing.
    expect(await deps.marketplace.decide(submitted.assignmentId, decision, entry)).toBe(false);
    const other = Entries.rejectAssignment(orgId, 17, { entryId: `decision2:${a.assignmentId}`, currency: 'EUR', createdAt: now });
    expect(await deps.marketplace.decide(submitted.assignmentId, { ...decision, outcome: 'rejected' }, other)).toBe(false);
    expect(await deps.ledger.balances(accounts)).toEqual(after);
    expect((await deps.marketplace.getAssignment(a.assignmentId, true))!.status).toBe('approved');
  });
});
