import { generateApiKey, type ApiKey } from '../domain/access/api-key';
import { validationError } from '../domain/errors';
import type { Deps } from './deps';

/** A key may live two years at most: long-lived credentials are rotated, not kept forever. */
const MAX_LIFETIME_MS = 2 * 365 * 24 * 3600 * 1000;

export function apiKeyView(k: ApiKey) {
  const { orgId: _org, createdBy: _by, ...rest } = k;
  return { ...rest, status: k.revokedAt ? 'revoked' : 'active' };
}

export async function createApiKeyUseCase(deps: Deps, orgId: string, createdBy: string, input: { name: string; expiresAt?: string }) {
  const now = deps.now();
  let expiresAt: string | undefined;
  if (input.expiresAt !== undefined) {
    const at = Date.parse(input.expiresAt);
    if (!(at > Date.parse(now)) || at - Date.parse(now) > MAX_LIFETIME_MS) {
      throw validationError('expiresAt must be in the future and at most two years away', [{ path: 'body.expiresAt', message: 'out of range' }]);
    }
    expiresAt = new Date(at).toISOString();
  }
  const { key, keyHash, hint } = generateApiKey();
  const record: ApiKey = { keyId: deps.newId('key'), orgId, name: input.name, hint, createdAt: now, createdBy, ...(expiresAt ? { expiresAt } : {}) };
  await deps.apiKeys.create(record, keyHash);
  // The only time the key leaves the platform: it is stored as a hash and cannot be shown again.
  return { ...apiKeyView(record), key };
}

export async function listApiKeysUseCase(deps: Deps, orgId: string, limit: number, cursor?: string, status?: 'active' | 'revoked') {
  const page = await deps.apiKeys.list(orgId, limit, cursor, status);
  return { items: page.items.map(apiKeyView), nextCursor: page.nextCursor ?? null };
}

/** Revoking a revoked key answers the key as it is: a retried DELETE is not an error. */
export async function revokeApiKeyUseCase(deps: Deps, orgId: string, keyId: string) {
  await deps.apiKeys.revoke(orgId, keyId, deps.now());
  const key = await deps.apiKeys.get(orgId, keyId);
  const { keyHash: _hash, ...rest } = key!;
  return apiKeyView(rest);
}
