import { describe, expect, it } from 'vitest';
import { ibanChecksumValid, maskPayoutMethod, payoutSkipReason, validatePayoutMethod } from '../../../shared/domain/payouts/payout-method';

describe('IBAN checks', () => {
  it('accepts valid IBANs of several countries, spaces and case aside', () => {
    for (const iban of ['DE89 3704 0044 0532 0130 00', 'gb82west12345698765432', 'NL91ABNA0417164300', 'FR1420041010050500013M02606']) {
      expect(ibanChecksumValid(iban), iban).toBe(true);
      expect(validatePayoutMethod({ type: 'iban', iban, holderName: ' A ' })).toMatchObject({ iban: iban.replace(/\s/g, '').toUpperCase(), holderName: 'A' });
    }
  });

  it('catches a single wrong digit and two swapped digits', () => {
    expect(ibanChecksumValid('DE89370400440532013001')).toBe(false);
    expect(ibanChecksumValid('DE89370400440532010300')).toBe(false);
  });

  it('names the rule: unsupported country, wrong length, wrong check digits', () => {
    const issue = (iban: string) => {
      try {
        validatePayoutMethod({ type: 'iban', iban, holderName: 'A' });
      } catch (e) {
        return (e as { message: string }).message;
      }
      return 'accepted';
    };
    expect(issue('US12345678901234567890')).toMatch(/not supported/);
    expect(issue('DE8937040044053201300')).toMatch(/22 characters/);
    expect(issue('DE00370400440532013000')).toMatch(/check digits/);
  });
});

describe('masking and skip reasons', () => {
  it('shows enough to recognise an account and no more', () => {
    expect(maskPayoutMethod({ type: 'paypal', email: 'grace@example.com' })).toBe('g***@example.com');
    expect(maskPayoutMethod({ type: 'iban', iban: 'DE89370400440532013000', holderName: 'A' })).toBe('DE** **** 3000');
  });

  it('pays only a verified method', () => {
    expect(payoutSkipReason(undefined)).toBe('no_payout_method');
    expect(payoutSkipReason({ verification: { status: 'rejected', checkedAt: '' } })).toBe('payout_method_not_verified');
    expect(payoutSkipReason({ verification: { status: 'verified', checkedAt: '' } })).toBeUndefined();
  });
});
