import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * API keys let a client's own systems call the client routes without a Cognito login. A key is
 * shown once; only its SHA-256 is stored (docs/adr/0005-api-keys-and-lambda-authorizer.md).
 */
export const API_KEY_PREFIX = 'tsk_live_';

/** 32 random bytes (256 bits) in base64url: far beyond guessing, so a fast unsalted hash is enough. */
const SECRET_BYTES = 32;
const KEY_PATTERN = /^tsk_live_[A-Za-z0-9_-]{43}$/;

export interface ApiKey {
  keyId: string;
  orgId: string;
  name: string;
  /** `tsk_live_…` and the key's last four characters: enough to recognise it, useless to use it. */
  hint: string;
  createdAt: string;
  createdBy: string;
  expiresAt?: string;
  revokedAt?: string;
  lastUsedAt?: string;
}

/** What the authorizer reads by hash: just enough to decide, in one GetItem. */
export interface ApiKeyCredential {
  keyHash: string;
  keyId: string;
  orgId: string;
  expiresAt?: string;
  revokedAt?: string;
}

export function generateApiKey(): { key: string; keyHash: string; hint: string } {
  const key = `${API_KEY_PREFIX}${randomBytes(SECRET_BYTES).toString('base64url')}`;
  return { key, keyHash: hashApiKey(key), hint: `${API_KEY_PREFIX}…${key.slice(-4)}` };
}

export const hashApiKey = (key: string): string => createHash('sha256').update(key, 'utf8').digest('hex');

/** A string that has the shape of one of our keys; anything else is not looked up at all. */
export const looksLikeApiKey = (s: string): boolean => KEY_PATTERN.test(s);

export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}

export type KeyRefusal = 'api_key_revoked' | 'api_key_expired';

/** Why a stored key no longer authenticates, if it does not. */
export function keyRefusal(c: Pick<ApiKeyCredential, 'revokedAt' | 'expiresAt'>, now: string): KeyRefusal | undefined {
  if (c.revokedAt) return 'api_key_revoked';
  if (c.expiresAt && c.expiresAt <= now) return 'api_key_expired';
  return undefined;
}

/**
 * The credential in an `Authorization` header: `Bearer <Cognito JWT>`, `ApiKey <key>`, or
 * `Bearer <key>` for client libraries that only speak bearer tokens.
 */
export type Presented = { kind: 'jwt'; token: string } | { kind: 'api_key'; key: string } | { kind: 'none' };

export function presentedCredential(authorization: string | undefined): Presented {
  const m = authorization?.trim().match(/^(Bearer|ApiKey)\s+(\S+)$/i);
  if (!m) return { kind: 'none' };
  const [, scheme, value] = m as unknown as [string, string, string];
  if (value.startsWith(API_KEY_PREFIX)) return { kind: 'api_key', key: value };
  if (scheme.toLowerCase() === 'apikey') return { kind: 'none' };
  return { kind: 'jwt', token: value };
}
