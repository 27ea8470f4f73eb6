import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Keys } from '../../shared/adapters/dynamodb/table-design';
import { newId } from '../../shared/adapters/ids';
import { sandboxPayouts, SANDBOX_UNKNOWN_RECIPIENT_DOMAIN } from '../../shared/adapters/sandbox-providers';
import type { Deps } from '../../shared/app/deps';
import { completePayoutRunUseCase, earningsUseCase, getPayoutMethodUseCase, payShardUseCase, preparePayoutRunUseCase, setPayoutMethodUseCase } from '../../shared/app/money';
import { Entries } from '../../shared/domain/ledger/ledger';
import type { PayoutMethod } from '../../shared/domain/payouts/payout-method';
import type { PayoutProvider } from '../../shared/domain/payouts/payouts';
import { makeDeps } from '../support/deps';
import { startDynamo, type LocalDynamo } from '../support/emulators';

/**
 * Payout details are sealed at rest, shown masked, verified with the provider, and a payout run pays
 * only verified destinations: the others keep their balance and the run report says why.
 */
let dynamo: LocalDynamo;
let deps: Deps;
let table: string;
const sent: { workerId: string; amountMinor: number; destination: PayoutMethod }[] = [];

beforeAll(async () => {
  dynamo = await startDynamo();
  table = await dynamo.createTable();
  const recording: PayoutProvider = {
    verifyRecipient: (m) => sandboxPayouts.verifyRecipient(m),
    async send(req) {
      sent.push({ workerId: req.workerId, amountMinor: req.amountMinor, destination: req.destination });
      return sandboxPayouts.send(req);
    },
  };
  deps = makeDeps(dynamo.client, table, { payoutProvider: recording });
});

afterAll(async () => {
  await dynamo?.stop();
});

async function credit(workerId: string, amountMinor: number) {
  // A client's subscription gives the platform fee income; a compensation moves it to the worker.
  const orgId = newId('org');
  const meta = { currency: 'EUR' as const, createdAt: deps.now() };
  await deps.ledger.post(Entries.topUp(orgId, amountMinor, { ...meta, entryId: newId('t') }));
  await deps.ledger.post(Entries.subscriptionFee(orgId, amountMinor, { ...meta, entryId: newId('s') }));
  await deps.ledger.post(Entries.compensation(workerId, amountMinor, 'test credit', { ...meta, entryId: newId('c') }));
}

async function payoutRun() {
  const { runId, shards } = await preparePayoutRunUseCase(deps, { trigger: 'admin' });
  for (const s of shards) {
    for (let r = await payShardUseCase(deps, s); !r.done; r = await payShardUseCase(deps, { ...s, ...r })) {
      // a shard with more than one page loops, as the state machine's Choice does
    }
  }
  return (await completePayoutRunUseCase(deps, { runId })).report;
}

describe('payout method', () => {
  it('stores the details sealed and returns them masked only', async () => {
    const worker = newId('w');
    const view = await setPayoutMethodUseCase(deps, worker, { type: 'iban', iban: 'de89 3704 0044 0532 0130 00', holderName: 'Ada Lovelace' });
    expect(view).toMatchObject({ methodType: 'iban', masked: 'DE** **** 3000', verification: { status: 'verified' } });
    expect(JSON.stringify(view)).not.toContain('370400440532');
    expect(await getPayoutMethodUseCase(deps, worker)).toEqual(view);
    const raw = (await dynamo.client.send(new GetCommand({ TableName: table, Key: Keys.payoutMethod(worker) }))).Item!;
    expect(JSON.stringify(raw)).not.toMatch(/370400440532|Lovelace/);
    expect(raw.sealed).toMatchObject({ v: 1, wrappedKey: expect.any(String), ciphertext: expect.any(String) });
  });

  it('refuses malformed details with a 400 naming the field, and stores nothing', async () => {
    const worker = newId('w');
    await expect(setPayoutMethodUseCase(deps, worker, { type: 'iban', iban: 'DE89 3704 0044 0532 0130 01', holderName: 'X' })).rejects.toMatchObject({
      kind: 'validation',
      code: 'invalid_payout_method',
      details: { issues: [{ path: 'iban' }] },
    });
    await expect(setPayoutMethodUseCase(deps, worker, { type: 'paypal', email: 'not-an-address' })).rejects.toMatchObject({ details: { issues: [{ path: 'email' }] } });
    await expect(getPayoutMethodUseCase(deps, worker)).rejects.toMatchObject({ kind: 'not_found' });
  });

  it('pays only verified destinations; the others keep their balance and the report says why', async () => {
    const [noMethod, rejected, verified] = [newId('w'), newId('w'), newId('w')];
    for (const w of [noMethod, rejected, verified]) await credit(w, 1_500);
    const refused = await setPayoutMethodUseCase(deps, rejected, { type: 'paypal', email: `someone@${SANDBOX_UNKNOWN_RECIPIENT_DOMAIN}` });
    expect(refused.verification).toMatchObject({ status: 'rejected', reason: expect.stringContaining('No account') });
    await setPayoutMethodUseCase(deps, verified, { type: 'paypal', email: 'Grace@Example.com' });

    const first = await payoutRun();
    expect(first).toMatchObject({ paid: 1, paidMinor: 1_500, skipped: 2, skippedMinor: 3_000 });
    expect(first.skips).toEqual(
      expect.arrayContaining([
        { workerId: noMethod, reason: 'no_payout_method', amountMinor: 1_500 },
        { workerId: rejected, reason: 'payout_method_not_verified', amountMinor: 1_500 },
      ]),
    );
    // The provider got the details in clear, and only for the verified worker.
    expect(sent).toEqual([{ workerId: verified, amountMinor: 1_500, destination: { type: 'paypal', email: 'grace@example.com' } }]);
    expect((await earningsUseCase(deps, noMethod)).balances.availableMinor).toBe(1_500);
    expect((await earningsUseCase(deps, noMethod)).recentPayouts).toEqual([expect.objectContaining({ status: 'skipped', skipReason: 'no_payout_method', amountMinor: 1_500 })]);

    // Once the reason is gone, the next run pays; the verified worker is not paid again.
    await setPayoutMethodUseCase(deps, noMethod, { type: 'iban', iban: 'NL91ABNA0417164300', holderName: 'Edsger Dijkstra' });
    const second = await payoutRun();
    expect(second).toMatchObject({ paid: 1, paidMinor: 1_500, skipped: 1 });
    expect(sent.at(-1)).toEqual({ workerId: noMethod, amountMinor: 1_500, destination: { type: 'iban', iban: 'NL91ABNA0417164300', holderName: 'Edsger Dijkstra' } });
    expect((await earningsUseCase(deps, noMethod)).balances).toMatchObject({ availableMinor: 0, paidMinor: 1_500 });
  });
});
