import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../shared/adapters/ids';
import type { Deps } from '../../shared/app/deps';
import { bonusUseCase, statementUseCase } from '../../shared/app/money';
import {
  addMicrotasksUseCase,
  createProjectUseCase,
  expireProjectsUseCase,
  publishProjectUseCase,
  releaseOpenSlotsUseCase,
  setProjectPausedUseCase,
  updateProjectUseCase,
} from '../../shared/app/projects';
import { consensusUseCase, finalizeUseCase, loadSubmissionsUseCase } from '../../shared/app/review';
import { claimAssignmentUseCase, submitAnswerUseCase } from '../../shared/app/work';
import { Accounts, Entries } from '../../shared/domain/ledger/ledger';
import { escrowFor } from '../../shared/domain/marketplace/project';
import { makeDeps } from '../support/deps';
import { startDynamo, type LocalDynamo } from '../support/emulators';
import { newProject } from '../support/fixtures';

/** Project-level money rules on DynamoDB Local: automatic bonuses, the budget cap, and expiry at the deadline. */
let dynamo: LocalDynamo;
let deps: Deps;
let clock = Date.parse('2026-03-02T09:00:00.000Z');
const SECOND = 1_000;

beforeAll(async () => {
  dynamo = await startDynamo();
  deps = makeDeps(dynamo.client, await dynamo.createTable(), {
    now: () => new Date(clock).toISOString(),
    reviewWorkflow: () => ({ start: async () => ({ started: true }) }) as never,
    // The closure workflow, run inline: its one task, looped until done.
    closureWorkflow: () =>
      ({
        start: async (_name: string, input: { projectId: string }) => {
          for (let r = await releaseOpenSlotsUseCase(deps, input); !r.done; r = await releaseOpenSlotsUseCase(deps, { ...input, cursor: r.cursor })) {
            // next page
          }
          return { started: true };
        },
      }) as never,
  });
});

afterAll(async () => {
  await dynamo?.stop();
});

async function funded(amountMinor: number) {
  const orgId = newId('org');
  await deps.ledger.post(Entries.topUp(orgId, amountMinor, { entryId: newId('t'), currency: 'EUR', createdAt: deps.now() }));
  return orgId;
}

const balances = async (orgId: string) => {
  const b = await deps.ledger.balances([Accounts.clientFunds(orgId), Accounts.clientEscrow(orgId)]);
  return { funds: b[Accounts.clientFunds(orgId)] ?? 0, escrow: b[Accounts.clientEscrow(orgId)] ?? 0 };
};

describe('automatic bonuses', () => {
  it('reserves them with each slot, pays each earned one as its own line with a reason, and returns the rest', async () => {
    const orgId = await funded(10_000);
    const bonusRules = { accuracy: { minAgreement: 0.6, amountMinor: 20 }, speed: { maxSeconds: 60, amountMinor: 10 } };
    const project = await createProjectUseCase(deps, orgId, newProject({ rewardMinor: 100, redundancy: 3, bonusRules }));
    // 100 + 20 + 10, and a 10 % fee on each payment: 143 per slot.
    expect(project.cost).toMatchObject({ rewardMinor: 100, bonusMinor: 30, feeMinor: 13, totalMinor: 143 });
    await addMicrotasksUseCase(deps, orgId, project.projectId, [{ input: { photo: 'a.jpg' } }], 'b');
    await publishProjectUseCase(deps, orgId, project.projectId);
    expect(await balances(orgId)).toEqual({ funds: 10_000 - 3 * 143, escrow: 3 * 143 });

    // ana answers fast with the majority, ben slowly with it, cai fast against it.
    const answer = async (worker: string, choice: string, seconds: number) => {
      const c = await claimAssignmentUseCase(deps, worker, project.projectId);
      clock += seconds * SECOND;
      await submitAnswerUseCase(deps, worker, c.assignment.assignmentId, { answer: { choice } }, {});
      return c;
    };
    const a = await answer('ana', 'cat', 20);
    await answer('ben', 'cat', 300);
    await answer('cai', 'dog', 5);
    const review = consensusUseCase(await loadSubmissionsUseCase(deps, { microtaskId: a.assignment.microtaskId }));
    expect((await finalizeUseCase(deps, review)).applied).toEqual({ approved: 2, rejected: 1 });
    // A retried Finalize pays nothing twice.
    await finalizeUseCase(deps, review);

    const lines = async (w: string) => (await statementUseCase(deps, Accounts.workerAvailable(w), 10)).items.map((l) => [l.kind, l.amountMinor]);
    expect((await lines('ana')).sort()).toEqual([['assignment_approved', 100], ['bonus', 10], ['bonus', 20]].sort());
    expect((await lines('ben')).sort()).toEqual([['assignment_approved', 100], ['bonus', 20]].sort());
    expect(await lines('cai')).toEqual([]);
    const anaStatement = await statementUseCase(deps, Accounts.workerAvailable('ana'), 10);
    expect(anaStatement.items.map((l) => l.memo)).toEqual(expect.arrayContaining([expect.stringMatching(/^Accuracy bonus: your answer matched a consensus of 67 %/), expect.stringMatching(/^Speed bonus: approved and submitted in 20 s/)]));
    // Escrow is empty; the client paid exactly what was earned, fees included.
    const spent = 2 * (100 + 10) + 2 * (20 + 2) + (10 + 1);
    expect(await balances(orgId)).toEqual({ funds: 10_000 - spent, escrow: 0 });
  });
});

describe('the budget cap', () => {
  it('refuses commitments beyond it, pausing a published project, and opens again when raised', async () => {
    const orgId = await funded(10_000);
    const slot = escrowFor({ rewardMinor: 100, feeBasisPoints: 1_000, redundancy: 1 }, 1);
    const p = await createProjectUseCase(deps, orgId, newProject({ rewardMinor: 100, redundancy: 1, budgetCapMinor: 3 * slot }));
    await addMicrotasksUseCase(deps, orgId, p.projectId, [1, 2, 3].map((i) => ({ input: { i } })), 'b1');
    expect((await publishProjectUseCase(deps, orgId, p.projectId)).budget).toEqual({ capMinor: 330, committedMinor: 330, leftMinor: 0 });

    await expect(addMicrotasksUseCase(deps, orgId, p.projectId, [{ input: { i: 4 } }], 'b2')).rejects.toMatchObject({
      kind: 'conflict',
      code: 'budget_cap_reached',
      details: { budgetCapMinor: 330, committedMinor: 330, neededMinor: 110 },
    });
    const paused = await deps.marketplace.getProject(p.projectId, true);
    expect(paused).toMatchObject({ status: 'paused', pausedReason: 'budget_cap_reached', microtaskCount: 3 });
    expect(await balances(orgId)).toEqual({ funds: 10_000 - 330, escrow: 330 });
    await expect(claimAssignmentUseCase(deps, 'w', p.projectId)).rejects.toMatchObject({ code: 'project_not_open' });

    // A cap below what is committed is refused; a higher one lets the batch in, and resuming opens the project.
    await expect(updateProjectUseCase(deps, orgId, p.projectId, { budgetCapMinor: 329 })).rejects.toMatchObject({ code: 'budget_below_committed' });
    expect((await updateProjectUseCase(deps, orgId, p.projectId, { budgetCapMinor: 500 })).budget).toEqual({ capMinor: 500, committedMinor: 330, leftMinor: 170 });
    expect(await addMicrotasksUseCase(deps, orgId, p.projectId, [{ input: { i: 4 } }], 'b2')).toMatchObject({ added: 1 });
    const resumed = await setProjectPausedUseCase(deps, orgId, p.projectId, false);
    expect(resumed).toMatchObject({ status: 'published', budget: { committedMinor: 440, leftMinor: 60 } });
    expect(resumed).not.toHaveProperty('pausedReason');

    // A bonus by hand counts too: 50 + 5 fits in 60, the next one does not.
    const c = await claimAssignmentUseCase(deps, 'w', p.projectId);
    await submitAnswerUseCase(deps, 'w', c.assignment.assignmentId, { answer: { choice: 'cat' } }, {});
    await bonusUseCase(deps, orgId, c.assignment.assignmentId, { amountMinor: 50, reason: 'Great' }, 'k1');
    await expect(bonusUseCase(deps, orgId, c.assignment.assignmentId, { amountMinor: 5, reason: 'More' }, 'k2')).rejects.toMatchObject({ code: 'budget_cap_reached' });
    // A replayed bonus is not committed twice.
    await bonusUseCase(deps, orgId, c.assignment.assignmentId, { amountMinor: 50, reason: 'Great' }, 'k1');
    expect((await deps.marketplace.getProject(p.projectId, true))?.committedMinor).toBe(440 + 55);
  });

  it('refuses to publish a project whose escrow exceeds the cap, and leaves it a draft', async () => {
    const orgId = await funded(10_000);
    const p = await createProjectUseCase(deps, orgId, newProject({ rewardMinor: 100, redundancy: 2, budgetCapMinor: 300 }));
    await addMicrotasksUseCase(deps, orgId, p.projectId, [1, 2].map((i) => ({ input: { i } })), 'b');
    await expect(publishProjectUseCase(deps, orgId, p.projectId)).rejects.toMatchObject({ code: 'budget_cap_reached', details: { neededMinor: 440 } });
    expect(await deps.marketplace.getProject(p.projectId, true)).toMatchObject({ status: 'draft', committedMinor: 0 });
    expect(await balances(orgId)).toEqual({ funds: 10_000, escrow: 0 });
  });
});

describe('the deadline', () => {
  it('ends leases with it, stops claims at it, and expires the project returning unclaimed escrow', async () => {
    const orgId = await funded(10_000);
    const deadline = new Date(clock + 30 * 60 * SECOND).toISOString();
    const p = await createProjectUseCase(deps, orgId, newProject({ rewardMinor: 100, redundancy: 2, assignmentDurationSeconds: 3_600, deadline }));
    await expect(updateProjectUseCase(deps, orgId, p.projectId, { deadline: new Date(clock + 10 * 60 * SECOND).toISOString() })).rejects.toMatchObject({ code: 'deadline_earlier' });
    await addMicrotasksUseCase(deps, orgId, p.projectId, [1, 2].map((i) => ({ input: { i } })), 'b');
    await publishProjectUseCase(deps, orgId, p.projectId);
    const claim = await claimAssignmentUseCase(deps, 'w1', p.projectId);
    expect(claim.assignment.leaseExpiresAt).toBe(deadline);

    // Before the deadline the sweep leaves the project alone.
    expect(await expireProjectsUseCase(deps)).toMatchObject({ expired: 0 });
    clock = Date.parse(deadline) + SECOND;
    await expect(claimAssignmentUseCase(deps, 'w2', p.projectId)).rejects.toMatchObject({ code: 'project_not_open', details: { status: 'expired' } });
    await expect(submitAnswerUseCase(deps, 'w1', claim.assignment.assignmentId, { answer: { choice: 'cat' } }, {})).rejects.toMatchObject({ code: 'lease_expired' });

    expect(await expireProjectsUseCase(deps)).toMatchObject({ expired: 1 });
    expect(await deps.marketplace.getProject(p.projectId, true)).toMatchObject({ status: 'expired' });
    // Three unclaimed slots went back; the claimed one stays reserved until the lease sweep ends it.
    expect(await balances(orgId)).toEqual({ funds: 10_000 - 110, escrow: 110 });
    // The sweep does not find it again.
    expect(await expireProjectsUseCase(deps)).toMatchObject({ expired: 0 });
    expect(await deps.marketplace.dueDeadlines(deps.now(), 10)).toEqual([]);
  });

  it('lets an extended deadline win over the sweep', async () => {
    const orgId = await funded(10_000);
    const p = await createProjectUseCase(deps, orgId, newProject({ deadline: new Date(clock + 60 * SECOND).toISOString() }));
    const later = new Date(clock + 3_600 * SECOND).toISOString();
    expect((await updateProjectUseCase(deps, orgId, p.projectId, { deadline: later, title: 'Renamed' })).deadline).toBe(later);
    clock += 120 * SECOND;
    expect(await expireProjectsUseCase(deps)).toMatchObject({ expired: 0 });
    expect(await deps.marketplace.getProject(p.projectId, true)).toMatchObject({ status: 'draft', title: 'Renamed' });
    clock += 3_600 * SECOND;
    expect(await expireProjectsUseCase(deps)).toMatchObject({ expired: 1 });
    expect(await deps.marketplace.getProject(p.projectId, true)).toMatchObject({ status: 'expired' });
  });
});
