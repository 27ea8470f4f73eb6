import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../shared/adapters/ids';
import { AnswerSpec } from '../../shared/api/schemas';
import type { Deps } from '../../shared/app/deps';
import { addMicrotasksUseCase, createProjectUseCase, getMicrotaskResultUseCase, getResultsUseCase, publishProjectUseCase } from '../../shared/app/projects';
import { consensusUseCase, finalizeUseCase, loadSubmissionsUseCase } from '../../shared/app/review';
import { claimAssignmentUseCase, getAssignmentUseCase, listMyAssignmentsUseCase, submitAnswerUseCase } from '../../shared/app/work';
import { Entries } from '../../shared/domain/ledger/ledger';
import { makeDeps } from '../support/deps';
import { startDynamo, type LocalDynamo } from '../support/emulators';
import { asWorker, newProject } from '../support/fixtures';

/**
 * Gold microtasks on DynamoDB Local: the expected answer is stored beside the microtask, no worker
 * read returns it, and review decides each answer against it.
 */
let dynamo: LocalDynamo;
let deps: Deps;

beforeAll(async () => {
  dynamo = await startDynamo();
  deps = makeDeps(dynamo.client, await dynamo.createTable());
});

afterAll(async () => {
  await dynamo?.stop();
});

const freeText = AnswerSpec.parse({ type: 'free_text', question: 'What does the sign say?', maxLength: 200 });

async function goldProject(marker: string) {
  const orgId = newId('org');
  await deps.ledger.post(Entries.topUp(orgId, 100_000, { entryId: newId('t'), currency: 'EUR', createdAt: deps.now() }));
  const { projectId } = await createProjectUseCase(deps, orgId, newProject({ answerSpec: freeText, redundancy: 2, rewardMinor: 100 }));
  const added = await addMicrotasksUseCase(deps, orgId, projectId, [{ input: { sign: 'photo-1.jpg' }, gold: { answer: { text: marker } } }], 'b');
  await publishProjectUseCase(deps, orgId, projectId);
  return { orgId, projectId, microtaskId: added.microtaskIds[0]! };
}

describe('gold microtasks', () => {
  it('refuses an expected answer the task type would refuse from a worker, naming the entry, and writes nothing', async () => {
    const orgId = newId('org');
    const { projectId } = await createProjectUseCase(deps, orgId, newProject());
    const entries = [{ input: { n: 1 } }, { input: { n: 2 }, gold: { answer: { choice: 'cow' } } }];
    await expect(addMicrotasksUseCase(deps, orgId, projectId, entries, 'b')).rejects.toMatchObject({
      kind: 'validation',
      code: 'invalid_gold_answer',
      details: { issues: [{ path: 'microtasks.1.gold.answer.choice' }] },
    });
    expect((await deps.marketplace.getProject(projectId, true))!.microtaskCount).toBe(0);
  });

  it('never returns the expected answer to a worker: claim, assignment and list carry no trace of it', async () => {
    const marker = `gold-${randomUUID()}`;
    const { projectId, microtaskId } = await goldProject(marker);
    const worker = newId('w');
    const claim = await claimAssignmentUseCase(deps, worker, projectId);
    const seen = [claim, await getAssignmentUseCase(deps, asWorker(worker), claim.assignment.assignmentId), await listMyAssignmentsUseCase(deps, worker, 10)];
    for (const view of seen) {
      const json = JSON.stringify(view);
      expect(json).not.toContain(marker);
      expect(json).not.toMatch(/gold/i);
    }
    expect(claim.assignment.microtaskId).toBe(microtaskId);
    // The microtask item itself holds nothing of it either: the answer is its own item.
    expect(JSON.stringify(await deps.marketplace.getMicrotask(microtaskId, true))).not.toContain(marker);
    expect((await deps.marketplace.getGold(microtaskId, true))?.answer).toEqual({ text: marker });
  });

  it('approves the answer that matches the expected one, rejects the other with the expected answer as evidence, and counts both', async () => {
    const marker = `gold-${randomUUID()}`;
    const { orgId, projectId, microtaskId } = await goldProject(marker);
    const right = newId('w');
    const wrong = newId('w');
    const claims = [];
    for (const [worker, text] of [
      [right, marker],
      [wrong, 'something else entirely'],
    ] as const) {
      const claim = await claimAssignmentUseCase(deps, worker, projectId);
      await submitAnswerUseCase(deps, worker, claim.assignment.assignmentId, { answer: { text }, timeSpentMs: 5_000 }, {});
      claims.push(claim);
    }
    const loaded = await loadSubmissionsUseCase(deps, { microtaskId });
    expect(loaded.gold).toEqual({ answer: { text: marker } });
    const decided = consensusUseCase(loaded);
    // The expected answer leaves the workflow's state with Consensus, like the spec.
    expect(decided).not.toHaveProperty('gold');
    expect((await finalizeUseCase(deps, decided)).applied).toEqual({ approved: 1, rejected: 1 });
    // A retried Finalize counts nothing twice.
    await finalizeUseCase(deps, decided);

    const [approved, rejected] = await Promise.all(claims.map((c, i) => getAssignmentUseCase(deps, asWorker([right, wrong][i]!), c.assignment.assignmentId)));
    expect(approved!.assignment).toMatchObject({ status: 'approved', decision: { rule: 'gold.matches_expected', evidence: { expected: { text: marker } } } });
    expect(rejected!.assignment).toMatchObject({
      status: 'rejected',
      decision: { rule: 'gold.differs_from_expected', evidence: { expected: { text: marker }, yourAnswer: { text: 'something else entirely' }, measure: 'char_trigram_similarity' } },
    });

    expect(await deps.marketplace.workerStats(right)).toMatchObject([{ approvedCount: 1, goldCount: 1, goldMatchedCount: 1 }]);
    expect(await deps.marketplace.workerStats(wrong)).toMatchObject([{ rejectedCount: 1, goldCount: 1, goldMatchedCount: 0 }]);

    const one = await getMicrotaskResultUseCase(deps, orgId, projectId, microtaskId);
    expect(one).toMatchObject({ microtaskId, gold: { answer: { text: marker } }, status: 'completed', result: { method: 'gold_standard', answer: { text: marker }, confidence: 0.5 } });
    expect(one.assignments.map((a) => a.decision?.rule).sort()).toEqual(['gold.differs_from_expected', 'gold.matches_expected']);
    expect((await getResultsUseCase(deps, orgId, projectId, 10)).items).toEqual([one]);
  });

  it("shows one microtask to its own client only: another org's or another project's is not found", async () => {
    const { orgId, projectId, microtaskId } = await goldProject(`gold-${randomUUID()}`);
    const other = await goldProject(`gold-${randomUUID()}`);
    await expect(getMicrotaskResultUseCase(deps, newId('org'), projectId, microtaskId)).rejects.toMatchObject({ kind: 'not_found' });
    await expect(getMicrotaskResultUseCase(deps, orgId, projectId, other.microtaskId)).rejects.toMatchObject({ kind: 'not_found' });
    await expect(getMicrotaskResultUseCase(deps, orgId, projectId, newId('mt'))).rejects.toMatchObject({ kind: 'not_found' });
  });
});
