import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { CONFLICT_ATTEMPTS, ConditionsFailed, transactWrite, type TransactItem } from '../../../shared/adapters/dynamodb/transact';

const cancelled = (...codes: string[]) => new TransactionCanceledException({ message: 'cancelled', $metadata: {}, CancellationReasons: codes.map((Code) => ({ Code })) });

/** A client that fails with each given error in turn, then succeeds. */
function clientFailing(...errors: Error[]) {
  let calls = 0;
  const client = {
    send: async () => {
      const e = errors[calls++];
      if (e) throw e;
      return { ok: true };
    },
  } as unknown as DynamoDBDocumentClient;
  return { client, calls: () => calls };
}

const items: TransactItem[] = [{ ConditionCheck: { TableName: 't', Key: { pk: 'a', sk: 'b' }, ConditionExpression: 'attribute_exists(pk)' } }];

describe('transactWrite', () => {
  it('tries a transaction again after a conflict with another transaction, with a growing jittered wait', async () => {
    const { client, calls } = clientFailing(cancelled('None', 'TransactionConflict'), cancelled('TransactionConflict', 'None'));
    const waits: number[] = [];
    await expect(transactWrite(client, items, async (ms) => void waits.push(ms))).resolves.toEqual({ ok: true });
    expect(calls()).toBe(3);
    expect(waits).toHaveLength(2);
    expect(waits[0]).toBeLessThan(50);
    expect(waits[1]).toBeLessThan(100);
  });

  it('gives up after a bounded number of conflicts and rethrows the cancellation', async () => {
    const { client, calls } = clientFailing(...Array.from({ length: 10 }, () => cancelled('TransactionConflict')));
    await expect(transactWrite(client, items, async () => undefined)).rejects.toBeInstanceOf(TransactionCanceledException);
    expect(calls()).toBe(CONFLICT_ATTEMPTS);
  });

  it('never retries a failed condition: the caller reads which item refused, even beside a conflict', async () => {
    const { client, calls } = clientFailing(cancelled('None', 'ConditionalCheckFailed', 'TransactionConflict'));
    const e = await transactWrite(client, items, async () => undefined).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ConditionsFailed);
    expect((e as ConditionsFailed).failed).toEqual([1]);
    expect(calls()).toBe(1);
  });

  it('rethrows other cancellations and errors at once', async () => {
    const capacity = clientFailing(cancelled('ThrottlingError'));
    await expect(transactWrite(capacity.client, items, async () => undefined)).rejects.toBeInstanceOf(TransactionCanceledException);
    expect(capacity.calls()).toBe(1);
    const other = clientFailing(new Error('network'));
    await expect(transactWrite(other.client, items, async () => undefined)).rejects.toThrow('network');
    expect(other.calls()).toBe(1);
  });
});
