import { DomainError } from '../domain/errors';
import type { Group, RouteDef } from '../api/routes';
import { GROUPS } from '../api/routes';

export interface Caller {
  userId: string;
  /** The organisation a client acts for. Until organisations have members it is the user's own id. */
  orgId: string;
  groups: Group[];
  /** Set when the caller is a client system with an API key rather than a signed-in user. */
  apiKeyId?: string;
}

/**
 * What the Lambda authorizer hands every handler (`requestContext.authorizer.lambda`). API Gateway
 * passes simple-response context values as strings, so that is all this holds. A request whose
 * credential failed still reaches the handler, with `principal: 'none'` and the reason, so the
 * refusal is a 401 in the API's own error format (docs/adr/0005).
 */
export type AuthorizerContext =
  | { principal: 'user' | 'api_key'; userId: string; orgId: string; groups: string; apiKeyId?: string }
  | { principal: 'none'; refusal: string };

export function authorizerContext(caller: Caller): AuthorizerContext {
  return {
    principal: caller.apiKeyId ? 'api_key' : 'user',
    userId: caller.userId,
    orgId: caller.orgId,
    groups: caller.groups.join(' '),
    ...(caller.apiKeyId ? { apiKeyId: caller.apiKeyId } : {}),
  };
}

export interface Authentication {
  caller?: Caller;
  /** Why the presented credential was refused (`invalid_token`, `api_key_revoked`, …). */
  refusal?: string;
}

export function authenticationFromContext(ctx: Record<string, unknown> | undefined): Authentication {
  if (!ctx) return {};
  if (ctx.principal === 'none') return { refusal: typeof ctx.refusal === 'string' ? ctx.refusal : 'invalid_token' };
  const { userId, orgId, apiKeyId } = ctx;
  if ((ctx.principal !== 'user' && ctx.principal !== 'api_key') || typeof userId !== 'string' || !userId || typeof orgId !== 'string' || !orgId) return {};
  if (ctx.principal === 'api_key') {
    // A key acts for its organisation as a client, whatever else the context might say.
    if (typeof apiKeyId !== 'string' || !apiKeyId) return {};
    return { caller: { userId, orgId, groups: ['clients'], apiKeyId } };
  }
  return { caller: { userId, orgId, groups: parseGroups(ctx.groups) } };
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

const REFUSALS: Record<string, string> = {
  invalid_token: 'The bearer token is not valid (expired, malformed or not issued for this API)',
  unknown_api_key: 'This API key does not exist',
  api_key_revoked: 'This API key was revoked',
  api_key_expired: 'This API key has expired',
};

export function authorize(route: RouteDef, caller: Caller | undefined, refusal?: string): Caller | undefined {
  if (route.auth === 'public') return caller;
  if (!caller) {
    if (refusal) throw new DomainError('unauthenticated', refusal, REFUSALS[refusal] ?? 'The credential was refused');
    throw new DomainError('unauthenticated', 'unauthenticated', 'A bearer token or an API key is required');
  }
  if (caller.apiKeyId && (!route.auth.groups.includes('clients') || route.auth.apiKeys === false)) {
    throw new DomainError('forbidden', 'api_key_not_allowed', 'API keys may call client routes only; sign in for this one');
  }
  if (!route.auth.groups.some((g) => caller.groups.includes(g))) {
    throw new DomainError('forbidden', 'wrong_group', `This route is for ${route.auth.groups.join(' or ')}`, { required: route.auth.groups });
  }
  return caller;
}
