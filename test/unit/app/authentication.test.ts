import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { cognitoJwtVerifier } from '../../../shared/adapters/jwt';
import { authenticate, type AuthenticationPorts } from '../../../shared/app/authentication';
import { generateApiKey, presentedCredential, type ApiKeyCredential } from '../../../shared/domain/access/api-key';
import { DomainError } from '../../../shared/domain/errors';
import { ROUTES } from '../../../shared/api/routes';
import { authenticationFromContext, authorize } from '../../../shared/http/auth';

const ISSUER = 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_test';
const CLIENT_ID = 'web-client-id';
const NOW = '2026-03-01T12:00:00.000Z';

let sign: (claims: Record<string, unknown>, opts?: { issuer?: string; expiresIn?: string }) => Promise<string>;
let signForeign: (claims: Record<string, unknown>) => Promise<string>;
let verifyJwt: AuthenticationPorts['verifyJwt'];

beforeAll(async () => {
  const pool = await generateKeyPair('RS256');
  const stranger = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(pool.publicKey)), kid: 'k1', alg: 'RS256' };
  verifyJwt = cognitoJwtVerifier(ISSUER, CLIENT_ID, createLocalJWKSet({ keys: [jwk] }));
  const build = (claims: Record<string, unknown>, issuer: string, expiresIn: string) =>
    new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).setIssuer(issuer).setIssuedAt().setExpirationTime(expiresIn);
  sign = (claims, opts = {}) => build(claims, opts.issuer ?? ISSUER, opts.expiresIn ?? '1h').sign(pool.privateKey);
  signForeign = (claims) => build(claims, ISSUER, '1h').sign(stranger.privateKey);
});

/** An in-memory key store holding generated keys, recording every touch. */
function keyStore(credentials: ApiKeyCredential[]) {
  const touched: string[] = [];
  return {
    touched,
    store: {
      credentialByHash: async (hash: string) => credentials.find((c) => c.keyHash === hash),
      touch: async (_org: string, keyId: string) => void touched.push(keyId),
    },
  };
}

const ports = (apiKeys: AuthenticationPorts['apiKeys'] = keyStore([]).store): AuthenticationPorts => ({ verifyJwt, apiKeys, now: () => NOW });

function refusalOf(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

describe('presentedCredential', () => {
  it('tells tokens from keys by scheme and prefix', () => {
    const { key } = generateApiKey();
    expect(presentedCredential('Bearer abc.def.ghi')).toEqual({ kind: 'jwt', token: 'abc.def.ghi' });
    expect(presentedCredential(`ApiKey ${key}`)).toEqual({ kind: 'api_key', key });
    expect(presentedCredential(`Bearer ${key}`)).toEqual({ kind: 'api_key', key });
    expect(presentedCredential('ApiKey abc.def.ghi')).toEqual({ kind: 'none' });
    expect(presentedCredential('Basic dXNlcjpwYXNz')).toEqual({ kind: 'none' });
    expect(presentedCredential(undefined)).toEqual({ kind: 'none' });
  });
});

describe('authenticate: Cognito tokens', () => {
  it('passes the user, org and groups of a valid access token of the web client', async () => {
    const token = await sign({ sub: 'u-1', client_id: CLIENT_ID, 'cognito:groups': ['clients', 'admins'], 'custom:org_id': 'org-7' });
    const ctx = await authenticate(`Bearer ${token}`, ports());
    expect(ctx).toEqual({ principal: 'user', userId: 'u-1', orgId: 'org-7', groups: 'clients admins' });
    expect(authenticationFromContext(ctx).caller).toEqual({ userId: 'u-1', orgId: 'org-7', groups: ['clients', 'admins'] });
  });

  it('accepts an id token whose audience is the web client', async () => {
    const token = await sign({ sub: 'u-2', aud: CLIENT_ID, 'cognito:groups': ['workers'] });
    expect(await authenticate(`Bearer ${token}`, ports())).toMatchObject({ principal: 'user', userId: 'u-2', groups: 'workers' });
  });

  it('refuses expired, foreign-signed, other-issuer and other-client tokens, and garbage', async () => {
    const cases = [
      await sign({ sub: 'u', client_id: CLIENT_ID }, { expiresIn: '-1m' }),
      await signForeign({ sub: 'u', client_id: CLIENT_ID }),
      await sign({ sub: 'u', client_id: CLIENT_ID }, { issuer: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_other' }),
      await sign({ sub: 'u', client_id: 'another-app' }),
      'not-a-jwt',
    ];
    for (const token of cases) expect(await authenticate(`Bearer ${token}`, ports())).toEqual({ principal: 'none', refusal: 'invalid_token' });
  });
});

describe('authenticate: API keys', () => {
  const issued = generateApiKey();
  const credential: ApiKeyCredential = { keyHash: issued.keyHash, keyId: 'key_1', orgId: 'org-7' };

  it('acts for the key’s organisation as a client and records the use', async () => {
    const { store, touched } = keyStore([credential]);
    const ctx = await authenticate(`ApiKey ${issued.key}`, ports(store));
    expect(ctx).toEqual({ principal: 'api_key', userId: 'key_1', orgId: 'org-7', groups: 'clients', apiKeyId: 'key_1' });
    expect(touched).toEqual(['key_1']);
  });

  it('finds the key by its hash only: the stored record never holds the key', () => {
    expect(issued.keyHash).toMatch(/^[0-9a-f]{64}$/);
    expect(issued.keyHash).not.toContain(issued.key.slice(9));
    expect(issued.hint).toBe(`tsk_live_…${issued.key.slice(-4)}`);
    expect(generateApiKey().key).not.toBe(issued.key);
  });

  it('refuses a revoked key, an expired key and an unknown one, without touching them', async () => {
    const revoked = keyStore([{ ...credential, revokedAt: '2026-02-01T00:00:00.000Z' }]);
    expect(await authenticate(`ApiKey ${issued.key}`, ports(revoked.store))).toEqual({ principal: 'none', refusal: 'api_key_revoked' });
    const expired = keyStore([{ ...credential, expiresAt: NOW }]);
    expect(await authenticate(`ApiKey ${issued.key}`, ports(expired.store))).toEqual({ principal: 'none', refusal: 'api_key_expired' });
    const stillValid = keyStore([{ ...credential, expiresAt: '2026-03-01T12:00:01.000Z' }]);
    expect((await authenticate(`ApiKey ${issued.key}`, ports(stillValid.store))).principal).toBe('api_key');
    expect(await authenticate(`ApiKey ${generateApiKey().key}`, ports(keyStore([credential]).store))).toEqual({ principal: 'none', refusal: 'unknown_api_key' });
    expect(await authenticate('ApiKey tsk_live_short', ports())).toEqual({ principal: 'none', refusal: 'unknown_api_key' });
    expect([...revoked.touched, ...expired.touched]).toEqual([]);
  });
});

describe('authorize with the authorizer context', () => {
  const keyCtx = { principal: 'api_key', userId: 'key_1', orgId: 'org-7', groups: 'clients', apiKeyId: 'key_1' };

  it('lets a key call client routes as its organisation', () => {
    const { caller } = authenticationFromContext(keyCtx);
    expect(authorize(ROUTES.createProject, caller)).toEqual({ userId: 'key_1', orgId: 'org-7', groups: ['clients'], apiKeyId: 'key_1' });
  });

  it('refuses a key on worker and admin routes and on key management, with 403', () => {
    const { caller } = authenticationFromContext(keyCtx);
    for (const route of [ROUTES.claimAssignment, ROUTES.listMyAssignments, ROUTES.startPayoutRun, ROUTES.createApiKey, ROUTES.revokeApiKey]) {
      const e = refusalOf(() => authorize(route, caller));
      expect(e.kind, route.path).toBe('forbidden');
      expect(e.code, route.path).toBe('api_key_not_allowed');
    }
  });

  it('never gives a key more than the clients group, whatever the context claims', () => {
    expect(authenticationFromContext({ ...keyCtx, groups: 'admins workers' }).caller?.groups).toEqual(['clients']);
    expect(authenticationFromContext({ ...keyCtx, apiKeyId: '' }).caller).toBeUndefined();
  });

  it('answers a refused credential with a 401 naming why', () => {
    const { caller, refusal } = authenticationFromContext({ principal: 'none', refusal: 'api_key_revoked' });
    const e = refusalOf(() => authorize(ROUTES.listProjects, caller, refusal));
    expect(e.kind).toBe('unauthenticated');
    expect(e.code).toBe('api_key_revoked');
  });

  it('is forbidden for a signed-in user of the wrong group', () => {
    const { caller } = authenticationFromContext({ principal: 'user', userId: 'w', orgId: 'w', groups: 'workers' });
    expect(refusalOf(() => authorize(ROUTES.createProject, caller)).code).toBe('wrong_group');
  });
});
