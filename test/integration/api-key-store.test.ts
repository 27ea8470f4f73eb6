import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../shared/adapters/ids';
import { createApiKeyUseCase, listApiKeysUseCase, revokeApiKeyUseCase } from '../../shared/app/api-keys';
import { authenticate } from '../../shared/app/authentication';
import type { Deps } from '../../shared/app/deps';
import { hashApiKey } from '../../shared/domain/access/api-key';
import { DomainError } from '../../shared/domain/errors';
import { makeDeps } from '../support/deps';
import { startDynamo, type LocalDynamo } from '../support/emulators';

let dynamo: LocalDynamo;
let deps: Deps;
let table: string;
let clock = Date.parse('2026-05-01T10:00:00.000Z');

beforeAll(async () => {
  dynamo = await startDynamo();
  table = await dynamo.createTable();
  deps = makeDeps(dynamo.client, table, { now: () => new Date(clock).toISOString() });
});

afterAll(async () => {
  await dynamo?.stop();
});

const ports = () => ({ verifyJwt: async () => undefined, apiKeys: deps.apiKeys, now: deps.now });
const codeOf = (p: Promise<unknown>) => p.then(() => 'ok', (e) => (e instanceof DomainError ? e.code : String(e)));

describe('API keys on DynamoDB', () => {
  it('stores only the hash, finds the key by it, and records its use at most once a minute', async () => {
    const orgId = newId('org');
    const created = await createApiKeyUseCase(deps, orgId, 'user-1', { name: 'ERP export' });
    expect(created.key).toMatch(/^tsk_live_/);
    expect(created.hint).toBe(`tsk_live_…${created.key.slice(-4)}`);

    // Nothing in the table holds the key in clear.
    const { Items } = await dynamo.client.send(new (await import('@aws-sdk/lib-dynamodb')).ScanCommand({ TableName: table }));
    expect(JSON.stringify(Items)).not.toContain(created.key);
    expect(JSON.stringify(Items)).toContain(hashApiKey(created.key));

    expect(await authenticate(`ApiKey ${created.key}`, ports())).toEqual({ principal: 'api_key', userId: created.keyId, orgId, groups: 'clients', apiKeyId: created.keyId });
    const first = (await listApiKeysUseCase(deps, orgId, 10)).items[0]!;
    expect(first.lastUsedAt).toBe(new Date(clock).toISOString());
    clock += 30_000;
    await authenticate(`ApiKey ${created.key}`, ports());
    expect((await listApiKeysUseCase(deps, orgId, 10)).items[0]!.lastUsedAt).toBe(first.lastUsedAt);
    clock += 31_000;
    await authenticate(`ApiKey ${created.key}`, ports());
    expect((await listApiKeysUseCase(deps, orgId, 10)).items[0]!.lastUsedAt).toBe(new Date(clock).toISOString());
  });

  it('revokes a key at once for the next lookup, idempotently, and only within the org', async () => {
    const orgId = newId('org');
    const { key, keyId } = await createApiKeyUseCase(deps, orgId, 'user-1', { name: 'CI' });
    expect(await codeOf(revokeApiKeyUseCase(deps, newId('org'), keyId))).toBe('api_key_not_found');
    expect((await authenticate(`ApiKey ${key}`, ports())).principal).toBe('api_key');
    const revoked = await revokeApiKeyUseCase(deps, orgId, keyId);
    expect(revoked).toMatchObject({ keyId, status: 'revoked', revokedAt: new Date(clock).toISOString() });
    expect(await authenticate(`ApiKey ${key}`, ports())).toEqual({ principal: 'none', refusal: 'api_key_revoked' });
    expect(await revokeApiKeyUseCase(deps, orgId, keyId)).toMatchObject({ status: 'revoked', revokedAt: revoked.revokedAt });
  });

  it('expires a key at its expiry and refuses an expiry in the past', async () => {
    const orgId = newId('org');
    const { key } = await createApiKeyUseCase(deps, orgId, 'user-1', { name: 'short', expiresAt: new Date(clock + 60_000).toISOString() });
    expect((await authenticate(`ApiKey ${key}`, ports())).principal).toBe('api_key');
    clock += 60_000;
    expect(await authenticate(`ApiKey ${key}`, ports())).toEqual({ principal: 'none', refusal: 'api_key_expired' });
    expect(await codeOf(createApiKeyUseCase(deps, orgId, 'user-1', { name: 'x', expiresAt: new Date(clock - 1).toISOString() }))).toBe('validation_failed');
  });

  it('lists an org’s keys newest first, page by page, filtered by status, never the key or its hash', async () => {
    const orgId = newId('org');
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      clock += 1_000;
      ids.push((await createApiKeyUseCase(deps, orgId, 'user-1', { name: `k${i}` })).keyId);
    }
    await revokeApiKeyUseCase(deps, orgId, ids[1]!);
    await createApiKeyUseCase(deps, newId('org'), 'user-2', { name: 'someone else' });

    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listApiKeysUseCase(deps, orgId, 2, cursor);
      expect(page.items.length).toBeLessThanOrEqual(2);
      for (const k of page.items) {
        expect(Object.keys(k)).not.toContain('keyHash');
        expect(Object.keys(k)).not.toContain('key');
        seen.push(k.keyId);
      }
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());

    expect((await listApiKeysUseCase(deps, orgId, 10, undefined, 'revoked')).items.map((k) => k.keyId)).toEqual([ids[1]]);
    const active = await listApiKeysUseCase(deps, orgId, 10, undefined, 'active');
    expect(active.items.map((k) => k.keyId)).toEqual([ids[4], ids[3], ids[2], ids[0]]);

    // A cursor of this org's list does not open another org's.
    const firstPage = await listApiKeysUseCase(deps, orgId, 1);
    expect(await codeOf(listApiKeysUseCase(deps, newId('org'), 1, firstPage.nextCursor!))).toBe('invalid_cursor');
  });
});
