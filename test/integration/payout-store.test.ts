import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoLedger } from '../../shared/adapters/dynamodb/ledger-store';
import { DynamoPayoutStore } from '../../shared/adapters/dynamodb/payout-store';
import { newId } from '../../shared/adapters/ids';
import { Accounts, Entries } from '../../shared/domain/ledger/ledger';
import type { Payout } from '../../shared/domain/payouts/payouts';
import { startDynamo, type LocalDynamo } from '../support/emulators';

let dynamo: LocalDynamo;
let ledger: DynamoLedger;
let payouts: DynamoPayoutStore;
const at = () => new Date().toISOString();

/** A worker with `amount` available, earned the way the platform pays: top-up, escrow, approval. */
async function workerWith(amount: number): Promise<string> {
  const org = newId('org');
  const worker = newId('wrk');
  const m = (p: string) => ({ entryId: newId(p), currency: 'EUR' as const, createdAt: at() });
  await ledger.post(Entries.topUp(org, amount + 100, m('t')));
  await ledger.post(Entries.reserveEscrow(org, amount + 100, m('r')));
  await ledger.post(Entries.approveAssignment(org, worker, amount, 100, m('a')));
  return worker;
}

const payoutOf = (runId: string, workerId: string, amountMinor: number): Payout => ({
  runId,
  workerId,
  amountMinor,
  currency: 'EUR',
  status: 'started',
  shard: 3,
  createdAt: at(),
  updatedAt: at(),
});

beforeAll(async () => {
  dynamo = await startDynamo();
  const table = await dynamo.createTable();
  ledger = new DynamoLedger(dynamo.client, table);
  payouts = new DynamoPayoutStore(dynamo.client, table, ledger);
});

afterAll(async () => {
  await dynamo?.stop();
});

describe('DynamoPayoutStore', () => {
  it('begins a payout once per (run, worker), moving the money to in-transit once', async () => {
    const worker = await workerWith(1_500);
    const runId = newId('run');
    const accounts = [Accounts.workerAvailable(worker), Accounts.payoutsInTransit('EUR')];
    const before = await ledger.balances(accounts);
    const p = payoutOf(runId, worker, 1_500);
    expect(await payouts.begin(p, Entries.startPayout(worker, 1_500, { entryId: `payout:${runId}:${worker}`, currency: 'EUR', createdAt: at() }))).toBe(true);
    const after = await ledger.balances(accounts);
    expect(after[Accounts.workerAvailable(worker)]).toBe(0);
    expect(after[Accounts.payoutsInTransit('EUR')]).toBe(before[Accounts.payoutsInTransit('EUR')]! + 1_500);

    // The same entry again, or another entry for the same (run, worker): nothing happens.
    expect(await payouts.begin(p, Entries.startPayout(worker, 1_500, { entryId: `payout:${runId}:${worker}`, currency: 'EUR', createdAt: at() }))).toBe(false);
    expect(await payouts.begin(p, Entries.startPayout(worker, 1, { entryId: newId('other'), currency: 'EUR', createdAt: at() }))).toBe(false);
    expect(await ledger.balances(accounts)).toEqual(after);
    const listed = await payouts.listPayouts(runId);
    expect(listed.payouts).toHaveLength(1);
    expect(await payouts.startedPayouts(runId, 3)).toHaveLength(1);
  });

  it('lets only one of several concurrent begins for the same (run, worker) through', async () => {
    const worker = await workerWith(1_200);
    const runId = newId('run');
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, (_, i) => payouts.begin(payoutOf(runId, worker, 1_200), Entries.startPayout(worker, 1_200, { entryId: `race:${runId}:${i}`, currency: 'EUR', createdAt: at() }))),
    );
    const began = results.filter((r) => r.status === 'fulfilled' && r.value === true);
    expect(began).toHaveLength(1);
    expect((await ledger.balances([Accounts.workerAvailable(worker)]))[Accounts.workerAvailable(worker)]).toBe(0);
    expect((await payouts.listPayouts(runId)).payouts).toHaveLength(1);
  });

  it('finishes a failed payout by returning the money, and a later run may pay the worker again', async () => {
    const worker = await workerWith(2_000);
    const run1 = newId('run');
    const p = payoutOf(run1, worker, 2_000);
    await payouts.begin(p, Entries.startPayout(worker, 2_000, { entryId: `payout:${run1}:${worker}`, currency: 'EUR', createdAt: at() }));
    await payouts.finish(p, { status: 'failed', reason: 'account closed' }, Entries.failPayout(worker, 2_000, { entryId: `payout-failed:${run1}:${worker}`, currency: 'EUR', createdAt: at() }), at());
    // Finishing twice is a no-op.
    await payouts.finish(p, { status: 'failed', reason: 'account closed' }, Entries.failPayout(worker, 2_000, { entryId: `payout-failed-2:${run1}:${worker}`, currency: 'EUR', createdAt: at() }), at());
    expect((await ledger.balances([Accounts.workerAvailable(worker)]))[Accounts.workerAvailable(worker)]).toBe(2_000);
    expect(await payouts.startedPayouts(run1, 3)).toHaveLength(0);
    expect((await payouts.listPayouts(run1)).payouts[0]).toMatchObject({ status: 'failed', failureReason: 'account closed' });

    const run2 = newId('run');
    expect(await payouts.begin(payoutOf(run2, worker, 2_000), Entries.startPayout(worker, 2_000, { entryId: `payout:${run2}:${worker}`, currency: 'EUR', createdAt: at() }))).toBe(true);
    expect(await payouts.payoutsOfWorker(worker, 10)).toHaveLength(2);
  });

  it('refuses to begin a payout larger than the available balance', async () => {
    const worker = await workerWith(500);
    const runId = newId('run');
    await expect(
      payouts.begin(payoutOf(runId, worker, 600), Entries.startPayout(worker, 600, { entryId: `payout:${runId}:${worker}`, currency: 'EUR', createdAt: at() })),
    ).rejects.toMatchObject({ code: 'insufficient_funds' });
    expect((await payouts.listPayouts(runId)).payouts).toHaveLength(0);
    expect((await ledger.balances([Accounts.workerAvailable(worker)]))[Accounts.workerAvailable(worker)]).toBe(500);
  });
});
