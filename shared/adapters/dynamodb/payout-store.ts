import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { LedgerEntry } from '../../domain/ledger/ledger';
import type { Hold, Payout, PayoutReport, PayoutRun } from '../../domain/payouts/payouts';
import type { PayoutMethodRecord } from '../../domain/payouts/payout-method';
import type { Sealed } from '../crypto/envelope';
import type { DynamoLedger } from './ledger-store';
import { accountKind, translateLedgerFailure } from './ledger-store';
import { Accounts } from '../../domain/ledger/ledger';
import { Keys, MAIN_TABLE } from './table-design';
import { ConditionsFailed, transactWrite } from './transact';

const inFlight = (runId: string, shard: number) => ({ gsi2pk: `PAYOUTRUN#${runId}#STARTED#${shard}`, gsi2sk: 'PAYOUT' });

/** Payout runs and payouts. A payout is unique per (run, worker): its conditional put makes a replayed run pay nobody twice. */
export class DynamoPayoutStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly ledger: DynamoLedger,
  ) {}

  /** Creates the run, or returns the existing one when a crashed run is resumed. */
  async startRun(run: PayoutRun): Promise<PayoutRun> {
    try {
      await this.client.send(new PutCommand({ TableName: this.table, Item: { ...Keys.payoutRun(run.runId), type: 'PayoutRun', ...run }, ConditionExpression: 'attribute_not_exists(pk)' }));
      return run;
    } catch (e) {
      if ((e as Error).name !== 'ConditionalCheckFailedException') throw e;
      return (await this.getRun(run.runId))!;
    }
  }

  async getRun(runId: string): Promise<PayoutRun | undefined> {
    const r = await this.client.send(new GetCommand({ TableName: this.table, Key: Keys.payoutRun(runId), ConsistentRead: true }));
    if (!r.Item) return undefined;
    const { pk: _pk, sk: _sk, type: _t, ...run } = r.Item;
    return run as PayoutRun;
  }

  async completeRun(runId: string, report: PayoutReport, now: string): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.table,
        Key: Keys.payoutRun(runId),
        UpdateExpression: 'SET #status = :done, report = :report, completedAt = :now',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':done': 'completed', ':report': report, ':now': now },
      }),
    );
  }

  /** One page of worker balances at or above the minimum in one shard. */
  async payableAccounts(shard: number, minMinor: number, cursor?: Record<string, unknown>) {
    const r = await this.client.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: MAIN_TABLE.indexes[0].indexName,
        KeyConditionExpression: 'gsi1pk = :pk',
        FilterExpression: 'balance >= :min',
        ExpressionAttributeValues: { ':pk': Keys.accountByKind(accountKind(Accounts.workerAvailable('x')), shard, '').gsi1pk, ':min': minMinor },
        Limit: 100,
        ExclusiveStartKey: cursor,
      }),
    );
    return {
      accounts: (r.Items ?? []).map((i) => ({ accountId: i.accountId as string, balance: i.balance as number, currency: i.currency as string })),
      cursor: r.LastEvaluatedKey,
    };
  }

  /** Holds of one shard whose release time has come, oldest first. */
  async dueHolds(shard: number, now: string, limit: number): Promise<Hold[]> {
    const r = await this.client.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: MAIN_TABLE.indexes[1].indexName,
        // '$' sorts right after '#', so every `<releaseAt>#<id>` with releaseAt ≤ now is below it.
        KeyConditionExpression: 'gsi2pk = :pk AND gsi2sk < :upper',
        ExpressionAttributeValues: { ':pk': Keys.holdDue(shard, '', '').gsi2pk, ':upper': `${now}$` },
        Limit: limit,
      }),
    );
    return (r.Items ?? []).map((i) => ({ assignmentId: i.assignmentId, workerId: i.workerId, amountMinor: i.amountMinor, currency: i.currency, releaseAt: i.releaseAt }));
  }

  /** Ends a hold: the hold item goes and the money moves to available, atomically. False if released before. */
  async release(hold: Hold, entry: LedgerEntry): Promise<boolean> {
    try {
      await transactWrite(this.client, [
        { Delete: { TableName: this.table, Key: Keys.hold(hold.assignmentId), ConditionExpression: 'attribute_exists(pk)' } },
        ...this.ledger.transactItems(entry),
      ]);
      return true;
    } catch (e) {
      if (e instanceof ConditionsFailed && (e.failed.includes(0) || e.failed.includes(1))) return false;
      throw e;
    }
  }

  /** Payouts of this run and shard that were started but not settled (a crash in between). */
  async startedPayouts(runId: string, shard: number): Promise<Payout[]> {
    const r = await this.client.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: MAIN_TABLE.indexes[1].indexName,
        KeyConditionExpression: 'gsi2pk = :pk',
        ExpressionAttributeValues: { ':pk': inFlight(runId, shard).gsi2pk },
        Limit: 100,
      }),
    );
    return (r.Items ?? []) as Payout[];
  }

  async listPayouts(runId: string, cursor?: Record<string, unknown>) {
    const r = await this.client.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :payout)',
        ExpressionAttributeValues: { ':pk': Keys.payoutRun(runId).pk, ':payout': 'PAYOUT#' },
        Limit: 500,
        ExclusiveStartKey: cursor,
      }),
    );
    return { payouts: (r.Items ?? []) as Payout[], cursor: r.LastEvaluatedKey };
  }

  /** Records the payout and moves the money to "in transit" atomically. False if this (run, worker) was paid already. */
  async begin(p: Payout, entry: LedgerEntry): Promise<boolean> {
    try {
      await transactWrite(this.client, [
        {
          Put: {
            TableName: this.table,
            Item: { ...Keys.payout(p.runId, p.workerId), ...inFlight(p.runId, p.shard), ...Keys.payoutByWorker(p.workerId, p.createdAt, p.runId), type: 'Payout', ...p },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        ...this.ledger.transactItems(entry),
      ]);
      return true;
    } catch (e) {
      if (e instanceof ConditionsFailed && (e.failed.includes(0) || e.failed.includes(1))) return false;
      const failure = translateLedgerFailure(e, entry, 1);
      if (failure instanceof Error) throw failure;
      throw e;
    }
  }

  /** started → paid | failed, with the settling entry in the same transaction. */
  async finish(p: Payout, outcome: { status: 'paid' | 'failed'; providerRef?: string; reason?: string }, entry: LedgerEntry, now: string): Promise<void> {
    try {
      await transactWrite(this.client, [
        {
          Update: {
            TableName: this.table,
            Key: Keys.payout(p.runId, p.workerId),
            UpdateExpression: 'SET #status = :s, providerRef = :ref, failureReason = :why, updatedAt = :now REMOVE gsi2pk, gsi2sk',
            ConditionExpression: '#status = :started',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':s': outcome.status, ':ref': outcome.providerRef ?? null, ':why': outcome.reason ?? null, ':now': now, ':started': 'started' },
          },
        },
        ...this.ledger.transactItems(entry),
      ]);
    } catch (e) {
      if (e instanceof ConditionsFailed && (e.failed.includes(0) || e.failed.includes(1))) return;
      throw e;
    }
  }

  /**
   * Records that this run leaves the worker's balance alone, and why. Unique per (run, worker) like a
   * payout, so a resumed run neither pays nor counts the worker twice.
   */
  async skip(p: Payout): Promise<void> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...Keys.payout(p.runId, p.workerId), ...Keys.payoutByWorker(p.workerId, p.createdAt, p.runId), type: 'Payout', ...p },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (e) {
      if ((e as Error).name !== 'ConditionalCheckFailedException') throw e;
    }
  }

  async savePayoutMethod(record: PayoutMethodRecord, sealed: Sealed): Promise<void> {
    await this.client.send(new PutCommand({ TableName: this.table, Item: { ...Keys.payoutMethod(record.workerId), type: 'PayoutMethod', ...record, sealed } }));
  }

  /** The record without the sealed details unless asked: only the payout step needs them. */
  async getPayoutMethod(workerId: string): Promise<PayoutMethodRecord | undefined>;
  async getPayoutMethod(workerId: string, withDetails: true): Promise<(PayoutMethodRecord & { sealed: Sealed }) | undefined>;
  async getPayoutMethod(workerId: string, withDetails = false) {
    const r = await this.client.send(new GetCommand({ TableName: this.table, Key: Keys.payoutMethod(workerId), ConsistentRead: true }));
    if (!r.Item) return undefined;
    const { pk: _pk, sk: _sk, type: _t, sealed, ...record } = r.Item;
    return withDetails ? { ...record, sealed } : record;
  }

  async payoutsOfWorker(workerId: string, limit: number) {
    const r = await this.client.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: MAIN_TABLE.indexes[0].indexName,
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': Keys.payoutByWorker(workerId, '', '').gsi1pk },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return (r.Items ?? []).map((i) => ({ runId: i.runId as string, amountMinor: i.amountMinor as number, currency: i.currency as string, status: i.status as string, ...(i.skipReason ? { skipReason: i.skipReason as string } : {}), createdAt: i.createdAt as string }));
  }
}
