import { validationError } from './errors';

/** Money is always an integer number of minor units (cents) with an ISO 4217 currency. */
export interface Money {
  amountMinor: number;
  currency: Currency;
}

export const CURRENCIES = ['EUR', 'USD', 'GBP'] as const;
export type Currency = (typeof CURRENCIES)[number];

export function assertMinorUnits(amountMinor: number, field = 'amountMinor'): void {
  if (!Number.isSafeInteger(amountMinor)) {
    throw validationError(`${field} must be an integer number of minor units`, [{ path: field, message: 'not an integer' }]);
  }
}

/**
 * The platform fee on an amount, in basis points, rounded half up to a whole minor unit.
 * Integer arithmetic only: no float ever touches money.
 */
export function feeOn(amountMinor: number, feeBasisPoints: number): number {
  assertMinorUnits(amountMinor);
  if (!Number.isInteger(feeBasisPoints) || feeBasisPoints < 0 || feeBasisPoints > 10_000) {
    throw validationError('fee must be between 0 and 10000 basis points');
  }
  return Math.floor((amountMinor * feeBasisPoints + 5_000) / 10_000);
}
