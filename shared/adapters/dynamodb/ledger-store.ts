import { BatchGetCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { precondition } from '../../domain/errors';
import { assertBalanced, mayGoNegative, type AccountId, type LedgerEntry, type LedgerPort } from '../../domain/ledger/ledger';
import { ACCOUNT_SHARDS, Keys, MAIN_TABLE } from './table-design';
import { queryPage, type Page } from './paging';
import { ConditionsFailed, transactWrite, type TransactItem } from './transact';

/** Every kind of account, as listed in the accounts index; reconciliation walks them all. */
export const ACCOUNT_KINDS = ['external', 'platform', 'client-funds', 'client-escrow', 'worker-pending', 'worker-available'] as const;

export interface StatementLine {
  entryId: string;
  kind: string;
  amountMinor: number;
  currency: string;
  memo: string;
  createdAt: string;
}

/** The kind of an account decides the index it is listed in (worker balances feed the payout run). */
export function accountKind(accountId: AccountId): string {
  const [owner, , kind] = accountId.split(':');
  return owner === 'worker' || owner === 'client' ? `${owner}-${kind}` : (owner ?? 'other');
}

export function shardOf(accountId: string): number {
  let h = 0;
  for (let i = 0; i < accountId.length; i++) h = (Math.imul(h, 31) + accountId.charCodeAt(i)) >>> 0;
  return h % ACCOUNT_SHARDS;
}

/**
 * Posts ledger entries to DynamoDB. An entry is one transaction: the entry item (its id is the
 * idempotency key, so a replay fails its condition and changes nothing), one balance update per
 * account (conditional: no overdraft, no currency mix) and one posting line per account.
 */
export class DynamoLedger implements LedgerPort {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /** The entry's items, so that callers can post it in the same transaction as a state change. */
  transactItems(entry: LedgerEntry): TransactItem[] {
    assertBalanced(entry);
    const items: TransactItem[] = [
      {
        Put: {
          TableName: this.table,
          Item: { ...Keys.entry(entry.entryId), type: 'LedgerEntry', ...entry },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
    ];
    for (const p of entry.postings) {
      const guardOverdraft = p.amountMinor < 0 && !mayGoNegative(p.accountId);
      const index = Keys.accountByKind(accountKind(p.accountId), shardOf(p.accountId), p.accountId);
      items.push({
        Update: {
          TableName: this.table,
          Key: Keys.account(p.accountId),
          UpdateExpression: 'ADD balance :amt SET currency = if_not_exists(currency, :cur), accountId = :id, #type = :type, gsi1pk = :g1pk, gsi1sk = :g1sk, updatedAt = :now',
          ConditionExpression: guardOverdraft
            ? 'balance >= :needed AND currency = :cur'
            : 'attribute_not_exists(currency) OR currency = :cur',
          ExpressionAttributeNames: { '#type': 'type' },
          ExpressionAttributeValues: {
            ':amt': p.amountMinor,
            ':cur': entry.currency,
            ':id': p.accountId,
            ':type': 'Account',
            ':now': entry.createdAt,
            ':g1pk': index.gsi1pk,
            ':g1sk': index.gsi1sk,
            ...(guardOverdraft ? { ':needed': -p.amountMinor } : {}),
          },
        },
      });
      items.push({
        Put: {
          TableName: this.table,
          Item: {
            ...Keys.posting(p.accountId, entry.createdAt, entry.entryId),
            type: 'Posting',
            entryId: entry.entryId,
            kind: entry.kind,
            accountId: p.accountId,
            amountMinor: p.amountMinor,
            currency: entry.currency,
            memo: entry.memo,
            createdAt: entry.createdAt,
          },
        },
      });
    }
    return items;
  }

  async post(entry: LedgerEntry): Promise<{ applied: boolean }> {
    try {
      await transactWrite(this.client, this.transactItems(entry));
      return { applied: true };
    } catch (e) {
      const failure = translateLedgerFailure(e, entry, 0);
      if (failure === 'replayed') return { applied: false };
      throw failure ?? e;
    }
  }

  /** An account's posting lines, newest first, one page at a time. */
  async statement(accountId: AccountId, limit: number, cursor?: string): Promise<Page<StatementLine>> {
    const page = await queryPage(this.client, this.table, { partition: Keys.account(accountId).pk, sortKeyPrefix: 'POSTING#', newestFirst: true }, limit, cursor);
    return {
      items: page.items.map((i) => ({ entryId: i.entryId, kind: i.kind, amountMinor: i.amountMinor, currency: i.currency, memo: i.memo, createdAt: i.createdAt }) as StatementLine),
      nextCursor: page.nextCursor,
    };
  }

  /** Every account of one kind and shard, page by page. For the admin reconciliation, never a request hot path. */
  async *accounts(kind: string, shard: number): AsyncGenerator<{ accountId: string; balance: number; currency: string }> {
    let cursor: Record<string, unknown> | undefined;
    do {
      const r = await this.client.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: MAIN_TABLE.indexes[0].indexName,
          KeyConditionExpression: 'gsi1pk = :pk',
          ExpressionAttributeValues: { ':pk': Keys.accountByKind(kind, shard, '').gsi1pk },
          ExclusiveStartKey: cursor,
        }),
      );
      for (const i of r.Items ?? []) yield { accountId: i.accountId as string, balance: i.balance as number, currency: i.currency as string };
      cursor = r.LastEvaluatedKey;
    } while (cursor);
  }

  async balances(accountIds: AccountId[]): Promise<Record<AccountId, number>> {
    const out: Record<AccountId, number> = Object.fromEntries(accountIds.map((a) => [a, 0]));
    const unique = [...new Set(accountIds)];
    for (let i = 0; i < unique.length; i += 100) {
      const keys = unique.slice(i, i + 100).map((a) => Keys.account(a));
      let request: Record<string, { Keys: Record<string, unknown>[]; ConsistentRead: boolean }> | undefined = {
        [this.table]: { Keys: keys, ConsistentRead: true },
      };
      while (request && Object.keys(request).length) {
        const r = await this.client.send(new BatchGetCommand({ RequestItems: request }));
        for (const item of r.Responses?.[this.table] ?? []) out[item.accountId as string] = item.balance as number;
        request = r.UnprocessedKeys as typeof request;
      }
    }
    return out;
  }
}

/**
 * Reads a cancelled transaction that embedded `entry` at `offset`: a failed entry put means it was
 * posted before (replay: `applied: false`), a failed balance update means an overdraft.
 */
export function translateLedgerFailure(e: unknown, entry: LedgerEntry, offset: number): Error | 'replayed' | undefined {
  if (!(e instanceof ConditionsFailed)) return undefined;
  if (e.failed.includes(offset)) return 'replayed';
  const refused = e.failed
    .filter((i) => i > offset && i <= offset + entry.postings.length * 2 && (i - offset) % 2 === 1)
    .map((i) => entry.postings[(i - offset - 1) / 2]!);
  // A credit is only conditioned on the currency; a debit on the balance too.
  const mismatched = refused.filter((p) => p.amountMinor > 0).map((p) => p.accountId);
  if (mismatched.length) {
    return precondition('currency_mismatch', `${mismatched.join(', ')} hold(s) another currency than ${entry.currency}`, { accounts: mismatched, currency: entry.currency });
  }
  const overdrawn = refused.map((p) => p.accountId);
  if (overdrawn.length) {
    return precondition('insufficient_funds', `Not enough funds (in ${entry.currency}) in ${overdrawn.join(', ')}`, { accounts: overdrawn, entryKind: entry.kind });
  }
  return undefined;
}
