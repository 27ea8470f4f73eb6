import { describe, expect, it } from 'vitest';
import { MICROTASKS_PER_TRANSACTION } from '../../../shared/adapters/dynamodb/marketplace-store';
import { transactionChunks } from '../../../shared/app/projects';

describe('transactionChunks', () => {
  it('fills each transaction up to its item limit, a gold microtask taking two items', () => {
    const plain = Array.from({ length: 200 }, () => ({}));
    expect(transactionChunks(plain).map((c) => [c.start, c.chunk.length])).toEqual([
      [0, MICROTASKS_PER_TRANSACTION],
      [MICROTASKS_PER_TRANSACTION, MICROTASKS_PER_TRANSACTION],
      [2 * MICROTASKS_PER_TRANSACTION, 200 - 2 * MICROTASKS_PER_TRANSACTION],
    ]);
    const gold = Array.from({ length: 100 }, () => ({ gold: { answer: {} } }));
    expect(transactionChunks(gold).map((c) => c.chunk.length)).toEqual([MICROTASKS_PER_TRANSACTION / 2, MICROTASKS_PER_TRANSACTION / 2, 10]);
  });

  it('never splits a gold microtask from its expected answer, nor exceeds the limit, whatever the mix', () => {
    const mixed = Array.from({ length: 301 }, (_, i) => (i % 3 === 0 ? { gold: i } : {}));
    const chunks = transactionChunks(mixed);
    for (const c of chunks) expect(c.chunk.reduce((n, m) => n + ('gold' in m ? 2 : 1), 0)).toBeLessThanOrEqual(MICROTASKS_PER_TRANSACTION);
    expect(chunks.flatMap((c) => c.chunk)).toEqual(mixed);
    expect(chunks.map((c) => c.start)).toEqual(chunks.map((_, i) => chunks.slice(0, i).reduce((n, c) => n + c.chunk.length, 0)));
  });
});
