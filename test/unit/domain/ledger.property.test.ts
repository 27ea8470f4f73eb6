import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DomainError, precondition } from '../../../shared/domain/errors';
import { Accounts, assertBalanced, Entries, mayGoNegative, type AccountId, type LedgerEntry } from '../../../shared/domain/ledger/ledger';
import type { Currency } from '../../../shared/domain/money';

/**
 * An in-memory ledger with DynamoLedger's rules: an entry is applied whole or not at all, a known
 * entry id changes nothing, a currency never mixes on one account, and only `external` may go
 * negative (a debit needs `balance >= amount`).
 */
class MemoryLedger {
  readonly balances = new Map<AccountId, number>();
  readonly currencies = new Map<AccountId, Currency>();
  readonly posted = new Map<string, LedgerEntry>();

  post(entry: LedgerEntry): { applied: boolean } {
    assertBalanced(entry);
    if (this.posted.has(entry.entryId)) return { applied: false };
    const overdrawn: string[] = [];
    for (const p of entry.postings) {
      const cur = this.currencies.get(p.accountId);
      const bal = this.balances.get(p.accountId) ?? 0;
      if (cur !== undefined && cur !== entry.currency) overdrawn.push(p.accountId);
      else if (p.amountMinor < 0 && !mayGoNegative(p.accountId) && bal < -p.amountMinor) overdrawn.push(p.accountId);
    }
    if (overdrawn.length) throw precondition('insufficient_funds', `Not enough funds in ${overdrawn.join(', ')}`, { accounts: overdrawn });
    for (const p of entry.postings) {
      this.balances.set(p.accountId, (this.balances.get(p.accountId) ?? 0) + p.amountMinor);
      if (!this.currencies.has(p.accountId)) this.currencies.set(p.accountId, entry.currency);
    }
    this.posted.set(entry.entryId, entry);
    return { applied: true };
  }

  balance(a: AccountId): number {
    return this.balances.get(a) ?? 0;
  }

  snapshot(): Record<string, number> {
    return Object.fromEntries([...this.balances.entries()].sort(([a], [b]) => a.localeCompare(b)));
  }
}

const ORGS = ['o1', 'o2'];
const WORKERS = ['w1', 'w2', 'w3'];
const amount = fc.integer({ min: 1, max: 5_000 });

type Op =
  | { op: 'topUp'; org: string; amount: number }
  | { op: 'reserve'; org: string; amount: number }
  | { op: 'release'; org: string; amount: number }
  | { op: 'approve'; org: string; worker: string; reward: number; fee: number }
  | { op: 'reject'; org: string; amount: number }
  | { op: 'startPayout'; worker: string; amount: number }
  | { op: 'settle'; worker: string; amount: number }
  | { op: 'fail'; worker: string; amount: number }
  | { op: 'bonus'; org: string; worker: string; bonus: number; fee: number }
  | { op: 'compensate'; worker: string; amount: number }
  | { op: 'replay'; index: number };

const org = fc.constantFrom(...ORGS);
const worker = fc.constantFrom(...WORKERS);
const opArb: fc.Arbitrary<Op> = fc.oneof(
  // Top-ups weigh more so that later operations usually have money to move.
  { arbitrary: fc.record({ op: fc.constant('topUp' as const), org, amount: fc.integer({ min: 1, max: 50_000 }) }), weight: 3 },
  fc.record({ op: fc.constant('reserve' as const), org, amount }),
  fc.record({ op: fc.constant('release' as const), org, amount }),
  fc.record({ op: fc.constant('approve' as const), org, worker, reward: amount, fee: fc.integer({ min: 0, max: 500 }) }),
  fc.record({ op: fc.constant('reject' as const), org, amount }),
  fc.record({ op: fc.constant('startPayout' as const), worker, amount }),
  fc.record({ op: fc.constant('settle' as const), worker, amount }),
  fc.record({ op: fc.constant('fail' as const), worker, amount }),
  fc.record({ op: fc.constant('bonus' as const), org, worker, bonus: amount, fee: fc.integer({ min: 0, max: 500 }) }),
  fc.record({ op: fc.constant('compensate' as const), worker, amount: fc.integer({ min: 1, max: 300 }) }),
  fc.record({ op: fc.constant('replay' as const), index: fc.nat() }),
);

function toEntry(o: Exclude<Op, { op: 'replay' }>, i: number): LedgerEntry {
  const meta = { entryId: `e${i}`, currency: 'EUR' as const, createdAt: new Date(Date.UTC(2025, 0, 1) + i * 1000).toISOString() };
  switch (o.op) {
    case 'topUp':
      return Entries.topUp(o.org, o.amount, meta);
    case 'reserve':
      return Entries.reserveEscrow(o.org, o.amount, meta);
    case 'release':
      return Entries.releaseEscrow(o.org, o.amount, meta);
    case 'approve':
      return Entries.approveAssignment(o.org, o.worker, o.reward, o.fee, meta);
    case 'reject':
      return Entries.rejectAssignment(o.org, o.amount, meta);
    case 'startPayout':
      return Entries.startPayout(o.worker, o.amount, meta);
    case 'settle':
      return Entries.settlePayout(o.worker, o.amount, meta);
    case 'fail':
      return Entries.failPayout(o.worker, o.amount, meta);
    case 'bonus':
      return Entries.bonus(o.org, o.worker, o.bonus, o.fee, 'bonus', meta);
    case 'compensate':
      return Entries.compensation(o.worker, o.amount, 'compensation', meta);
  }
}

function checkInvariants(ledger: MemoryLedger) {
  let total = 0;
  for (const [account, balance] of ledger.balances) {
    expect(Number.isSafeInteger(balance)).toBe(true);
    total += balance;
    if (!mayGoNegative(account)) expect(balance, account).toBeGreaterThanOrEqual(0);
  }
  expect(total).toBe(0);
}

const stats = { applied: 0, refused: 0 };

describe('ledger invariants under random operations', () => {
  it('keeps Σ balances = 0, no platform account negative, and replays change nothing', () => {
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 1, maxLength: 80, size: 'max' }), (ops) => {
        const ledger = new MemoryLedger();
        const applied: LedgerEntry[] = [];
        let refused = 0;
        ops.forEach((o, i) => {
          const before = ledger.snapshot();
          if (o.op === 'replay') {
            const e = applied[o.index % Math.max(applied.length, 1)];
            if (!e) return;
            expect(ledger.post(e)).toEqual({ applied: false });
            expect(ledger.snapshot()).toEqual(before);
          } else {
            const e = toEntry(o, i);
            try {
              expect(ledger.post(e)).toEqual({ applied: true });
              applied.push(e);
              // Posting the same entry again right away is a no-op too.
              const after = ledger.snapshot();
              expect(ledger.post(e)).toEqual({ applied: false });
              expect(ledger.snapshot()).toEqual(after);
            } catch (err) {
              expect(err).toBeInstanceOf(DomainError);
              expect((err as DomainError).code).toBe('insufficient_funds');
              expect(ledger.snapshot()).toEqual(before);
              refused++;
            }
          }
          checkInvariants(ledger);
        });
        stats.applied += applied.length;
        stats.refused += refused;
        // Money conservation by account family: what came in from outside is somewhere inside or went back out.
        const external = ledger.balance(Accounts.external('EUR'));
        const inside = [...ledger.balances.entries()].filter(([a]) => a !== Accounts.external('EUR')).reduce((s, [, b]) => s + b, 0);
        expect(inside + external).toBe(0);
        // The fee account holds exactly the fees of the approvals and bonuses that went through, less the compensations it paid.
        const feeOf = (e: LedgerEntry) => e.postings.find((p) => p.accountId === Accounts.platformFees('EUR'))?.amountMinor ?? 0;
        const fees = applied.filter((e) => ['assignment_approved', 'bonus', 'compensation'].includes(e.kind)).reduce((s, e) => s + feeOf(e), 0);
        expect(applied.filter((e) => e.kind === 'compensation').every((e) => feeOf(e) < 0)).toBe(true);
        expect(ledger.balance(Accounts.platformFees('EUR'))).toBe(fees);
        expect(applied.length + refused).toBeLessThanOrEqual(ops.length);
      }),
      { numRuns: 300 },
    );
    // The generator must exercise both paths, or the property says little.
    expect(stats.applied).toBeGreaterThan(1000);
    expect(stats.refused).toBeGreaterThan(100);
    // 300 runs of up to a few hundred operations: seconds on an idle machine, more on a busy CI runner.
  }, 60_000);

  it('refuses an overdraft whatever the amount, and accepts it once funded', () => {
    fc.assert(
      fc.property(amount, amount, (funded, wanted) => {
        const ledger = new MemoryLedger();
        ledger.post(Entries.topUp('o', funded, { entryId: 't', currency: 'EUR', createdAt: '2025-01-01T00:00:00.000Z' }));
        const reserve = Entries.reserveEscrow('o', wanted, { entryId: 'r', currency: 'EUR', createdAt: '2025-01-01T00:00:01.000Z' });
        if (wanted > funded) {
          expect(() => ledger.post(reserve)).toThrow(expect.objectContaining({ code: 'insufficient_funds' }));
          expect(ledger.balance(Accounts.clientFunds('o'))).toBe(funded);
        } else {
          expect(ledger.post(reserve)).toEqual({ applied: true });
          expect(ledger.balance(Accounts.clientFunds('o'))).toBe(funded - wanted);
          expect(ledger.balance(Accounts.clientEscrow('o'))).toBe(wanted);
        }
        checkInvariants(ledger);
      }),
    );
  });
});
