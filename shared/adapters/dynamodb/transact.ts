import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

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
