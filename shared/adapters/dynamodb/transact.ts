import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { validationError } from '../../domain/errors';

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** A transaction failed because one of its conditions did not hold; `failed` lists which items, by index. */
export class ConditionsFailed extends Error {
  constructor(readonly failed: number[], readonly reasons: (string | undefined)[]) {
    super(`Transaction conditions failed at ${failed.join(', ')}`);
  }
}

export async function transactWrite(client: DynamoDBDocumentClient, items: TransactItem[]) {
  if (items.length === 0) return;
  if (items.length > 100) throw new Error(`A transaction holds at most 100 items, got ${items.length}`);
  try {
    return await client.send(new TransactWriteCommand({ TransactItems: items }));
  } catch (e) {
    if (e instanceof TransactionCanceledException || (e as Error).name === 'TransactionCanceledException') {
      const reasons = ((e as TransactionCanceledException).CancellationReasons ?? []).map((r) => r.Code);
      const failed = reasons.flatMap((code, i) => (code === 'ConditionalCheckFailed' ? [i] : []));
      if (failed.length) throw new ConditionsFailed(failed, reasons);
    }
    throw e;
  }
}

export function encodeCursor(key: Record<string, unknown> | undefined): string | undefined {
  return key ? Buffer.from(JSON.stringify(key)).toString('base64url') : undefined;
}

export function decodeCursor(cursor: string | undefined): Record<string, unknown> | undefined {
  if (!cursor) return undefined;
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw validationError('The cursor is not one this API returned', [{ path: 'query.cursor', message: 'invalid cursor' }], 'invalid_cursor');
}

export interface Page<T> {
  items: T[];
  nextCursor?: string;
}
