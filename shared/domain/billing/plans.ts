import { validationError } from '../errors';
import type { Currency } from '../money';

/**
 * How a client pays the platform. Pay-per-task charges the platform's default fee on every reward;
 * a subscription is prepaid a month at a time and lowers the fee while it runs; an admin may set a
 * negotiated fee for one client, which wins over both. A project keeps the fee it was created with,
 * so its escrow never changes under it.
 */
export type PlanName = 'pay_per_task' | 'subscription';

export const SUBSCRIPTION = { monthlyMinor: 4_900, currency: 'EUR' as Currency, feeBasisPoints: 500, periodDays: 30 } as const;

export interface ClientBilling {
  orgId: string;
  plan: PlanName;
  /** End of the prepaid subscription period (ISO time); after it the client pays per task again. */
  subscriptionPaidThrough?: string;
  feeOverrideBasisPoints?: number;
  updatedAt: string;
}

export function payPerTask(orgId: string, now: string): ClientBilling {
  return { orgId, plan: 'pay_per_task', updatedAt: now };
}

export function subscriptionActive(b: ClientBilling | undefined, now: string): boolean {
  return b?.plan === 'subscription' && !!b.subscriptionPaidThrough && now < b.subscriptionPaidThrough;
}

export function feeBasisPointsFor(b: ClientBilling | undefined, now: string, platformDefault: number): number {
  if (b?.feeOverrideBasisPoints !== undefined) return b.feeOverrideBasisPoints;
  return subscriptionActive(b, now) ? SUBSCRIPTION.feeBasisPoints : platformDefault;
}

/** Paying a month extends the running period, or starts a new one from now. */
export function extendSubscription(b: ClientBilling | undefined, orgId: string, now: string): ClientBilling {
  const from = subscriptionActive(b, now) ? b!.subscriptionPaidThrough! : now;
  const paidThrough = new Date(Date.parse(from) + SUBSCRIPTION.periodDays * 86_400_000).toISOString();
  return { ...(b ?? payPerTask(orgId, now)), plan: 'subscription', subscriptionPaidThrough: paidThrough, updatedAt: now };
}

export function assertFee(feeBasisPoints: number): void {
  if (!Number.isInteger(feeBasisPoints) || feeBasisPoints < 0 || feeBasisPoints > 10_000) {
    throw validationError('A fee is 0 to 10000 basis points', [{ path: 'body.feeBasisPoints', message: String(feeBasisPoints) }]);
  }
}
