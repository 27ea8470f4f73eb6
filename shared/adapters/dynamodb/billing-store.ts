import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ClientBilling } from '../../domain/billing/plans';
import { conflict } from '../../domain/errors';
import type { LedgerEntry } from '../../domain/ledger/ledger';
import type { DynamoLedger } from './ledger-store';
import { translateLedgerFailure } from './ledger-store';
import { Keys } from './table-design';
import { ConditionsFailed, transactWrite } from './transact';

/**
 * A client's plan and fee. Writes are conditional on the version read (its updatedAt), so two
 * changes at once cannot both win; a paid month is written with its ledger entry in one transaction.
 */
export class DynamoBillingStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly ledger: DynamoLedger,
  ) {}

  async get(orgId: string): Promise<ClientBilling | undefined> {
    const r = await this.client.send(new GetCommand({ TableName: this.table, Key: Keys.clientBilling(orgId), ConsistentRead: true }));
    if (!r.Item) return undefined;
    const { pk: _pk, sk: _sk, type: _type, ...b } = r.Item;
    return b as ClientBilling;
  }

  private put(next: ClientBilling, previous: ClientBilling | undefined) {
    return {
      TableName: this.table,
      Item: { ...Keys.clientBilling(next.orgId), type: 'ClientBilling', ...next },
      ConditionExpression: previous ? 'updatedAt = :seen' : 'attribute_not_exists(pk)',
      ...(previous ? { ExpressionAttributeValues: { ':seen': previous.updatedAt } } : {}),
    };
  }

  async save(next: ClientBilling, previous: ClientBilling | undefined): Promise<void> {
    try {
      await this.client.send(new PutCommand(this.put(next, previous)));
    } catch (e) {
      if ((e as Error).name === 'ConditionalCheckFailedException') throw conflict('billing_changed', 'The billing settings changed meanwhile; retry');
      throw e;
    }
  }

  /** Saves the plan and posts the payment for it atomically. False when this payment was posted before. */
  async saveWithPayment(next: ClientBilling, previous: ClientBilling | undefined, entry: LedgerEntry): Promise<boolean> {
    try {
      await transactWrite(this.client, [...this.ledger.transactItems(entry), { Put: this.put(next, previous) }]);
      return true;
    } catch (e) {
      const failure = translateLedgerFailure(e, entry, 0);
      if (failure === 'replayed') return false;
      if (failure) throw failure;
      if (e instanceof ConditionsFailed) throw conflict('billing_changed', 'The billing settings changed meanwhile; retry');
      throw e;
    }
  }
}
