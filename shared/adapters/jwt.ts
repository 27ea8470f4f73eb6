import { createRemoteJWKSet, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';

/**
 * Verifies a Cognito token as API Gateway's JWT authorizer did: signature against the pool's JWKS
 * (fetched once and cached per cold start), issuer, expiry, and an access token's `client_id` or an
 * id token's `aud` equal to the app client.
 */
export function cognitoJwtVerifier(issuer: string, audience: string, jwks: JWTVerifyGetKey = createRemoteJWKSet(new URL(`${issuer}/.well-known/jwks.json`))) {
  return async (token: string): Promise<JWTPayload | undefined> => {
    try {
      const { payload } = await jwtVerify(token, jwks, { issuer });
      const aud = payload.client_id ?? payload.aud;
      if (aud !== audience && !(Array.isArray(aud) && aud.includes(audience))) return undefined;
      return payload;
    } catch {
      return undefined;
    }
  };
}
