import { validationError } from '../errors';

/**
 * Where a worker's money goes. The details are personal data: they are stored encrypted and only
 * their masked form ever leaves the platform (see shared/adapters/crypto/envelope.ts).
 */
export type PayoutMethod = { type: 'paypal'; email: string } | { type: 'iban'; iban: string; holderName: string };

export type VerificationStatus = 'verified' | 'rejected';

/** What is stored and shown: never the details themselves. */
export interface PayoutMethodRecord {
  workerId: string;
  methodType: PayoutMethod['type'];
  masked: string;
  verification: { status: VerificationStatus; reason?: string; checkedAt: string };
  updatedAt: string;
}

/** IBAN lengths per country (ISO 13616 registry), for the countries a European platform pays first. */
const IBAN_LENGTHS: Record<string, number> = {
  AT: 20, BE: 16, BG: 22, CH: 21, CY: 28, CZ: 24, DE: 22, DK: 18, EE: 20, ES: 24, FI: 18, FR: 27, GB: 22, GR: 27, HR: 21, HU: 28,
  IE: 22, IS: 26, IT: 27, LI: 21, LT: 20, LU: 20, LV: 21, MT: 31, NL: 18, NO: 15, PL: 28, PT: 25, RO: 24, SE: 24, SI: 19, SK: 24,
};

export function normalizeIban(iban: string): string {
  return iban.replace(/\s+/g, '').toUpperCase();
}

/** ISO 7064 mod 97-10, computed piecewise so it never needs big integers. */
export function ibanChecksumValid(iban: string): boolean {
  const s = normalizeIban(iban);
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]+$/.test(s)) return false;
  const rearranged = s.slice(4) + s.slice(0, 4);
  let remainder = 0;
  for (const ch of rearranged) {
    const digits = /\d/.test(ch) ? ch : String(ch.charCodeAt(0) - 55);
    for (const d of digits) remainder = (remainder * 10 + Number(d)) % 97;
  }
  return remainder === 1;
}

/** Checks the details before anything is stored; a 400 names the field. Returns the canonical form. */
export function validatePayoutMethod(m: PayoutMethod): PayoutMethod {
  if (m.type === 'paypal') {
    const email = m.email.trim().toLowerCase();
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]{2,}$/.test(email)) throw validationError('Not a valid e-mail address', [{ path: 'email', message: 'expected name@domain' }], 'invalid_payout_method');
    return { type: 'paypal', email };
  }
  const iban = normalizeIban(m.iban);
  const country = iban.slice(0, 2);
  const expected = IBAN_LENGTHS[country];
  if (expected === undefined) throw validationError(`IBANs of ${country} are not supported`, [{ path: 'iban', message: `supported countries: ${Object.keys(IBAN_LENGTHS).join(', ')}` }], 'invalid_payout_method');
  if (iban.length !== expected) throw validationError(`A ${country} IBAN has ${expected} characters`, [{ path: 'iban', message: `got ${iban.length}` }], 'invalid_payout_method');
  if (!ibanChecksumValid(iban)) throw validationError('The IBAN check digits are wrong', [{ path: 'iban', message: 'mod 97 checksum failed: a typo?' }], 'invalid_payout_method');
  return { type: 'iban', iban, holderName: m.holderName.trim() };
}

/** Enough for the worker to recognise their account, not enough to use it. */
export function maskPayoutMethod(m: PayoutMethod): string {
  if (m.type === 'paypal') {
    const [name, domain] = m.email.split('@') as [string, string];
    return `${name.slice(0, 1)}***@${domain}`;
  }
  return `${m.iban.slice(0, 2)}** **** ${m.iban.slice(-4)}`;
}

/** Why a worker with a payable balance gets no payout in a run. */
export type PayoutSkipReason = 'no_payout_method' | 'payout_method_not_verified';

export function payoutSkipReason(method: Pick<PayoutMethodRecord, 'verification'> | undefined): PayoutSkipReason | undefined {
  if (!method) return 'no_payout_method';
  return method.verification.status === 'verified' ? undefined : 'payout_method_not_verified';
}
