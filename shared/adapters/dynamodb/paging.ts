import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { validationError } from '../../domain/errors';
import { MAIN_TABLE } from './table-design';

export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

/** One partition of the table or of an index, optionally narrowed to a sort-key prefix. */
export interface PartitionQuery {
  index?: 'gsi1' | 'gsi2';
  partition: string;
  sortKeyPrefix?: string;
  /** Only sort keys at or above this (e.g. a minimum score); a cursor below it is refused. */
  sortKeyFrom?: string;
  newestFirst?: boolean;
  /** A FilterExpression on non-key attributes: pages are then read until `limit` match or the budget is spent. */
  filter?: { expression: string; names?: Record<string, string>; values: Record<string, unknown> };
}

/**
 * How many items one filtered request may read, matching or not. A filter that matches rarely
 * returns a short (even empty) page with a cursor instead of reading the whole partition.
 */
export const MAX_EVALUATED_PER_REQUEST = 500;

const invalidCursor = () => validationError('The cursor is not one this API returned for this list', [{ path: 'query.cursor', message: 'invalid cursor' }], 'invalid_cursor');

function keyNames(q: PartitionQuery): { partitionKey: string; sortKey: string; all: string[] } {
  const base = [MAIN_TABLE.partitionKey, MAIN_TABLE.sortKey];
  if (!q.index) return { partitionKey: MAIN_TABLE.partitionKey, sortKey: MAIN_TABLE.sortKey, all: base };
  const i = MAIN_TABLE.indexes.find((x) => x.indexName === q.index)!;
  return { partitionKey: i.partitionKey, sortKey: i.sortKey, all: [i.partitionKey, i.sortKey, ...base] };
}

export function encodeCursor(key: Record<string, unknown> | undefined): string | undefined {
  return key ? Buffer.from(JSON.stringify(key)).toString('base64url') : undefined;
}

/**
 * A cursor is the last key read, base64url JSON. It is checked, not trusted: exactly the key
 * attributes of this query, all strings, in the caller's own partition (and sort-key range). So a
 * client can only move within the list it is allowed to read; another organisation's or worker's
 * partition is refused with a 400, never queried.
 */
export function decodeCursor(cursor: string | undefined, q: PartitionQuery): Record<string, string> | undefined {
  if (!cursor) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw invalidCursor();
  const names = keyNames(q);
  const entries = Object.entries(v as Record<string, unknown>);
  if (entries.length !== names.all.length || !entries.every(([k, x]) => names.all.includes(k) && typeof x === 'string' && x.length > 0 && x.length <= 1_024)) throw invalidCursor();
  const key = v as Record<string, string>;
  if (key[names.partitionKey] !== q.partition) throw invalidCursor();
  if (q.sortKeyPrefix && !key[names.sortKey]!.startsWith(q.sortKeyPrefix)) throw invalidCursor();
  if (q.sortKeyFrom && key[names.sortKey]! < q.sortKeyFrom) throw invalidCursor();
  return key;
}

/**
 * One page of one partition: never more than `limit` items returned, and never more than
 * MAX_EVALUATED_PER_REQUEST items read when filtering. Items come back with their key attributes.
 */
export async function queryPage(client: DynamoDBDocumentClient, table: string, q: PartitionQuery, limit: number, cursor?: string): Promise<Page<Record<string, unknown>>> {
  const names = keyNames(q);
  let start: Record<string, unknown> | undefined = decodeCursor(cursor, q);
  const items: Record<string, unknown>[] = [];
  let evaluated = 0;
  for (;;) {
    const budget = q.filter ? Math.min(Math.max(limit * 2, 50), MAX_EVALUATED_PER_REQUEST - evaluated) : limit;
    let r;
    try {
      r = await client.send(
        new QueryCommand({
          TableName: table,
          ...(q.index ? { IndexName: q.index } : {}),
          KeyConditionExpression: `#pk = :pk${q.sortKeyPrefix ? ' AND begins_with(#sk, :prefix)' : q.sortKeyFrom ? ' AND #sk >= :from' : ''}`,
          ...(q.filter ? { FilterExpression: q.filter.expression } : {}),
          ExpressionAttributeNames: { '#pk': names.partitionKey, ...(q.sortKeyPrefix || q.sortKeyFrom ? { '#sk': names.sortKey } : {}), ...q.filter?.names },
          ExpressionAttributeValues: {
            ':pk': q.partition,
            ...(q.sortKeyPrefix ? { ':prefix': q.sortKeyPrefix } : q.sortKeyFrom ? { ':from': q.sortKeyFrom } : {}),
            ...q.filter?.values,
          },
          ScanIndexForward: !q.newestFirst,
          Limit: budget,
          ExclusiveStartKey: start,
        }),
      );
    } catch (e) {
      // A forged cursor that passed the checks above can still point nowhere DynamoDB accepts.
      if (cursor && (e as Error).name === 'ValidationException') throw invalidCursor();
      throw e;
    }
    evaluated += r.ScannedCount ?? r.Items?.length ?? 0;
    const page = r.Items ?? [];
    const room = limit - items.length;
    if (page.length > room) {
      // More matches than fit: stop after the last one returned, so the next page starts right there.
      items.push(...page.slice(0, room));
      const last = items[items.length - 1]!;
      return { items, nextCursor: encodeCursor(Object.fromEntries(names.all.map((k) => [k, last[k]]))) };
    }
    items.push(...page);
    start = r.LastEvaluatedKey;
    if (!start || !q.filter || items.length >= limit || evaluated >= MAX_EVALUATED_PER_REQUEST) return { items, nextCursor: encodeCursor(start) };
  }
}
