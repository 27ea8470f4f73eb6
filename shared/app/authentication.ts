import { hashApiKey, keyRefusal, looksLikeApiKey, presentedCredential, type ApiKeyCredential } from '../domain/access/api-key';
import { authorizerContext, callerFromClaims, type AuthorizerContext } from '../http/auth';

export interface AuthenticationPorts {
  verifyJwt: (token: string) => Promise<Record<string, unknown> | undefined>;
  apiKeys: {
    credentialByHash(keyHash: string): Promise<ApiKeyCredential | undefined>;
    touch(orgId: string, keyId: string, now: string): Promise<void>;
  };
  now: () => string;
}

const refused = (refusal: string): AuthorizerContext => ({ principal: 'none', refusal });

/**
 * Who is calling, from the Authorization header: a Cognito user (with the groups of their token) or
 * an organisation's API key (as a client). Which routes the caller may use is decided per route
 * by the handler wrapper (shared/http/auth.ts), from the route table.
 */
export async function authenticate(authorization: string | undefined, ports: AuthenticationPorts): Promise<AuthorizerContext> {
  const presented = presentedCredential(authorization);
  if (presented.kind === 'jwt') {
    const claims = await ports.verifyJwt(presented.token);
    const caller = callerFromClaims(claims as never);
    return caller ? authorizerContext(caller) : refused('invalid_token');
  }
  if (presented.kind === 'api_key') {
    if (!looksLikeApiKey(presented.key)) return refused('unknown_api_key');
    const credential = await ports.apiKeys.credentialByHash(hashApiKey(presented.key));
    if (!credential) return refused('unknown_api_key');
    const now = ports.now();
    const refusal = keyRefusal(credential, now);
    if (refusal) return refused(refusal);
    await ports.apiKeys.touch(credential.orgId, credential.keyId, now);
    return authorizerContext({ userId: credential.keyId, orgId: credential.orgId, groups: ['clients'], apiKeyId: credential.keyId });
  }
  return refused('invalid_token');
}
