import type { APIGatewayRequestAuthorizerEventV2, APIGatewaySimpleAuthorizerWithContextResult } from 'aws-lambda';
import { cognitoJwtVerifier } from '../../shared/adapters/jwt';
import { authenticate } from '../../shared/app/authentication';
import { getDeps } from '../../shared/app/deps';
import { config } from '../../shared/config';
import type { AuthorizerContext } from '../../shared/http/auth';
import { logger } from '../../shared/http/observability';

let verifyJwt: ReturnType<typeof cognitoJwtVerifier> | undefined;

/**
 * The HTTP API's Lambda authorizer (simple responses, docs/adr/0005). It lets every request with an
 * Authorization header through to the route's handler and says who the caller is, or why the
 * credential was refused, so refusals are 401s in the API's own error format.
 */
export const handler = async (event: APIGatewayRequestAuthorizerEventV2): Promise<APIGatewaySimpleAuthorizerWithContextResult<AuthorizerContext>> => {
  verifyJwt ??= cognitoJwtVerifier(config.jwtIssuer(), config.jwtAudience());
  const deps = getDeps();
  const context = await authenticate(event.headers?.authorization ?? event.identitySource?.[0], { verifyJwt, apiKeys: deps.apiKeys, now: deps.now });
  if (context.principal === 'none') logger.info('credential refused', { refusal: context.refusal, routeKey: event.routeKey });
  return { isAuthorized: true, context };
};
