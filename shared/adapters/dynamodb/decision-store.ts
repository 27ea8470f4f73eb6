import { GetCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { LedgerEntry } from '../../domain/ledger/ledger';
import type { Assignment, ReviewDecision } from '../../domain/marketplace/assignment';
import type { Hold } from '../../domain/payouts/payouts';
import type { GoldCounts } from '../../domain/quality/gold-policy';
import type { RejectionAppeal } from '../../domain/quality/rejection-appeal';
import type { DynamoLedger } from './ledger-store';
import { translateLedgerFailure } from './ledger-store';
import { overturnedRejectionItems, strip } from './marketplace-store';
import { queryPage, type Page } from './paging';
import { Keys } from './table-design';
import { ConditionsFailed, transactWrite, type TransactItem } from './transact';

/**
 * How a later decision moves the worker's counters: an overturned rejection counts as an approval
 * instead, a reversed approval as a rejection. Applied to the per-currency and per-type stats, with
 * the event the worker reads as what changed their reputation.
 */
export interface StatsCorrection {
  workerId: string;
  currency: string;
  taskType: string;
  projectId: string;
  approved: number;
  rejected: number;
  earnedMinor: number;
  /** +1 when a rejection against gold is overturned: the worker's answer is counted as matching after all. */
  goldMatched?: number;
}

export interface PendingRejectionAppeal {
  assignmentId: string;
  microtaskId: string;
  projectId: string;
  workerId: string;
  statement: string;
  filedAt: string;
  appealedRule: string;
}

export interface GoldActionRecord {
  projectId: string;
  action: string;
  rule: string;
  evidence: Record<string, unknown>;
  at: string;
  rejected?: number;
  reversed?: number;
}

/**
 * What happens to an assignment after its decision: appeals of rejections, and the corrections
 * a project's gold policy makes. Every change is one transaction conditioned on the state it
 * expects, so a retry or a race changes nothing twice.
 */
export class DynamoDecisionStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly ledger: DynamoLedger,
  ) {}

  // ---------------------------------------------------------------- rejection appeals

  /** Files the appeal on the assignment and indexes it under the project for the client. False when already appealed or no longer rejected. */
  async fileRejectionAppeal(a: Assignment, appeal: RejectionAppeal): Promise<boolean> {
    const pending: PendingRejectionAppeal = { assignmentId: a.assignmentId, microtaskId: a.microtaskId, projectId: a.projectId, workerId: a.workerId, statement: appeal.statement, filedAt: appeal.filedAt, appealedRule: appeal.appealedRule };
    try {
      await transactWrite(this.client, [
        {
          Update: {
            TableName: this.table,
            Key: Keys.assignment(a.assignmentId),
            UpdateExpression: 'SET appeal = :appeal',
            ConditionExpression: '#status = :rejected AND workerId = :w AND attribute_not_exists(appeal)',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':appeal': appeal, ':rejected': 'rejected', ':w': a.workerId },
          },
        },
        {
          Put: {
            TableName: this.table,
            Item: { ...Keys.rejectionAppeal(a.assignmentId), ...Keys.pendingRejectionAppeal(a.projectId, appeal.filedAt, a.assignmentId), type: 'RejectionAppeal', ...pending },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
      ]);
      return true;
    } catch (e) {
      if (e instanceof ConditionsFailed) return false;
      throw e;
    }
  }

  /** A project's appeals waiting for a decision, oldest first. */
  async listPendingRejectionAppeals(projectId: string, limit: number, cursor?: string): Promise<Page<PendingRejectionAppeal>> {
    const page = await queryPage(this.client, this.table, { index: 'gsi1', partition: Keys.pendingRejectionAppeal(projectId, '', '').gsi1pk }, limit, cursor);
    return { items: page.items.map((i) => strip<PendingRejectionAppeal>(i)!), nextCursor: page.nextCursor };
  }

  /** The appeal is upheld: only its outcome is written. False when it was decided meanwhile. */
  async upholdRejection(assignmentId: string, appeal: RejectionAppeal): Promise<boolean> {
    try {
      await transactWrite(this.client, [
        {
          Update: {
            TableName: this.table,
            Key: Keys.assignment(assignmentId),
            UpdateExpression: 'SET appeal = :appeal',
            ConditionExpression: 'appeal.#st = :pending',
            ExpressionAttributeNames: { '#st': 'status' },
            ExpressionAttributeValues: { ':appeal': appeal, ':pending': 'pending' },
          },
        },
        { Delete: { TableName: this.table, Key: Keys.rejectionAppeal(assignmentId) } },
      ]);
      return true;
    } catch (e) {
      if (e instanceof ConditionsFailed && e.failed.includes(0)) return false;
      throw e;
    }
  }

  /**
   * The appeal is overturned: the assignment becomes approved (the rejection moves to its history),
   * the reward is paid, the worker's counters and the client's overturned count move, all in one
   * transaction. False when it was decided meanwhile; `insufficient_funds` when the client cannot pay.
   */
  async overturnRejection(a: Assignment, appeal: RejectionAppeal, decision: ReviewDecision, entry: LedgerEntry, stats: StatsCorrection): Promise<boolean> {
    const items: TransactItem[] = [
      {
        Update: {
          TableName: this.table,
          Key: Keys.assignment(a.assignmentId),
          UpdateExpression: 'SET #status = :approved, decision = :decision, appeal = :appeal, history = list_append(if_not_exists(history, :none), :rejection)',
          ConditionExpression: '#status = :rejected AND appeal.#st = :pending',
          ExpressionAttributeNames: { '#status': 'status', '#st': 'status' },
          ExpressionAttributeValues: { ':approved': 'approved', ':rejected': 'rejected', ':pending': 'pending', ':decision': decision, ':appeal': appeal, ':none': [], ':rejection': [a.decision] },
        },
      },
      ...this.ledger.transactItems(entry),
      { Delete: { TableName: this.table, Key: Keys.rejectionAppeal(a.assignmentId) } },
      ...this.statsItems(a.assignmentId, decision, stats),
      ...overturnedRejectionItems(this.table, a.orgId, a.assignmentId, decision.decidedAt),
    ];
    return this.apply(items, entry);
  }

  // ---------------------------------------------------------------- gold policy

  async projectGold(workerId: string, projectId: string): Promise<GoldCounts> {
    const r = await this.client.send(new GetCommand({ TableName: this.table, Key: Keys.workerProjectGold(workerId, projectId), ConsistentRead: true }));
    return { goldCount: (r.Item?.goldCount as number) ?? 0, goldMatchedCount: (r.Item?.goldMatchedCount as number) ?? 0 };
  }

  async hold(assignmentId: string): Promise<Hold | undefined> {
    const r = await this.client.send(new GetCommand({ TableName: this.table, Key: Keys.hold(assignmentId), ConsistentRead: true }));
    return strip<Hold>(r.Item);
  }

  /** Records what the policy did, once per worker and project. False when it had acted before. */
  async recordGoldAction(workerId: string, record: GoldActionRecord): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: Keys.goldAction(workerId, record.projectId),
          UpdateExpression: 'SET #type = :type, projectId = :p, #action = :action, #rule = :rule, evidence = :evidence, #at = :at, rejected = :rejected, reversed = :reversed',
          ConditionExpression: 'attribute_not_exists(pk)',
          ExpressionAttributeNames: { '#type': 'type', '#action': 'action', '#rule': 'rule', '#at': 'at' },
          ExpressionAttributeValues: { ':type': 'GoldAction', ':p': record.projectId, ':action': record.action, ':rule': record.rule, ':evidence': record.evidence, ':at': record.at, ':rejected': record.rejected ?? 0, ':reversed': record.reversed ?? 0 },
        }),
      );
      return true;
    } catch (e) {
      if ((e as Error).name === 'ConditionalCheckFailedException') return false;
      throw e;
    }
  }

  async goldActionFor(workerId: string, projectId: string): Promise<GoldActionRecord | undefined> {
    const r = await this.client.send(new GetCommand({ TableName: this.table, Key: Keys.goldAction(workerId, projectId), ConsistentRead: true }));
    return strip<GoldActionRecord>(r.Item);
  }

  /** The latest policy actions about the worker (one per project at most), newest project key last. */
  async goldActions(workerId: string, limit: number): Promise<GoldActionRecord[]> {
    const r = await this.client.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': Keys.workerPartition(workerId).pk, ':prefix': 'GOLDACTION#' },
        Limit: limit,
      }),
    );
    return (r.Items ?? []).map((i) => strip<GoldActionRecord>(i)!);
  }

  /** submitted → rejected before review decided it; the escrow goes back. False when review decided it first. */
  async rejectUndecided(a: Assignment, decision: ReviewDecision, entry: LedgerEntry, stats: StatsCorrection): Promise<boolean> {
    return this.apply(
      [
        {
          Update: {
            TableName: this.table,
            Key: Keys.assignment(a.assignmentId),
            UpdateExpression: 'SET #status = :rejected, decision = :decision',
            ConditionExpression: '#status = :submitted',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':rejected': 'rejected', ':submitted': 'submitted', ':decision': decision },
          },
        },
        ...this.ledger.transactItems(entry),
        ...this.statsItems(a.assignmentId, decision, stats),
      ],
      entry,
    );
  }

  /**
   * approved → rejected while the reward is still held: the hold goes (so it is never released)
   * and the reward returns to the client. False when the hold was released first (paid work stays paid).
   */
  async reverseHeldApproval(a: Assignment, decision: ReviewDecision, entry: LedgerEntry, stats: StatsCorrection): Promise<boolean> {
    return this.apply(
      [
        {
          Update: {
            TableName: this.table,
            Key: Keys.assignment(a.assignmentId),
            UpdateExpression: 'SET #status = :rejected, decision = :decision, history = list_append(if_not_exists(history, :none), :approval)',
            ConditionExpression: '#status = :approved',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':rejected': 'rejected', ':approved': 'approved', ':decision': decision, ':none': [], ':approval': [a.decision] },
          },
        },
        { Delete: { TableName: this.table, Key: Keys.hold(a.assignmentId), ConditionExpression: 'attribute_exists(pk)' } },
        ...this.ledger.transactItems(entry),
        ...this.statsItems(a.assignmentId, decision, stats),
      ],
      entry,
      2,
    );
  }

  // ---------------------------------------------------------------- shared

  private statsItems(assignmentId: string, decision: ReviewDecision, s: StatsCorrection): TransactItem[] {
    const gold = s.goldMatched ? ', goldMatchedCount :gm' : '';
    const values = { ':a': s.approved, ':r': s.rejected, ...(s.goldMatched ? { ':gm': s.goldMatched } : {}) };
    return [
      {
        Update: {
          TableName: this.table,
          Key: Keys.workerStats(s.workerId, s.currency),
          UpdateExpression: `ADD approvedCount :a, rejectedCount :r, earnedMinor :e${gold} SET workerId = :w, currency = :c, #type = :type`,
          ExpressionAttributeNames: { '#type': 'type' },
          ExpressionAttributeValues: { ...values, ':e': s.earnedMinor, ':w': s.workerId, ':c': s.currency, ':type': 'WorkerStats' },
        },
      },
      {
        Update: {
          TableName: this.table,
          Key: Keys.workerTaskTypeStats(s.workerId, s.taskType),
          UpdateExpression: `ADD approvedCount :a, rejectedCount :r${gold} SET taskType = :t, #type = :type`,
          ExpressionAttributeNames: { '#type': 'type' },
          ExpressionAttributeValues: { ...values, ':t': s.taskType, ':type': 'WorkerTaskTypeStats' },
        },
      },
      ...(s.goldMatched
        ? [{ Update: { TableName: this.table, Key: Keys.workerProjectGold(s.workerId, s.projectId), UpdateExpression: 'ADD goldMatchedCount :gm', ExpressionAttributeValues: { ':gm': s.goldMatched } } }]
        : []),
      {
        Put: {
          TableName: this.table,
          Item: {
            ...Keys.reputationEvent(s.workerId, decision.decidedAt, assignmentId),
            type: 'ReputationEvent',
            assignmentId,
            projectId: s.projectId,
            taskType: s.taskType,
            outcome: decision.outcome,
            rule: decision.rule,
            decidedAt: decision.decidedAt,
          },
        },
      },
    ];
  }

  /** The first item is the state condition; the entry follows at `entryAt`. */
  private async apply(items: TransactItem[], entry: LedgerEntry, entryAt = 1): Promise<boolean> {
    try {
      await transactWrite(this.client, items);
      return true;
    } catch (e) {
      if (e instanceof ConditionsFailed && e.failed.some((i) => i < entryAt)) return false;
      const ledgerFailure = translateLedgerFailure(e, entry, entryAt);
      if (ledgerFailure === 'replayed') return false;
      if (ledgerFailure instanceof Error) throw ledgerFailure;
      throw e;
    }
  }
}
