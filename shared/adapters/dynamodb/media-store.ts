import { GetCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { conflict } from '../../domain/errors';
import type { MediaFacts, MediaRecord } from '../../domain/marketplace/task-types/media-collection';
import { strip } from './marketplace-store';
import { Keys } from './table-design';
import { ConditionsFailed, transactWrite } from './transact';

/**
 * Media records live in the assignment's partition (`ASSIGNMENT#…`, `MEDIA#…`): reading an
 * assignment's media is one bounded query, and nothing about them touches the project's size.
 */
export class DynamoMediaStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /**
   * Records an announced upload, counted on the assignment in the same transaction: the count
   * caps how many uploads one assignment may announce, and the assignment must still be the
   * worker's open claim.
   */
  async announce(m: MediaRecord, maxUploads: number, now: string): Promise<void> {
    try {
      await transactWrite(this.client, [
        {
          Update: {
            TableName: this.table,
            Key: Keys.assignment(m.assignmentId),
            UpdateExpression: 'ADD mediaUploads :one',
            ConditionExpression: '#status = :claimed AND workerId = :worker AND leaseExpiresAt >= :now AND (attribute_not_exists(mediaUploads) OR mediaUploads < :max)',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':one': 1, ':claimed': 'claimed', ':worker': m.workerId, ':now': now, ':max': maxUploads },
          },
        },
        { Put: { TableName: this.table, Item: { ...Keys.media(m.assignmentId, m.mediaId), type: 'Media', ...m }, ConditionExpression: 'attribute_not_exists(pk)' } },
      ]);
    } catch (e) {
      if (e instanceof ConditionsFailed && e.failed.includes(0)) {
        throw conflict('media_upload_refused', `The assignment takes no more uploads (it is no longer open, or already has ${maxUploads})`, { maxUploads });
      }
      throw e;
    }
  }

  async get(assignmentId: string, mediaId: string): Promise<MediaRecord | undefined> {
    const r = await this.client.send(new GetCommand({ TableName: this.table, Key: Keys.media(assignmentId, mediaId), ConsistentRead: true }));
    return strip<MediaRecord>(r.Item);
  }

  /** The assignment's media, at most `limit` (the spec's upload cap bounds it). */
  async ofAssignment(assignmentId: string, limit: number): Promise<MediaRecord[]> {
    const key = Keys.media(assignmentId, '');
    const r = await this.client.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :media)',
        ExpressionAttributeValues: { ':pk': key.pk, ':media': key.sk },
        ConsistentRead: true,
        Limit: limit,
      }),
    );
    return (r.Items ?? []).map((i) => strip<MediaRecord>(i)!);
  }

  /** pending → confirmed or rejected, once. Returns false when another request settled it first. */
  async settle(m: MediaRecord, outcome: { status: 'confirmed'; facts: MediaFacts } | { status: 'rejected'; rejection: { rule: string; message: string } }, now: string): Promise<boolean> {
    const extra = outcome.status === 'confirmed' ? { name: 'facts', value: outcome.facts } : { name: 'rejection', value: outcome.rejection };
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: Keys.media(m.assignmentId, m.mediaId),
          UpdateExpression: `SET #status = :to, settledAt = :now, #extra = :extra`,
          ConditionExpression: '#status = :pending',
          ExpressionAttributeNames: { '#status': 'status', '#extra': extra.name },
          ExpressionAttributeValues: { ':to': outcome.status, ':now': now, ':extra': extra.value, ':pending': 'pending' },
        }),
      );
      return true;
    } catch (e) {
      if (e instanceof ConditionalCheckFailedException) return false;
      throw e;
    }
  }
}
