import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type { FingerprintOwner } from '../../domain/quality/risk';
import { Keys } from './table-design';

export type FingerprintKind = 'answer' | 'media';

/**
 * Duplicate detection without reading other submissions: one item per content fingerprint in the
 * project's partition, put on the condition that none exists. The first submitter owns it; a later
 * equal submission fails the condition and reads who owns it (an assignment id, never a worker).
 * Claims are made before the submit commits, so the risk is written with the answer, and are never
 * released: a claim whose submit did not commit is taken over once its assignment has ended.
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
    // Fingerprints are never deleted; this only guards against a table edited by hand.
    if (!r.Item) return this.claim(projectId, kind, hash, owner, at);
    return { assignmentId: r.Item.assignmentId as string, microtaskId: r.Item.microtaskId as string };
  }

  /**
   * Moves a fingerprint from an owner whose assignment ended without an answer (its submit never
   * committed, then the lease expired or the claim was returned) to `to`. Returns the owner after.
   */
  async takeOver(projectId: string, kind: FingerprintKind, hash: string, from: string, to: FingerprintOwner, at: string): Promise<FingerprintOwner> {
    const key = Keys.fingerprint(projectId, kind, hash);
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...key, type: 'Fingerprint', assignmentId: to.assignmentId, microtaskId: to.microtaskId, claimedAt: at },
          ConditionExpression: 'assignmentId = :from',
          ExpressionAttributeValues: { ':from': from },
        }),
      );
      return to;
    } catch (e) {
      if (!(e instanceof ConditionalCheckFailedException)) throw e;
    }
    return this.claim(projectId, kind, hash, to, at);
  }
}
