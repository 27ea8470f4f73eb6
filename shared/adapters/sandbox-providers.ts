import { createHash } from 'node:crypto';
import type { PaymentProvider, PayoutProvider } from '../domain/payouts/payouts';

/**
 * Sandbox payment rails: deterministic references, no network. They keep the shape of the real
 * adapters (an idempotency key in, a provider reference out) so the use cases cannot tell.
 */
const ref = (prefix: string, key: string) => `${prefix}_${createHash('sha256').update(key).digest('hex').slice(0, 24)}`;

export const sandboxPayments: PaymentProvider = {
  async charge(req) {
    return { paymentId: ref('pay', req.idempotencyKey), status: 'succeeded' };
  },
};

/** Addresses at this reserved domain stand for accounts the sandbox provider does not know. */
export const SANDBOX_UNKNOWN_RECIPIENT_DOMAIN = 'unknown.invalid';

export const sandboxPayouts: PayoutProvider = {
  async verifyRecipient(method) {
    if (method.type === 'paypal' && method.email.endsWith(`@${SANDBOX_UNKNOWN_RECIPIENT_DOMAIN}`)) {
      return { status: 'rejected', reason: 'No account exists for this e-mail address' };
    }
    return { status: 'verified' };
  },
  async send(req) {
    // A real provider takes a while; SANDBOX_PAYOUT_DELAY_MS lets a test stop a run part-way.
    const delay = Number(process.env.SANDBOX_PAYOUT_DELAY_MS ?? 0);
    if (delay > 0) await new Promise((r) => setTimeout(r, delay));
    return { status: 'paid', providerRef: ref('po', req.payoutId) };
  },
};
