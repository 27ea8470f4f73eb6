import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, type PartitionQuery } from '../../../shared/adapters/dynamodb/paging';
import { DomainError } from '../../../shared/domain/errors';

const mine: PartitionQuery = { index: 'gsi1', partition: 'ORG#org-1#PROJECTS' };
const key = { gsi1pk: 'ORG#org-1#PROJECTS', gsi1sk: '2026-01-01T00:00:00.000Z#prj_1', pk: 'PROJECT#prj_1', sk: 'PROJECT' };

const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    if (e instanceof DomainError) return `${e.kind}:${e.code}`;
    throw e;
  }
  return 'accepted';
};
const forge = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');

describe('cursors', () => {
  it('round-trip the last key of a page', () => {
    const cursor = encodeCursor(key)!;
    expect(cursor).toMatch(/^[\w-]+$/);
    expect(decodeCursor(cursor, mine)).toEqual(key);
    expect(encodeCursor(undefined)).toBeUndefined();
    expect(decodeCursor(undefined, mine)).toBeUndefined();
  });

  it("refuse another partition's cursor: another org cannot be paged through", () => {
    const foreign = encodeCursor({ ...key, gsi1pk: 'ORG#org-2#PROJECTS' })!;
    expect(codeOf(() => decodeCursor(foreign, mine))).toBe('validation:invalid_cursor');
  });

  it('refuse tampered shapes: extra or missing attributes, non-strings, garbage', () => {
    for (const bad of [
      forge({ ...key, extra: 'x' }),
      forge({ gsi1pk: key.gsi1pk, gsi1sk: key.gsi1sk }),
      forge({ ...key, gsi1sk: { S: 'x' } }),
      forge({ ...key, gsi1sk: 7 }),
      forge({ ...key, gsi1sk: '' }),
      forge([key]),
      forge('null'),
      forge('{not json'),
      '%%%',
    ]) {
      expect(codeOf(() => decodeCursor(bad, mine)), bad).toBe('validation:invalid_cursor');
    }
  });

  it('hold a base-table cursor to its partition and sort-key range', () => {
    const statement: PartitionQuery = { partition: 'ACCOUNT#client:org-1:funds', sortKeyPrefix: 'POSTING#' };
    expect(decodeCursor(encodeCursor({ pk: 'ACCOUNT#client:org-1:funds', sk: 'POSTING#2026#e1' }), statement)).toBeDefined();
    expect(codeOf(() => decodeCursor(encodeCursor({ pk: 'ACCOUNT#client:org-1:funds', sk: 'ACCOUNT' }), statement))).toBe('validation:invalid_cursor');
    expect(codeOf(() => decodeCursor(encodeCursor({ pk: 'ACCOUNT#client:org-2:funds', sk: 'POSTING#2026#e1' }), statement))).toBe('validation:invalid_cursor');
  });
});
