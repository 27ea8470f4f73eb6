import { DomainError } from '../domain/errors';
import type { Group, RouteDef } from '../api/routes';
import { GROUPS } from '../api/routes';

export interface Caller {
  userId: string;
  /** The organisation a client acts for. Until organisations have members it is the user's own id. */
  orgId: string;
  groups: Group[];
}

type Claims = Record<string, string | number | boolean | string[] | undefined>;

/**
 * API Gateway HTTP APIs flatten array claims into a string like "[clients admins]", while the local
 * server passes the JSON array; both shapes are accepted here so the handler code is the same.
 */
export function parseGroups(raw: unknown): Group[] {
  let list: string[] = [];
  if (Array.isArray(raw)) list = raw.map(String);
  else if (typeof raw === 'string') list = raw.replace(/^\[|\]$/g, '').split(/[\s,]+/).filter(Boolean);
  return list.filter((g): g is Group => (GROUPS as readonly string[]).includes(g));
}

export function callerFromClaims(claims: Claims | undefined): Caller | undefined {
  const sub = claims?.sub;
  if (typeof sub !== 'string' || !sub) return undefined;
  const org = claims?.['custom:org_id'];
  return { userId: sub, orgId: typeof org === 'string' && org ? org : sub, groups: parseGroups(claims?.['cognito:groups']) };
}

export function authorize(route: RouteDef, caller: Caller | undefined): Caller | undefined {
  if (route.auth === 'public') return caller;
  if (!caller) throw new DomainError('unauthenticated', 'unauthenticated', 'A valid bearer token is required');
  if (!route.auth.groups.some((g) => caller.groups.includes(g))) {
    throw new DomainError('forbidden', 'wrong_group', `This route is for ${route.auth.groups.join(' or ')}`, { required: route.auth.groups });
  }
  return caller;
}
