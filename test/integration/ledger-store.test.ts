import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoLedger } from '../../shared/adapters/dynamodb/ledger-store';
import { DomainError } from '../../shared/domain/errors';
import { Accounts, Entries } from '../../shared/domain/ledger/ledger';
import { startDynamo, type LocalDynamo } from '../support/emulators';

let dynamo: LocalDynamo;
let ledger: DynamoLedger;
let n = 0;
const meta = (entryId: string, currency: 'EUR' | 'USD' = 'EUR') => ({ entryId, currency, createdAt: new Date(Date.UTC(2025, 0, 1) + ++n * 1000).toISOString() });
const uniq = (p: string) => `${p}-${Date.now().toString(36)}-${++n}`;

beforeAll(async () => {
  dynamo = await startDynamo();
  ledger = new DynamoLedger(dynamo.client, await dynamo.createTable());
});

afterAll(async () => {
  await dynamo?.stop();
});

describe('DynamoLedger', () => {
  it('posts an entry and reads the balances back', async () => {
    const org = uniq('org');
    expect(await ledger.post(Entries.topUp(org, 1_000, meta(uniq('t'))))).toEqual({ applied: true });
    expect(await ledger.post(Entries.reserveEscrow(org, 300, meta(uniq('r'))))).toEqual({ applied: true });
    const b = await ledger.balances([Accounts.clientFunds(org), Accounts.clientEscrow(org), Accounts.workerAvailable(uniq('nobody'))]);
    expect(b[Accounts.clientFunds(org)]).toBe(700);
    expect(b[Accounts.clientEscrow(org)]).toBe(300);
    // An account that never moved reads as zero.
    expect(Object.values(b)).toContain(0);
  });

  it('is idempotent on the entry id: a replay is applied: false and changes nothing', async () => {
    const org = uniq('org');
    const entry = Entries.topUp(org, 500, meta(uniq('t')));
    expect(await ledger.post(entry)).toEqual({ applied: true });
    const before = await ledger.balances([Accounts.clientFunds(org), Accounts.external('EUR')]);
    expect(await ledger.post(entry)).toEqual({ applied: false });
    // Same id with a different body is still the same entry.
    expect(await ledger.post(Entries.topUp(org, 9_999, { ...meta(entry.entryId) }))).toEqual({ applied: false });
    expect(await ledger.balances([Accounts.clientFunds(org), Accounts.external('EUR')])).toEqual(before);
    expect(before[Accounts.clientFunds(org)]).toBe(500);
  });

  it('refuses an overdraft with insufficient_funds and changes nothing (atomically)', async () => {
    const org = uniq('org');
    const worker = uniq('w');
    await ledger.post(Entries.topUp(org, 1_000, meta(uniq('t'))));
    await ledger.post(Entries.reserveEscrow(org, 100, meta(uniq('r'))));
    const accounts = [Accounts.clientFunds(org), Accounts.clientEscrow(org), Accounts.workerAvailable(worker), Accounts.platformFees('EUR')];
    const before = await ledger.balances(accounts);

    const overReserve = Entries.reserveEscrow(org, 901, meta(uniq('r')));
    const e1 = await ledger.post(overReserve).catch((e: unknown) => e);
    expect(e1).toBeInstanceOf(DomainError);
    expect(e1).toMatchObject({ kind: 'precondition', code: 'insufficient_funds' });
    expect((e1 as DomainError).details).toMatchObject({ accounts: [Accounts.clientFunds(org)] });

    // Approving more than the escrow holds must not credit the worker or the platform either.
    const overApprove = Entries.approveAssignment(org, worker, 95, 10, meta(uniq('a')));
    await expect(ledger.post(overApprove)).rejects.toMatchObject({ code: 'insufficient_funds' });
    expect(await ledger.balances(accounts)).toEqual(before);

    // The refused entry was not recorded: once funded, the same id posts.
    await ledger.post(Entries.topUp(org, 1, meta(uniq('t'))));
    expect(await ledger.post(overReserve)).toEqual({ applied: true });
    expect((await ledger.balances([Accounts.clientFunds(org)]))[Accounts.clientFunds(org)]).toBe(0);
  });

  it('refuses to mix currencies on one account and changes nothing', async () => {
    const org = uniq('org');
    await ledger.post(Entries.topUp(org, 1_000, meta(uniq('t'), 'EUR')));
    const before = await ledger.balances([Accounts.clientFunds(org), Accounts.clientEscrow(org)]);
    await expect(ledger.post(Entries.reserveEscrow(org, 100, meta(uniq('r'), 'USD')))).rejects.toBeInstanceOf(DomainError);
    expect(await ledger.balances([Accounts.clientFunds(org), Accounts.clientEscrow(org)])).toEqual(before);
  });

  it('never over-reserves under concurrent posts', async () => {
    const org = uniq('org');
    await ledger.post(Entries.topUp(org, 1_000, meta(uniq('t'))));
    const results = await Promise.allSettled(Array.from({ length: 10 }, () => ledger.post(Entries.reserveEscrow(org, 300, meta(uniq('r'))))));
    const ok = results.filter((r) => r.status === 'fulfilled').length;
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(DomainError);
    const b = await ledger.balances([Accounts.clientFunds(org), Accounts.clientEscrow(org)]);
    expect(ok).toBe(3);
    expect(b[Accounts.clientEscrow(org)]).toBe(900);
    expect(b[Accounts.clientFunds(org)]).toBe(100);
  });
});

describe('DynamoLedger with more than one currency', () => {
  // Every currency's money enters through the one `external` account (and fees collect in one
  // `platform:fees`), but an account is pinned to the first currency it sees. So once any client
  // has topped up in EUR, a USD top-up by another client is refused.
  it('accepts a USD top-up for one client after a EUR top-up for another', async () => {
    await ledger.post(Entries.topUp(uniq('eur-org'), 1_000, meta(uniq('t'), 'EUR')));
    const usdOrg = uniq('usd-org');
    expect(await ledger.post(Entries.topUp(usdOrg, 1_000, meta(uniq('t'), 'USD')))).toEqual({ applied: true });
    expect((await ledger.balances([Accounts.clientFunds(usdOrg)]))[Accounts.clientFunds(usdOrg)]).toBe(1_000);
  });
});
