import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { DecryptCommand, GenerateDataKeyCommand, type KMSClient } from '@aws-sdk/client-kms';

/**
 * Envelope encryption of small secrets (a worker's IBAN or PayPal e-mail): each record gets its own
 * AES-256-GCM data key, and only the data key is wrapped by the master key. Deployed, KMS holds the
 * master key and wraps; locally, a key file in the data folder does the same job. The encryption
 * context (the owner's id) is bound into both layers, so a ciphertext copied onto another worker's
 * record does not decrypt.
 */
export interface KeyWrapper {
  /** A fresh data key, in clear (used once, then dropped) and wrapped (stored). */
  generate(context: Record<string, string>): Promise<{ plaintext: Uint8Array; wrapped: Uint8Array }>;
  unwrap(wrapped: Uint8Array, context: Record<string, string>): Promise<Uint8Array>;
}

export interface Sealed {
  v: 1;
  wrappedKey: string;
  iv: string;
  tag: string;
  ciphertext: string;
}

const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');
const unb64 = (s: string) => Buffer.from(s, 'base64');
const aad = (context: Record<string, string>) =>
  Buffer.from(
    JSON.stringify(
      Object.keys(context)
        .sort()
        .map((k) => [k, context[k]]),
    ),
  );

function gcmSeal(key: Uint8Array, plaintext: Uint8Array, context: Record<string, string>) {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aad(context));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { iv, tag: cipher.getAuthTag(), ciphertext };
}

function gcmOpen(key: Uint8Array, sealed: { iv: Uint8Array; tag: Uint8Array; ciphertext: Uint8Array }, context: Record<string, string>) {
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.iv);
  decipher.setAAD(aad(context));
  decipher.setAuthTag(sealed.tag);
  return Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]);
}

export class EnvelopeEncryption {
  constructor(private readonly wrapper: KeyWrapper) {}

  async seal(plaintext: string, context: Record<string, string>): Promise<Sealed> {
    const key = await this.wrapper.generate(context);
    try {
      const s = gcmSeal(key.plaintext, Buffer.from(plaintext, 'utf8'), context);
      return { v: 1, wrappedKey: b64(key.wrapped), iv: b64(s.iv), tag: b64(s.tag), ciphertext: b64(s.ciphertext) };
    } finally {
      key.plaintext.fill(0);
    }
  }

  async open(sealed: Sealed, context: Record<string, string>): Promise<string> {
    const key = await this.wrapper.unwrap(unb64(sealed.wrappedKey), context);
    try {
      return gcmOpen(key, { iv: unb64(sealed.iv), tag: unb64(sealed.tag), ciphertext: unb64(sealed.ciphertext) }, context).toString('utf8');
    } finally {
      key.fill(0);
    }
  }
}

/** The deployed wrapper: a customer-managed KMS key; the context is KMS's encryption context (and shows in CloudTrail). */
export class KmsKeyWrapper implements KeyWrapper {
  constructor(
    private readonly kms: KMSClient,
    private readonly keyId: string,
  ) {}

  async generate(context: Record<string, string>) {
    const r = await this.kms.send(new GenerateDataKeyCommand({ KeyId: this.keyId, KeySpec: 'AES_256', EncryptionContext: context }));
    return { plaintext: r.Plaintext!, wrapped: r.CiphertextBlob! };
  }

  async unwrap(wrapped: Uint8Array, context: Record<string, string>) {
    const r = await this.kms.send(new DecryptCommand({ KeyId: this.keyId, CiphertextBlob: wrapped, EncryptionContext: context }));
    return r.Plaintext!;
  }
}

/** The local wrapper: the same envelope, the master key a 32-byte key of the local platform's data folder. */
export class LocalKeyWrapper implements KeyWrapper {
  private readonly master: Buffer;

  constructor(masterKeyBase64: string) {
    this.master = Buffer.from(masterKeyBase64, 'base64');
    if (this.master.length !== 32) throw new Error('The local master key must be 32 bytes, base64-encoded');
  }

  async generate(context: Record<string, string>) {
    const plaintext = randomBytes(32);
    const s = gcmSeal(this.master, plaintext, context);
    return { plaintext, wrapped: Buffer.concat([s.iv, s.tag, s.ciphertext]) };
  }

  async unwrap(wrapped: Uint8Array, context: Record<string, string>) {
    const b = Buffer.from(wrapped);
    return gcmOpen(this.master, { iv: b.subarray(0, 12), tag: b.subarray(12, 28), ciphertext: b.subarray(28) }, context);
  }
}
