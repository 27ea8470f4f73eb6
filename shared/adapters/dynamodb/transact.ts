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

/** Attempts of one transaction while it only collides with others on the same items. */
export const CONFLICT_ATTEMPTS = 4;
const BACKOFF_BASE_MS = 25;

/**
 * Writes one transaction. A transaction cancelled only because another one was writing the same
 * items (`TransactionConflict`, e.g. two reviews moving one project's progress counters) says
 * nothing about the request, so it is tried again after a jittered backoff, a few times; a
 * condition that failed is the caller's to read (ConditionsFailed), whatever else failed beside it.
 */
export async function transactWrite(client: DynamoDBDocumentClient, items: TransactItem[], sleep: (ms: number) => Promise<void> = defaultSleep) {
  if (items.length === 0) return;
  if (items.length > 100) throw new Error(`A transaction holds at most 100 items, got ${items.length}`);
  for (let attempt = 1; ; attempt++) {
    try {
      return await client.send(new TransactWriteCommand({ TransactItems: items }));
    } catch (e) {
      const reasons = cancellationReasons(e);
      if (!reasons) throw e;
      const failed = reasons.flatMap((code, i) => (code === 'ConditionalCheckFailed' ? [i] : []));
      if (failed.length) throw new ConditionsFailed(failed, reasons);
      if (!reasons.includes('TransactionConflict') || attempt >= CONFLICT_ATTEMPTS) throw e;
      // Full jitter: colliding writers spread out instead of colliding again in step.
      await sleep(Math.random() * BACKOFF_BASE_MS * 2 ** attempt);
    }
  }
}

function cancellationReasons(e: unknown): (string | undefined)[] | undefined {
  if (!(e instanceof TransactionCanceledException) && (e as Error)?.name !== 'TransactionCanceledException') return undefined;
  return ((e as TransactionCanceledException).CancellationReasons ?? []).map((r) => r.Code);
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
