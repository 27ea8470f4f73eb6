import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_EVALUATED_PER_REQUEST } from '../../shared/adapters/dynamodb/paging';
import { newId } from '../../shared/adapters/ids';
import type { Deps } from '../../shared/app/deps';
import { addMicrotasksUseCase, cancelProjectUseCase, createProjectUseCase, getResultsUseCase, publishProjectUseCase, setProjectPausedUseCase } from '../../shared/app/projects';
import { claimAssignmentUseCase, listMyAssignmentsUseCase, returnAssignmentUseCase, submitAnswerUseCase } from '../../shared/app/work';
import { DomainError } from '../../shared/domain/errors';
import { Entries } from '../../shared/domain/ledger/ledger';
import { makeDeps } from '../support/deps';
import { startDynamo, type LocalDynamo } from '../support/emulators';
import { newProject } from '../support/fixtures';

/** Status filters and cursors on the lists: exact by key design for projects, bounded filtered pages elsewhere. */
let dynamo: LocalDynamo;
let deps: Deps;

beforeAll(async () => {
  dynamo = await startDynamo();
  deps = makeDeps(dynamo.client, await dynamo.createTable(), { closureWorkflow: () => ({ start: async () => ({ started: true }) }) as never });
});

afterAll(async () => {
  await dynamo?.stop();
});

const codeOf = (p: Promise<unknown>) => p.then(() => 'ok', (e) => (e instanceof DomainError ? e.code : String(e)));

async function fundedOrg() {
  const orgId = newId('org');
  await deps.ledger.post(Entries.topUp(orgId, 1_000_000, { entryId: newId('t'), currency: 'EUR', createdAt: deps.now() }));
  return orgId;
}

/** Every item of a list, page by page, checking each page's bound. */
async function all<T>(list: (cursor?: string) => Promise<{ items: T[]; nextCursor?: string | null }>, limit: number) {
  const items: T[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await list(cursor);
    expect(page.items.length).toBeLessThanOrEqual(limit);
    items.push(...page.items);
    cursor = page.nextCursor ?? undefined;
    pages++;
  } while (cursor && pages < 100);
  return { items, pages };
}

describe('projects by status', () => {
  it('lists each status as a bounded filtered page of the org’s projects, following every transition', async () => {
    const orgId = await fundedOrg();
    const made = [];
    for (let i = 0; i < 7; i++) made.push((await createProjectUseCase(deps, orgId, newProject({ title: `p${i}`, redundancy: 1 }))).projectId);
    for (const id of made.slice(0, 5)) {
      await addMicrotasksUseCase(deps, orgId, id, [{ input: { n: 1 } }], 'b');
      await publishProjectUseCase(deps, orgId, id);
    }
    await setProjectPausedUseCase(deps, orgId, made[1]!, true);
    await setProjectPausedUseCase(deps, orgId, made[2]!, true);
    await setProjectPausedUseCase(deps, orgId, made[2]!, false);
    await cancelProjectUseCase(deps, orgId, made[3]!);

    const byStatus = async (status?: 'draft' | 'published' | 'paused' | 'cancelled') =>
      (await all((c) => deps.marketplace.listProjects(orgId, 2, c, status), 2)).items.map((p) => p.projectId);
    expect(await byStatus('published')).toEqual([made[4], made[2], made[0]]);
    expect(await byStatus('paused')).toEqual([made[1]]);
    expect(await byStatus('cancelled')).toEqual([made[3]]);
    expect(await byStatus('draft')).toEqual([made[6], made[5]]);
    expect(await byStatus()).toEqual([...made].reverse());
  });

  it("refuses a cursor from another org's list", async () => {
    const a = await fundedOrg();
    for (let i = 0; i < 2; i++) await createProjectUseCase(deps, a, newProject());
    const { nextCursor } = await deps.marketplace.listProjects(a, 1);
    expect(nextCursor).toBeDefined();
    expect(await codeOf(deps.marketplace.listProjects(await fundedOrg(), 1, nextCursor))).toBe('invalid_cursor');
    // The same org's list filtered by status is the same partition: its cursor goes on from there.
    expect((await deps.marketplace.listProjects(a, 1, nextCursor, 'draft')).items).toHaveLength(1);
  });
});

describe('filtered pages', () => {
  it('results by microtask status: never more than the limit, bounded reads, and a cursor to go on', async () => {
    const orgId = await fundedOrg();
    const { projectId } = await createProjectUseCase(deps, orgId, newProject({ redundancy: 1 }));
    const count = MAX_EVALUATED_PER_REQUEST + 200;
    for (let i = 0; i < count; i += 300) await addMicrotasksUseCase(deps, orgId, projectId, Array.from({ length: Math.min(300, count - i) }, (_, j) => ({ input: { n: i + j } })), `b${i}`);
    await publishProjectUseCase(deps, orgId, projectId);
    // Three microtasks in review, the last more than one request's read budget after the second.
    const everything = (await all((c) => getResultsUseCase(deps, orgId, projectId, 100, c), 100)).items;
    expect(everything).toHaveLength(count);
    const picked = [everything[3]!, everything[50]!, everything[count - 2]!].map((m) => m.microtaskId);
    for (const id of picked) expect(await deps.marketplace.setMicrotaskStatus(id, ['open'], 'reviewing')).toBe(true);

    const first = await getResultsUseCase(deps, orgId, projectId, 2, undefined, 'reviewing');
    expect(first.items.map((m) => m.microtaskId)).toEqual(picked.slice(0, 2));
    expect(first.nextCursor).toBeTruthy();
    // The third match lies beyond one request's read budget: a short (empty) page that still carries a cursor.
    const second = await getResultsUseCase(deps, orgId, projectId, 2, first.nextCursor!, 'reviewing');
    expect(second.items).toHaveLength(0);
    expect(second.nextCursor).toBeTruthy();
    const rest = await all((c) => getResultsUseCase(deps, orgId, projectId, 2, c ?? second.nextCursor!, 'reviewing'), 2);
    expect(rest.items.map((m) => m.microtaskId)).toEqual(picked.slice(2));
    expect((await getResultsUseCase(deps, orgId, projectId, 5, undefined, 'completed')).items).toEqual([]);
  });

  it('my assignments by status', async () => {
    const orgId = await fundedOrg();
    const { projectId } = await createProjectUseCase(deps, orgId, newProject({ redundancy: 1 }));
    await addMicrotasksUseCase(deps, orgId, projectId, Array.from({ length: 6 }, (_, n) => ({ input: { n } })), 'b');
    await publishProjectUseCase(deps, orgId, projectId);
    const worker = newId('w');
    const claimed = [];
    for (let i = 0; i < 4; i++) claimed.push((await claimAssignmentUseCase(deps, worker, projectId)).assignment.assignmentId);
    await submitAnswerUseCase(deps, worker, claimed[0]!, { answer: { choice: 'cat' } }, {});
    await submitAnswerUseCase(deps, worker, claimed[2]!, { answer: { choice: 'dog' } }, {});
    await returnAssignmentUseCase(deps, worker, claimed[3]!);

    const ids = async (status?: 'claimed' | 'submitted' | 'returned') => (await all((c) => listMyAssignmentsUseCase(deps, worker, 1, c, status), 1)).items.map((a) => a.assignmentId).sort();
    expect(await ids('submitted')).toEqual([claimed[0], claimed[2]].sort());
    expect(await ids('claimed')).toEqual([claimed[1]]);
    expect(await ids('returned')).toEqual([claimed[3]]);
    expect(await ids()).toEqual([...claimed].sort());
    // Another worker's cursor is refused.
    const page = await listMyAssignmentsUseCase(deps, worker, 1);
    expect(await codeOf(listMyAssignmentsUseCase(deps, newId('w'), 1, page.nextCursor))).toBe('invalid_cursor');
  });
});
