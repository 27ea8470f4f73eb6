import { describe, expect, it } from 'vitest';
import type { RouteDef } from '../../../shared/api/routes';
import { DomainError } from '../../../shared/domain/errors';
import { authorize, callerFromClaims, parseGroups, type Caller } from '../../../shared/http/auth';

const route = (auth: RouteDef['auth']): RouteDef => ({ method: 'GET', path: '/x', handler: 'api/x', auth, summary: 'x' });

function errorOf(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(DomainError);
    return e as DomainError;
  }
  throw new Error('expected an error');
}

describe('parseGroups', () => {
  it('reads a JSON array (local server)', () => {
    expect(parseGroups(['clients', 'admins'])).toEqual(['clients', 'admins']);
  });

  it("reads API Gateway's flattened \"[a b]\" string", () => {
    expect(parseGroups('[clients admins]')).toEqual(['clients', 'admins']);
    expect(parseGroups('[workers]')).toEqual(['workers']);
    expect(parseGroups('[clients, reviewers]')).toEqual(['clients', 'reviewers']);
  });

  it('drops unknown groups in both shapes', () => {
    expect(parseGroups(['clients', 'superusers', 'root'])).toEqual(['clients']);
    expect(parseGroups('[superusers workers]')).toEqual(['workers']);
  });

  it('returns no groups for missing or odd input', () => {
    expect(parseGroups(undefined)).toEqual([]);
    expect(parseGroups('')).toEqual([]);
    expect(parseGroups('[]')).toEqual([]);
    expect(parseGroups(42)).toEqual([]);
  });
});

describe('callerFromClaims', () => {
  it('builds a caller from sub, org and groups', () => {
    expect(callerFromClaims({ sub: 'u1', 'custom:org_id': 'org9', 'cognito:groups': '[clients]' })).toEqual({ userId: 'u1', orgId: 'org9', groups: ['clients'] });
  });

  it('uses the user id as the org when there is none', () => {
    expect(callerFromClaims({ sub: 'u1', 'cognito:groups': ['workers'] })).toEqual({ userId: 'u1', orgId: 'u1', groups: ['workers'] });
  });

  it('has no caller without a subject', () => {
    expect(callerFromClaims(undefined)).toBeUndefined();
    expect(callerFromClaims({})).toBeUndefined();
    expect(callerFromClaims({ sub: '' })).toBeUndefined();
  });
});

describe('authorize', () => {
  const client: Caller = { userId: 'u1', orgId: 'u1', groups: ['clients'] };

  it('lets anybody through a public route', () => {
    expect(authorize(route('public'), undefined)).toBeUndefined();
    expect(authorize(route('public'), client)).toBe(client);
  });

  it('is unauthenticated (401) without a caller', () => {
    const e = errorOf(() => authorize(route({ groups: ['clients'] }), undefined));
    expect(e.kind).toBe('unauthenticated');
  });

  it('is forbidden (403) for a caller of the wrong group', () => {
    const e = errorOf(() => authorize(route({ groups: ['workers'] }), client));
    expect(e.kind).toBe('forbidden');
    expect(e.code).toBe('wrong_group');
    expect(e.details).toEqual({ required: ['workers'] });
  });

  it('is forbidden for a caller with no groups', () => {
    expect(errorOf(() => authorize(route({ groups: ['clients'] }), { ...client, groups: [] })).kind).toBe('forbidden');
  });

  it('accepts a caller in any one of the groups', () => {
    expect(authorize(route({ groups: ['admins', 'clients'] }), client)).toBe(client);
  });
});
