import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../shared/adapters/ids';
import { sandboxPayouts } from '../../shared/adapters/sandbox-providers';
import type { Deps } from '../../shared/app/deps';
import { completePayoutRunUseCase, earningsUseCase, payShardUseCase, preparePayoutRunUseCase, setPayoutMethodUseCase, statementUseCase } from '../../shared/app/money';
import { addMicrotasksUseCase, createProjectUseCase, publishProjectUseCase } from '../../shared/app/projects';
import { consensusUseCase, finalizeUseCase, loadSubmissionsUseCase } from '../../shared/app/review';
import { claimAssignmentUseCase, submitAnswerUseCase } from '../../shared/app/work';
import { Accounts, Entries } from '../../shared/domain/ledger/ledger';
import { makeDeps } from '../support/deps';
import { startDynamo, type LocalDynamo } from '../support/emulators';
import { newProject } from '../support/fixtures';

/**
 * With a hold period, an approved reward is pending (visible, not payable) until the hold is over;
 * the payout run that comes after that releases it and pays it, once.
 */
let dynamo: LocalDynamo;
let deps: Deps;
let clock = Date.parse('2026-01-05T10:00:00.000Z');
const HOURS = 3_600_000;

beforeAll(async () => {
  dynamo = await startDynamo();
  const table = await dynamo.createTable();
  deps = makeDeps(dynamo.client, table, {
    now: () => new Date(clock).toISOString(),
    payoutProvider: sandboxPayouts,
    settings: { minPayoutMinor: 1_000, feeBasisPoints: 1_000, holdPeriodHours: 24, maxActiveClaimsPerWorker: 5 },
  });
});

afterAll(async () => {
  await dynamo?.stop();
});

async function payoutRun() {
  const { runId, shards } = await preparePayoutRunUseCase(deps, { trigger: 'admin' });
  for (const s of shards) {
    for (let r = await payShardUseCase(deps, s); !r.done; r = await payShardUseCase(deps, { ...s, ...r })) {
      // a shard with more than one page loops, as the state machine's Choice does
    }
  }
  return (await completePayoutRunUseCase(deps, { runId })).report;
}

describe('the hold period', () => {
  it('keeps an approved reward pending for 24 h, then releases and pays it once', async () => {
    const orgId = newId('org');
    await deps.ledger.post(Entries.topUp(orgId, 10_000, { entryId: newId('t'), currency: 'EUR', createdAt: deps.now() }));
    const { projectId } = await createProjectUseCase(deps, orgId, newProject({ redundancy: 1, rewardMinor: 1_000 }));
    await addMicrotasksUseCase(deps, orgId, projectId, [{ input: { photo: 'a.jpg' } }], 'b1');
    await publishProjectUseCase(deps, orgId, projectId);
    const worker = 'worker-with-hold';
    await setPayoutMethodUseCase(deps, worker, { type: 'paypal', email: 'hold@example.com' });
    const claim = await claimAssignmentUseCase(deps, worker, projectId);
    await submitAnswerUseCase(deps, worker, claim.assignment.assignmentId, { answer: { choice: 'cat' }, timeSpentMs: 90_000 }, {});
    const review = consensusUseCase(await loadSubmissionsUseCase(deps, { microtaskId: claim.assignment.microtaskId }));
    expect((await finalizeUseCase(deps, review)).applied).toEqual({ approved: 1, rejected: 0 });
    // A retried Finalize changes nothing, hold included.
    await finalizeUseCase(deps, review);

    const earnings = await earningsUseCase(deps, worker);
    expect(earnings.balances).toEqual({ pendingMinor: 1_000, availableMinor: 0, paidMinor: 0 });
    // €10.00 for 90 s of measured work is €400.00 an hour; the retried Finalize did not count it twice.
    expect(earnings.work).toEqual([{ currency: 'EUR', approvedCount: 1, rejectedCount: 0, earnedMinor: 1_000, activeMs: 90_000, goldCount: 0, goldMatchedCount: 0, effectiveHourlyRateMinor: 40_000 }]);

    clock += 23 * HOURS;
    expect(await payoutRun()).toMatchObject({ paid: 0 });
    expect((await earningsUseCase(deps, worker)).balances).toMatchObject({ pendingMinor: 1_000, availableMinor: 0 });

    clock += 2 * HOURS;
    expect(await payoutRun()).toMatchObject({ paid: 1, paidMinor: 1_000 });
    expect((await earningsUseCase(deps, worker)).balances).toEqual({ pendingMinor: 0, availableMinor: 0, paidMinor: 1_000 });
    const statement = await statementUseCase(deps, Accounts.workerAvailable(worker), 10);
    expect(statement.items.map((l) => l.kind).sort()).toEqual(['hold_released', 'payout_started']);

    clock += HOURS;
    expect(await payoutRun()).toMatchObject({ paid: 0 });
    expect((await earningsUseCase(deps, worker)).balances.paidMinor).toBe(1_000);
  });
});
