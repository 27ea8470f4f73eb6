import { DeleteCommand, GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type { FingerprintOwner } from '../../domain/quality/risk';
import { Keys } from './table-design';

export type FingerprintKind = 'answer' | 'media';

/**
 * Duplicate detection without reading other submissions: one item per content fingerprint in the
 * project's partition, put on the condition that none exists. The first submitter owns it; a later
 * equal submission fails the condition and reads who owns it (an assignment id, never a worker).
 */
export class DynamoFingerprintStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /**
   * Claims the fingerprint for `owner`, or returns who holds it. Idempotent for the same
   * assignment, so a retried submit finds itself the owner.
   */
  async claim(projectId: string, kind: FingerprintKind, hash: string, owner: FingerprintOwner, at: string): Promise<FingerprintOwner> {
    const key = Keys.fingerprint(projectId, kind, hash);
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...key, type: 'Fingerprint', assignmentId: owner.assignmentId, microtaskId: owner.microtaskId, claimedAt: at },
          ConditionExpression: 'attribute_not_exists(pk) OR assignmentId = :me',
          ExpressionAttributeValues: { ':me': owner.assignmentId },
        }),
      );
      return owner;
    } catch (e) {
      if (!(e instanceof ConditionalCheckFailedException)) throw e;
    }
    const r = await this.client.send(new GetCommand({ TableName: this.table, Key: key, ConsistentRead: true }));
    // Only a release deletes the item, and only its owner releases: a vanished owner means it was never submitted; claim again.
    if (!r.Item) return this.claim(projectId, kind, hash, owner, at);
    return { assignmentId: r.Item.assignmentId as string, microtaskId: r.Item.microtaskId as string };
  }

  /** Gives a fingerprint back when its submission did not commit, so it never names an unsubmitted assignment. */
  async release(projectId: string, kind: FingerprintKind, hash: string, assignmentId: string): Promise<void> {
    try {
      await this.client.send(
        new DeleteCommand({ TableName: this.table, Key: Keys.fingerprint(projectId, kind, hash), ConditionExpression: 'assignmentId = :me', ExpressionAttributeValues: { ':me': assignmentId } }),
      );
    } catch (e) {
      if (!(e instanceof ConditionalCheckFailedException)) throw e;
    }
  }
}
