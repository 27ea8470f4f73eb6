import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ApiKey, ApiKeyCredential } from '../../domain/access/api-key';
import { notFound } from '../../domain/errors';
import { queryPage, type Page } from './paging';
import { Keys } from './table-design';
import { ConditionsFailed, transactWrite } from './transact';

/** How stale `lastUsedAt` may get: at most one write per key per minute, however busy the key. */
const LAST_USED_RESOLUTION_MS = 60_000;

function keyOf(i: Record<string, unknown>): ApiKey {
  const { keyId, orgId, name, hint, createdAt, createdBy, expiresAt, revokedAt, lastUsedAt } = i as unknown as ApiKey;
  return { keyId, orgId, name, hint, createdAt, createdBy, ...(expiresAt ? { expiresAt } : {}), ...(revokedAt ? { revokedAt } : {}), ...(lastUsedAt ? { lastUsedAt } : {}) };
}

/**
 * API keys in the single table, as two items written and revoked together: the org's record
 * (listed per org) and the credential (found by hash). Neither holds the key itself.
 */
export class DynamoApiKeyStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async create(key: ApiKey, keyHash: string): Promise<void> {
    await transactWrite(this.client, [
      { Put: { TableName: this.table, Item: { ...Keys.apiKey(key.orgId, key.keyId), type: 'ApiKey', ...key, keyHash }, ConditionExpression: 'attribute_not_exists(pk)' } },
      {
        Put: {
          TableName: this.table,
          Item: { ...Keys.apiKeyCredential(keyHash), type: 'ApiKeyCredential', keyHash, keyId: key.keyId, orgId: key.orgId, ...(key.expiresAt ? { expiresAt: key.expiresAt } : {}) },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
    ]);
  }

  /** Strongly consistent, so a revocation is seen by the very next authorizer call that reaches DynamoDB. */
  async credentialByHash(keyHash: string): Promise<ApiKeyCredential | undefined> {
    const r = await this.client.send(new GetCommand({ TableName: this.table, Key: Keys.apiKeyCredential(keyHash), ConsistentRead: true }));
    if (!r.Item) return undefined;
    const { keyId, orgId, expiresAt, revokedAt } = r.Item;
    return { keyHash, keyId, orgId, expiresAt, revokedAt };
  }

  async get(orgId: string, keyId: string): Promise<(ApiKey & { keyHash: string }) | undefined> {
    const r = await this.client.send(new GetCommand({ TableName: this.table, Key: Keys.apiKey(orgId, keyId), ConsistentRead: true }));
    return r.Item ? { ...keyOf(r.Item), keyHash: r.Item.keyHash as string } : undefined;
  }

  /** Newest first (key ids are time-ordered). */
  async list(orgId: string, limit: number, cursor?: string, status?: 'active' | 'revoked'): Promise<Page<ApiKey>> {
    const page = await queryPage(
      this.client,
      this.table,
      {
        partition: Keys.apiKey(orgId, '').pk,
        sortKeyPrefix: 'APIKEY#',
        newestFirst: true,
        ...(status ? { filter: { expression: status === 'revoked' ? 'attribute_exists(revokedAt)' : 'attribute_not_exists(revokedAt)', values: {} } } : {}),
      },
      limit,
      cursor,
    );
    return { items: page.items.map(keyOf), nextCursor: page.nextCursor };
  }

  /** Both items in one transaction; false when the key was revoked already. Unknown keys are "not found". */
  async revoke(orgId: string, keyId: string, now: string): Promise<boolean> {
    const key = await this.get(orgId, keyId);
    if (!key) throw notFound('api_key', keyId);
    if (key.revokedAt) return false;
    try {
      await transactWrite(this.client, [
        {
          Update: {
            TableName: this.table,
            Key: Keys.apiKey(orgId, keyId),
            UpdateExpression: 'SET revokedAt = :now',
            ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(revokedAt)',
            ExpressionAttributeValues: { ':now': now },
          },
        },
        {
          Update: {
            TableName: this.table,
            Key: Keys.apiKeyCredential(key.keyHash),
            UpdateExpression: 'SET revokedAt = :now',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeValues: { ':now': now },
          },
        },
      ]);
      return true;
    } catch (e) {
      if (e instanceof ConditionsFailed && e.failed.includes(0)) return false;
      throw e;
    }
  }

  /** Records a use, at most once a minute per key; losing a race here loses nothing. */
  async touch(orgId: string, keyId: string, now: string): Promise<void> {
    const before = new Date(Date.parse(now) - LAST_USED_RESOLUTION_MS).toISOString();
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: Keys.apiKey(orgId, keyId),
          UpdateExpression: 'SET lastUsedAt = :now',
          ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(lastUsedAt) OR lastUsedAt < :before)',
          ExpressionAttributeValues: { ':now': now, ':before': before },
        }),
      );
    } catch (e) {
      if ((e as Error).name !== 'ConditionalCheckFailedException') throw e;
    }
  }
}
