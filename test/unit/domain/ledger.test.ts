import { describe, expect, it } from 'vitest';
import { DomainError } from '../../../shared/domain/errors';
import { Accounts, assertBalanced, Entries, mayGoNegative, type LedgerEntry } from '../../../shared/domain/ledger/ledger';
import { feeOn } from '../../../shared/domain/money';
import { escrowFor } from '../../../shared/domain/marketplace/project';

const meta = { entryId: 'e1', currency: 'EUR' as const, createdAt: '2025-01-01T00:00:00.000Z' };
const sum = (e: LedgerEntry) => e.postings.reduce((s, p) => s + p.amountMinor, 0);
const byAccount = (e: LedgerEntry) => Object.fromEntries(e.postings.map((p) => [p.accountId, p.amountMinor]));

function validationOf(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(DomainError);
    expect((e as DomainError).kind).toBe('validation');
    return e as DomainError;
  }
  throw new Error('expected a validation error');
}

describe('feeOn', () => {
  it('rounds half up to a whole minor unit', () => {
    expect(feeOn(1000, 1000)).toBe(100); // exact
    expect(feeOn(5, 1000)).toBe(1); // 0.5 → 1
    expect(feeOn(4, 1000)).toBe(0); // 0.4 → 0
    expect(feeOn(15, 1000)).toBe(2); // 1.5 → 2
    expect(feeOn(14, 1000)).toBe(1); // 1.4 → 1
    expect(feeOn(25, 250)).toBe(1); // 0.625 → 1
    expect(feeOn(19, 250)).toBe(0); // 0.475 → 0
    expect(feeOn(1234, 0)).toBe(0);
    expect(feeOn(1234, 10_000)).toBe(1234);
  });

  it('returns integers only', () => {
    for (let a = 0; a < 300; a++) expect(Number.isInteger(feeOn(a, 333))).toBe(true);
  });

  it('rejects non-integer amounts and out-of-range fees', () => {
    validationOf(() => feeOn(10.5, 1000));
    validationOf(() => feeOn(100, -1));
    validationOf(() => feeOn(100, 10_001));
    validationOf(() => feeOn(100, 12.5));
  });
});

describe('escrowFor', () => {
  it('is (reward + fee) × redundancy × microtasks', () => {
    // reward 15, 10 % fee → 1.5 rounds to 2, so 17 per answer.
    expect(escrowFor({ rewardMinor: 15, feeBasisPoints: 1000, redundancy: 3 }, 4)).toBe(17 * 3 * 4);
    expect(escrowFor({ rewardMinor: 100, feeBasisPoints: 1000, redundancy: 1 }, 1)).toBe(110);
    expect(escrowFor({ rewardMinor: 100, feeBasisPoints: 1000, redundancy: 5 }, 0)).toBe(0);
  });

  it('rejects a fractional or negative microtask count', () => {
    validationOf(() => escrowFor({ rewardMinor: 100, feeBasisPoints: 1000, redundancy: 1 }, 1.5));
    validationOf(() => escrowFor({ rewardMinor: 100, feeBasisPoints: 1000, redundancy: 1 }, -1));
  });
});

describe('Entries', () => {
  const all: [string, () => LedgerEntry][] = [
    ['topUp', () => Entries.topUp('o', 500, meta)],
    ['reserveEscrow', () => Entries.reserveEscrow('o', 500, meta)],
    ['releaseEscrow', () => Entries.releaseEscrow('o', 500, meta)],
    ['approveAssignment', () => Entries.approveAssignment('o', 'w', 100, 10, meta)],
    ['rejectAssignment', () => Entries.rejectAssignment('o', 110, meta)],
    ['startPayout', () => Entries.startPayout('w', 500, meta)],
    ['settlePayout', () => Entries.settlePayout('w', 500, meta)],
    ['failPayout', () => Entries.failPayout('w', 500, meta)],
    ['bonus', () => Entries.bonus('o', 'w', 500, 50, 'Great work', meta)],
    ['compensation', () => Entries.compensation('w', 200, 'Outage', meta)],
    ['overturnRejection', () => Entries.overturnRejection('o', 'w', 100, 10, meta)],
    ['reverseHeldApproval', () => Entries.reverseHeldApproval('o', 'w', 100, 10, meta)],
  ];

  it.each(all)('%s is balanced and carries the meta', (_name, make) => {
    const e = make();
    expect(sum(e)).toBe(0);
    expect(e.postings.length).toBeGreaterThanOrEqual(2);
    expect(e.entryId).toBe('e1');
    expect(e.currency).toBe('EUR');
    expect(e.createdAt).toBe(meta.createdAt);
    expect(() => assertBalanced(e)).not.toThrow();
  });

  it('moves money between the right accounts', () => {
    expect(byAccount(Entries.topUp('o', 500, meta))).toEqual({ [Accounts.external('EUR')]: -500, [Accounts.clientFunds('o')]: 500 });
    expect(byAccount(Entries.reserveEscrow('o', 500, meta))).toEqual({ [Accounts.clientFunds('o')]: -500, [Accounts.clientEscrow('o')]: 500 });
    expect(byAccount(Entries.rejectAssignment('o', 110, meta))).toEqual({ [Accounts.clientEscrow('o')]: -110, [Accounts.clientFunds('o')]: 110 });
    expect(byAccount(Entries.startPayout('w', 500, meta))).toEqual({ [Accounts.workerAvailable('w')]: -500, [Accounts.payoutsInTransit('EUR')]: 500 });
    expect(byAccount(Entries.settlePayout('w', 500, meta))).toEqual({ [Accounts.payoutsInTransit('EUR')]: -500, [Accounts.external('EUR')]: 500 });
    expect(byAccount(Entries.failPayout('w', 500, meta))).toEqual({ [Accounts.payoutsInTransit('EUR')]: -500, [Accounts.workerAvailable('w')]: 500 });
  });

  it('bonus comes out of client funds with the fee on top, compensation out of platform fees; both carry the reason', () => {
    const b = Entries.bonus('o', 'w', 500, 50, 'Great work', meta);
    expect(b.kind).toBe('bonus');
    expect(b.memo).toBe('Great work');
    expect(byAccount(b)).toEqual({ [Accounts.clientFunds('o')]: -550, [Accounts.workerAvailable('w')]: 500, [Accounts.platformFees('EUR')]: 50 });
    const c = Entries.compensation('w', 200, 'Outage', meta);
    expect(c.memo).toBe('Outage');
    expect(byAccount(c)).toEqual({ [Accounts.platformFees('EUR')]: -200, [Accounts.workerAvailable('w')]: 200 });
    expect(() => Entries.bonus('o', 'w', 0, 0, 'x', meta)).toThrow(DomainError);
    expect(() => Entries.compensation('w', -5, 'x', meta)).toThrow(DomainError);
  });

  it('approveAssignment splits reward and fee out of escrow', () => {
    const e = Entries.approveAssignment('o', 'w', 100, 10, meta);
    expect(e.kind).toBe('assignment_approved');
    expect(byAccount(e)).toEqual({
      [Accounts.clientEscrow('o')]: -110,
      [Accounts.workerAvailable('w')]: 100,
      [Accounts.platformFees('EUR')]: 10,
    });
  });

  it('approveAssignment with a zero fee drops the empty fee posting', () => {
    const e = Entries.approveAssignment('o', 'w', 100, 0, meta);
    expect(byAccount(e)).toEqual({ [Accounts.clientEscrow('o')]: -100, [Accounts.workerAvailable('w')]: 100 });
  });

  it.each([0, -1, 1.5, Number.NaN, Number.MAX_SAFE_INTEGER + 1])('rejects amount %s', (amount) => {
    validationOf(() => Entries.topUp('o', amount, meta));
    validationOf(() => Entries.reserveEscrow('o', amount, meta));
    validationOf(() => Entries.releaseEscrow('o', amount, meta));
    validationOf(() => Entries.approveAssignment('o', 'w', amount, 10, meta));
    validationOf(() => Entries.rejectAssignment('o', amount, meta));
    validationOf(() => Entries.startPayout('w', amount, meta));
    validationOf(() => Entries.settlePayout('w', amount, meta));
    validationOf(() => Entries.failPayout('w', amount, meta));
  });

  it('rejects a fractional fee on approval', () => {
    validationOf(() => Entries.approveAssignment('o', 'w', 100, 0.5, meta));
  });
});

describe('Entries after a decision', () => {
  it('pays an overturned rejection out of the client funds (the rejection returned the escrow), reward to available, fee to the platform', () => {
    expect(byAccount(Entries.overturnRejection('o', 'w', 100, 10, meta))).toEqual({ [Accounts.clientFunds('o')]: -110, [Accounts.workerAvailable('w')]: 100, [Accounts.platformFees('EUR')]: 10 });
  });

  it('reverses a held approval: the pending reward and its fee go back to the client funds', () => {
    expect(byAccount(Entries.reverseHeldApproval('o', 'w', 100, 10, meta))).toEqual({ [Accounts.workerPending('w')]: -100, [Accounts.platformFees('EUR')]: -10, [Accounts.clientFunds('o')]: 110 });
  });
});

describe('assertBalanced', () => {
  const base = (postings: LedgerEntry['postings']): LedgerEntry => ({ ...meta, kind: 'top_up', memo: '', refs: {}, postings });

  it('accepts a balanced entry', () => {
    expect(() => assertBalanced(base([{ accountId: 'a', amountMinor: -3 }, { accountId: 'b', amountMinor: 1 }, { accountId: 'c', amountMinor: 2 }]))).not.toThrow();
  });

  it('catches an unbalanced entry', () => {
    const e = validationOf(() => assertBalanced(base([{ accountId: 'a', amountMinor: -3 }, { accountId: 'b', amountMinor: 2 }])));
    expect(e.message).toMatch(/unbalanced by -1/);
  });

  it('catches an account that appears twice', () => {
    const e = validationOf(() =>
      assertBalanced(base([{ accountId: 'a', amountMinor: -2 }, { accountId: 'b', amountMinor: 1 }, { accountId: 'b', amountMinor: 1 }])),
    );
    expect(e.message).toMatch(/appears twice/);
  });

  it('catches zero, fractional postings and single-posting entries', () => {
    validationOf(() => assertBalanced(base([{ accountId: 'a', amountMinor: 0 }, { accountId: 'b', amountMinor: 0 }])));
    validationOf(() => assertBalanced(base([{ accountId: 'a', amountMinor: -0.5 }, { accountId: 'b', amountMinor: 0.5 }])));
    validationOf(() => assertBalanced(base([{ accountId: 'a', amountMinor: 0 }])));
  });
});

describe('mayGoNegative', () => {
  it('allows only the external account', () => {
    expect(mayGoNegative(Accounts.external('EUR'))).toBe(true);
    for (const a of [Accounts.platformFees('EUR'), Accounts.payoutsInTransit('EUR'), Accounts.clientFunds('o'), Accounts.clientEscrow('o'), Accounts.workerAvailable('w')]) {
      expect(mayGoNegative(a)).toBe(false);
    }
  });
});
