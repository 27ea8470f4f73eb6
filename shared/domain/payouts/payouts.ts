import type { Currency } from '../money';
import type { PayoutMethod, PayoutSkipReason } from './payout-method';

/** `skipped`: the worker had a payable balance but no verified payout method; nothing moved. */
export type PayoutStatus = 'started' | 'paid' | 'failed' | 'skipped';

export interface Payout {
  runId: string;
  workerId: string;
  amountMinor: number;
  currency: Currency;
  status: PayoutStatus;
  shard: number;
  providerRef?: string;
  failureReason?: string;
  skipReason?: PayoutSkipReason;
  createdAt: string;
  updatedAt: string;
}

export interface PayoutRun {
  runId: string;
  trigger: 'schedule' | 'admin';
  status: 'running' | 'completed';
  minPayoutMinor: number;
  startedAt: string;
  completedAt?: string;
  report?: PayoutReport;
}

export interface PayoutReport {
  paid: number;
  failed: number;
  skipped: number;
  paidMinor: number;
  /** Balances left where they are, per reason: the worker is paid by a later run once the reason is gone. */
  skippedMinor: number;
  failures: { workerId: string; reason: string }[];
  skips: { workerId: string; reason: PayoutSkipReason; amountMinor: number }[];
}

/** A reward waiting out the hold period before it becomes payable. */
export interface Hold {
  assignmentId: string;
  workerId: string;
  amountMinor: number;
  currency: Currency;
  releaseAt: string;
}

export function holdReleaseAt(decidedAt: string, holdHours: number): string {
  return new Date(Date.parse(decidedAt) + holdHours * 3_600_000).toISOString();
}

/** What one decided assignment adds to the worker's totals. */
export interface WorkerOutcome {
  workerId: string;
  currency: Currency;
  approved: boolean;
  rewardMinor: number;
  activeMs: number;
  /** The project's task type (its answer spec's type), for reputation per task type. */
  taskType?: string;
  projectId?: string;
  /** Set when the answer was to a gold microtask: whether it matched the expected answer. */
  gold?: { matched: boolean };
}

export interface WorkerStats {
  currency: Currency;
  approvedCount: number;
  rejectedCount: number;
  earnedMinor: number;
  activeMs: number;
  /** Answers to gold microtasks decided, and how many of them matched the expected answer. */
  goldCount: number;
  goldMatchedCount: number;
}

/**
 * Rewards earned per hour of measured work, in minor units, rounded down: the figure a worker
 * compares tasks by. Null until there is measured time.
 */
export function effectiveHourlyRateMinor(s: Pick<WorkerStats, 'earnedMinor' | 'activeMs'>): number | null {
  if (s.activeMs <= 0) return null;
  return Math.floor((s.earnedMinor * 3_600_000) / s.activeMs);
}

/** A worker is paid once the available balance reaches the minimum; the whole balance goes out. */
export function payoutAmount(availableMinor: number, minPayoutMinor: number): number {
  return availableMinor >= minPayoutMinor && availableMinor > 0 ? availableMinor : 0;
}

export function summarize(payouts: readonly Payout[]): PayoutReport {
  const paid = payouts.filter((p) => p.status === 'paid');
  const failed = payouts.filter((p) => p.status === 'failed');
  const skipped = payouts.filter((p) => p.status === 'skipped');
  return {
    paid: paid.length,
    failed: failed.length,
    skipped: skipped.length,
    paidMinor: paid.reduce((s, p) => s + p.amountMinor, 0),
    skippedMinor: skipped.reduce((s, p) => s + p.amountMinor, 0),
    failures: failed.map((p) => ({ workerId: p.workerId, reason: p.failureReason ?? 'unknown' })),
    skips: skipped.map((p) => ({ workerId: p.workerId, reason: p.skipReason!, amountMinor: p.amountMinor })),
  };
}

/** The outside payment rails. Sandboxes locally; Stripe / PayPal Payouts / Wise adapters deployed. */
export interface PaymentProvider {
  /** Charges the client; idempotent on `idempotencyKey`. */
  charge(req: { orgId: string; amountMinor: number; currency: Currency; idempotencyKey: string }): Promise<{ paymentId: string; status: 'succeeded' | 'failed'; reason?: string }>;
}

export interface PayoutProvider {
  /** Checks with the provider that the destination exists and can receive money (PayPal account lookup, IBAN validation). */
  verifyRecipient(method: PayoutMethod): Promise<{ status: 'verified' | 'rejected'; reason?: string }>;
  /** Sends money to the worker; idempotent on `payoutId`. */
  send(req: { payoutId: string; workerId: string; amountMinor: number; currency: Currency; destination: PayoutMethod }): Promise<{ status: 'paid' | 'failed'; providerRef?: string; reason?: string }>;
}
