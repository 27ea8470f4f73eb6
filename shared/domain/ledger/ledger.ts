import { validationError } from '../errors';
import type { Currency } from '../money';

/**
 * Double-entry ledger. A movement (entry) is a set of signed postings in one currency whose sum
 * is zero; an account's balance is the sum of its postings. `external` stands for the world
 * outside the platform (card payments in, bank payouts out) and is the only account allowed to
 * go negative, so Σ over all accounts is always 0.
 */
export type AccountId = string;

/** Platform-wide accounts exist once per currency: an account never mixes currencies. */
export const Accounts = {
  external: (currency: Currency): AccountId => `external:${currency}`,
  platformFees: (currency: Currency): AccountId => `platform:fees:${currency}`,
  payoutsInTransit: (currency: Currency): AccountId => `platform:payouts-in-transit:${currency}`,
  clientFunds: (orgId: string): AccountId => `client:${orgId}:funds`,
  clientEscrow: (orgId: string): AccountId => `client:${orgId}:escrow`,
  /** Approved rewards still inside the hold period: visible to the worker, not yet payable. */
  workerPending: (workerId: string): AccountId => `worker:${workerId}:pending`,
  workerAvailable: (workerId: string): AccountId => `worker:${workerId}:available`,
} as const;

/** Only the outside world may be overdrawn; every platform account is an asset or liability that stays ≥ 0. */
export const mayGoNegative = (accountId: AccountId): boolean => accountId.startsWith('external:');

export type EntryKind =
  | 'top_up'
  | 'escrow_reserve'
  | 'escrow_release'
  | 'assignment_approved'
  | 'assignment_rejected'
  | 'rejection_overturned'
  | 'approval_reversed'
  | 'payout_started'
  | 'payout_settled'
  | 'payout_failed'
  | 'bonus'
  | 'hold_released'
  | 'compensation'
  | 'subscription_fee';

export interface Posting {
  accountId: AccountId;
  /** Signed integer minor units. */
  amountMinor: number;
}

export interface LedgerEntry {
  /** Doubles as the idempotency key: posting an entry with a known id changes nothing. */
  entryId: string;
  kind: EntryKind;
  currency: Currency;
  postings: Posting[];
  memo: string;
  refs: Record<string, string>;
  createdAt: string;
}

export function assertBalanced(entry: LedgerEntry): void {
  if (entry.postings.length < 2) throw validationError('A ledger entry needs at least two postings');
  let sum = 0;
  const seen = new Set<string>();
  for (const p of entry.postings) {
    if (!Number.isSafeInteger(p.amountMinor) || p.amountMinor === 0) {
      throw validationError('Postings are non-zero integer minor units', [{ path: p.accountId, message: String(p.amountMinor) }]);
    }
    if (seen.has(p.accountId)) throw validationError(`Account ${p.accountId} appears twice in one entry`);
    seen.add(p.accountId);
    sum += p.amountMinor;
  }
  if (sum !== 0) throw validationError(`Ledger entry ${entry.entryId} is unbalanced by ${sum}`);
}

type Meta = { entryId: string; currency: Currency; createdAt: string; memo?: string; refs?: Record<string, string> };

function entry(kind: EntryKind, meta: Meta, postings: Posting[], memo: string): LedgerEntry {
  const e: LedgerEntry = {
    entryId: meta.entryId,
    kind,
    currency: meta.currency,
    postings: postings.filter((p) => p.amountMinor !== 0),
    memo: meta.memo ?? memo,
    refs: meta.refs ?? {},
    createdAt: meta.createdAt,
  };
  assertBalanced(e);
  return e;
}

function positive(amountMinor: number, what: string): void {
  if (!Number.isSafeInteger(amountMinor) || amountMinor <= 0) {
    throw validationError(`${what} must be a positive integer number of minor units`, [{ path: 'amountMinor', message: String(amountMinor) }]);
  }
}

export const Entries = {
  topUp(orgId: string, amountMinor: number, meta: Meta): LedgerEntry {
    positive(amountMinor, 'A top-up');
    return entry('top_up', meta, [
      { accountId: Accounts.external(meta.currency), amountMinor: -amountMinor },
      { accountId: Accounts.clientFunds(orgId), amountMinor },
    ], 'Top-up');
  },
  reserveEscrow(orgId: string, amountMinor: number, meta: Meta): LedgerEntry {
    positive(amountMinor, 'An escrow reservation');
    return entry('escrow_reserve', meta, [
      { accountId: Accounts.clientFunds(orgId), amountMinor: -amountMinor },
      { accountId: Accounts.clientEscrow(orgId), amountMinor },
    ], 'Escrow reserved for published microtasks');
  },
  releaseEscrow(orgId: string, amountMinor: number, meta: Meta): LedgerEntry {
    positive(amountMinor, 'An escrow release');
    return entry('escrow_release', meta, [
      { accountId: Accounts.clientEscrow(orgId), amountMinor: -amountMinor },
      { accountId: Accounts.clientFunds(orgId), amountMinor },
    ], 'Unused escrow returned');
  },
  /**
   * The reward goes to the worker, the fee to the platform, both out of the client's escrow. With a
   * hold period the reward waits in the worker's pending account until the hold is released.
   */
  approveAssignment(orgId: string, workerId: string, rewardMinor: number, feeMinor: number, meta: Meta, held = false, unusedMinor = 0): LedgerEntry {
    positive(rewardMinor, 'A reward');
    if (!Number.isSafeInteger(unusedMinor) || unusedMinor < 0) throw validationError('Unused escrow is a non-negative integer', [{ path: 'unusedMinor', message: String(unusedMinor) }]);
    // What the slot reserved beyond what the answer earns (a lower tier, bonuses not earned) goes back in the same entry.
    return entry('assignment_approved', meta, [
      { accountId: Accounts.clientEscrow(orgId), amountMinor: -(rewardMinor + feeMinor + unusedMinor) },
      { accountId: Accounts.clientFunds(orgId), amountMinor: unusedMinor },
      { accountId: held ? Accounts.workerPending(workerId) : Accounts.workerAvailable(workerId), amountMinor: rewardMinor },
      { accountId: Accounts.platformFees(meta.currency), amountMinor: feeMinor },
    ], 'Assignment approved');
  },
  /** The hold period of a reward is over: pending becomes available (and payable). */
  releaseHold(workerId: string, amountMinor: number, meta: Meta): LedgerEntry {
    positive(amountMinor, 'A released hold');
    return entry('hold_released', meta, [
      { accountId: Accounts.workerPending(workerId), amountMinor: -amountMinor },
      { accountId: Accounts.workerAvailable(workerId), amountMinor },
    ], 'Hold period over: reward available');
  },
  /**
   * A bonus on top of a reward, with the platform fee on it like any reward: out of the client's
   * funds when paid by hand, out of escrow when a project rule pays it (it was reserved with the slot).
   */
  bonus(orgId: string, workerId: string, bonusMinor: number, feeMinor: number, reason: string, meta: Meta, source: 'funds' | 'escrow' = 'funds'): LedgerEntry {
    positive(bonusMinor, 'A bonus');
    return entry('bonus', { ...meta, memo: reason }, [
      { accountId: source === 'funds' ? Accounts.clientFunds(orgId) : Accounts.clientEscrow(orgId), amountMinor: -(bonusMinor + feeMinor) },
      { accountId: Accounts.workerAvailable(workerId), amountMinor: bonusMinor },
      { accountId: Accounts.platformFees(meta.currency), amountMinor: feeMinor },
    ], reason);
  },
  /** A month of a client's subscription, out of its funds into platform income. */
  subscriptionFee(orgId: string, amountMinor: number, meta: Meta): LedgerEntry {
    positive(amountMinor, 'A subscription fee');
    return entry('subscription_fee', meta, [
      { accountId: Accounts.clientFunds(orgId), amountMinor: -amountMinor },
      { accountId: Accounts.platformFees(meta.currency), amountMinor },
    ], 'Subscription: one month');
  },
  /** The platform pays a worker without an assignment (an outage, an overturned decision): out of its fee income. */
  compensation(workerId: string, amountMinor: number, reason: string, meta: Meta): LedgerEntry {
    positive(amountMinor, 'A compensation');
    return entry('compensation', { ...meta, memo: reason }, [
      { accountId: Accounts.platformFees(meta.currency), amountMinor: -amountMinor },
      { accountId: Accounts.workerAvailable(workerId), amountMinor },
    ], reason);
  },
  /** A rejected answer is unpaid: its reserved reward and fee go back to the client. */
  rejectAssignment(orgId: string, amountMinor: number, meta: Meta): LedgerEntry {
    positive(amountMinor, 'A released slot');
    return entry('assignment_rejected', meta, [
      { accountId: Accounts.clientEscrow(orgId), amountMinor: -amountMinor },
      { accountId: Accounts.clientFunds(orgId), amountMinor },
    ], 'Assignment rejected: reward returned to the client');
  },
  /**
   * An appeal overturned a rejection: the reward and its fee come out of the client's funds (the
   * rejection had returned the escrow), straight to the worker's available balance.
   */
  overturnRejection(orgId: string, workerId: string, rewardMinor: number, feeMinor: number, meta: Meta): LedgerEntry {
    positive(rewardMinor, 'A reward');
    return entry('rejection_overturned', meta, [
      { accountId: Accounts.clientFunds(orgId), amountMinor: -(rewardMinor + feeMinor) },
      { accountId: Accounts.workerAvailable(workerId), amountMinor: rewardMinor },
      { accountId: Accounts.platformFees(meta.currency), amountMinor: feeMinor },
    ], 'Rejection overturned on appeal: reward paid');
  },
  /** An approval still in its hold period is reversed (gold policy): reward and fee go back to the client's funds. */
  reverseHeldApproval(orgId: string, workerId: string, rewardMinor: number, feeMinor: number, meta: Meta): LedgerEntry {
    positive(rewardMinor, 'A reversed reward');
    return entry('approval_reversed', meta, [
      { accountId: Accounts.workerPending(workerId), amountMinor: -rewardMinor },
      { accountId: Accounts.platformFees(meta.currency), amountMinor: -feeMinor },
      { accountId: Accounts.clientFunds(orgId), amountMinor: rewardMinor + feeMinor },
    ], 'Held reward reversed: the work was rejected after approval');
  },
  startPayout(workerId: string, amountMinor: number, meta: Meta): LedgerEntry {
    positive(amountMinor, 'A payout');
    return entry('payout_started', meta, [
      { accountId: Accounts.workerAvailable(workerId), amountMinor: -amountMinor },
      { accountId: Accounts.payoutsInTransit(meta.currency), amountMinor },
    ], 'Payout sent to the payment provider');
  },
  settlePayout(workerId: string, amountMinor: number, meta: Meta): LedgerEntry {
    positive(amountMinor, 'A payout');
    return entry('payout_settled', meta, [
      { accountId: Accounts.payoutsInTransit(meta.currency), amountMinor: -amountMinor },
      { accountId: Accounts.external(meta.currency), amountMinor },


    ], `Payout to worker ${workerId} settled`);
  },
  failPayout(workerId: string, amountMinor: number, meta: Meta): LedgerEntry {
    positive(amountMinor, 'A payout');
    return entry('payout_failed', meta, [
      { accountId: Accounts.payoutsInTransit(meta.currency), amountMinor: -amountMinor },
      { accountId: Accounts.workerAvailable(workerId), amountMinor },
    ], 'Payout failed: funds returned to available');
  },
};

/** The ledger as the use cases need it. Adapters guarantee atomicity, idempotency and no overdraft. */
export interface LedgerPort {
  /** Applies the entry atomically; `applied: false` when an entry with this id was already posted. Throws `insufficient_funds` (precondition) on overdraft. */
  post(entry: LedgerEntry): Promise<{ applied: boolean }>;
  balances(accountIds: AccountId[]): Promise<Record<AccountId, number>>;
}
