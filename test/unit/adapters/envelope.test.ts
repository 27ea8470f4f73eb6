import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { EnvelopeEncryption, LocalKeyWrapper } from '../../../shared/adapters/crypto/envelope';

const sealer = (key = randomBytes(32).toString('base64')) => new EnvelopeEncryption(new LocalKeyWrapper(key));

describe('envelope encryption', () => {
  it('round-trips, with a fresh data key and IV per seal', async () => {
    const e = sealer();
    const a = await e.seal('DE89370400440532013000', { workerId: 'w1' });
    const b = await e.seal('DE89370400440532013000', { workerId: 'w1' });
    expect(a.ciphertext).not.toBe(b.ciphertext);
    expect(a.wrappedKey).not.toBe(b.wrappedKey);
    expect(JSON.stringify(a)).not.toContain('3704');
    expect(await e.open(a, { workerId: 'w1' })).toBe('DE89370400440532013000');
  });

  it('does not open under another context, another master key, or after tampering', async () => {
    const key = randomBytes(32).toString('base64');
    const sealed = await sealer(key).seal('secret', { workerId: 'w1' });
    await expect(sealer(key).open(sealed, { workerId: 'w2' })).rejects.toThrow();
    await expect(sealer().open(sealed, { workerId: 'w1' })).rejects.toThrow();
    const flipped = Buffer.from(sealed.ciphertext, 'base64');
    flipped[0]! ^= 1;
    await expect(sealer(key).open({ ...sealed, ciphertext: flipped.toString('base64') }, { workerId: 'w1' })).rejects.toThrow();
  });

  it('refuses a master key of the wrong size', () => {
    expect(() => new LocalKeyWrapper(randomBytes(16).toString('base64'))).toThrow(/32 bytes/);
  });
});
