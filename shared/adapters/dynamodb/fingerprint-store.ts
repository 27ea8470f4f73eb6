import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type { FingerprintOwner, PerceptualOwner } from '../../domain/quality/risk';
import { Keys } from './table-design';

export type FingerprintKind = 'answer' | 'media';

type Key = { pk: string; sk: string };

/**
 * Duplicate detection without reading other submissions: one item per content fingerprint in the
 * project's partition, put on the condition that none exists. The first submitter owns it; a later
 * equal submission fails the condition and reads who owns it (an assignment id, never a worker).
 * Claims are made before the submit commits, so the risk is written with the answer, and are never
 * released: a claim whose submit did not commit is taken over once its assignment has ended.
 * A photo's perceptual hash is claimed the same way, band by band (ADR 0016).
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
  claim(projectId: string, kind: FingerprintKind, hash: string, owner: FingerprintOwner, at: string): Promise<FingerprintOwner> {
    return this.claimKey(Keys.fingerprint(projectId, kind, hash), owner, at);
  }

  /**
   * Moves a fingerprint from an owner whose assignment ended without an answer (its submit never
   * committed, then the lease expired or the claim was returned) to `to`. Returns the owner after.
   */
  takeOver(projectId: string, kind: FingerprintKind, hash: string, from: string, to: FingerprintOwner, at: string): Promise<FingerprintOwner> {
    return this.takeOverKey(Keys.fingerprint(projectId, kind, hash), from, to, at);
  }

  /** Claims one band of a photo's perceptual hash; the owner returned carries its whole hash. */
  claimBand(projectId: string, band: string, owner: PerceptualOwner, at: string): Promise<PerceptualOwner> {
    return this.claimKey(Keys.perceptualBand(projectId, band), owner, at);
  }

  takeOverBand(projectId: string, band: string, from: string, to: PerceptualOwner, at: string): Promise<PerceptualOwner> {
    return this.takeOverKey(Keys.perceptualBand(projectId, band), from, to, at);
  }

  private async claimKey<O extends FingerprintOwner>(key: Key, owner: O, at: string): Promise<O> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...key, type: 'Fingerprint', ...owner, claimedAt: at },
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
    if (!r.Item) return this.claimKey(key, owner, at);
    const { pk: _pk, sk: _sk, type: _type, claimedAt: _at, ...stored } = r.Item;
    return stored as O;
  }

  private async takeOverKey<O extends FingerprintOwner>(key: Key, from: string, to: O, at: string): Promise<O> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...key, type: 'Fingerprint', ...to, claimedAt: at },
          ConditionExpression: 'assignmentId = :from',
          ExpressionAttributeValues: { ':from': from },
        }),
      );
      return to;
    } catch (e) {
      if (!(e instanceof ConditionalCheckFailedException)) throw e;
    }
    return this.claimKey(key, to, at);
  }
}
