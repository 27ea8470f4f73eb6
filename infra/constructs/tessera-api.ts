import { Aws, Duration, Stack, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  AuthorizerPayloadVersion,
  CorsHttpMethod,
  HttpApi,
  HttpAuthorizer,
  HttpAuthorizerType,
  HttpMethod,
  HttpNoneAuthorizer,
  HttpRoute,
  HttpRouteKey,
  HttpStage,
  LogGroupLogDestination,
  type IHttpRouteAuthorizer,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IUserPool } from 'aws-cdk-lib/aws-cognito';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { RouteDef, RouteName } from '../../shared/api/routes';
import type { StageConfig } from './stage-config';
import type { TesseraFunction } from './tessera-function';

export interface TesseraApiProps {
  readonly config: StageConfig;
  /** The Lambda authorizer: Cognito tokens and API keys (functions/auth/authorizer.ts). */
  readonly authorizer: TesseraFunction;
}

/** The issuer of the user pool's tokens, as Cognito writes it in `iss`. */
export const cognitoIssuer = (scope: Construct, userPool: IUserPool) => `https://cognito-idp.${Stack.of(scope).region}.amazonaws.com/${userPool.userPoolId}`;

/** JSON access log line; every value quoted so a missing variable ("-") still parses. */
const ACCESS_LOG_FIELDS = {
  requestId: '$context.requestId',
  ip: '$context.identity.sourceIp',
  userAgent: '$context.identity.userAgent',
  requestTime: '$context.requestTime',
  routeKey: '$context.routeKey',
  path: '$context.path',
  protocol: '$context.protocol',
  status: '$context.status',
  responseLength: '$context.responseLength',
  responseLatency: '$context.responseLatency',
  integrationLatency: '$context.integrationLatency',
  integrationError: '$context.integrationErrorMessage',
  authorizerError: '$context.authorizer.error',
  principal: '$context.authorizer.principal',
  userId: '$context.authorizer.userId',
};

/**
 * The HTTP API (docs/adr/0001-http-api-with-jwt-authorizer.md): the API, its default stage with
 * access logs, and the Lambda authorizer, which accepts a Cognito JWT of the web client or an
 * organisation's API key (docs/adr/0005-api-keys-and-lambda-authorizer.md). The routes are added by
 * TesseraRoutes in the route stacks (docs/adr/0014-route-stacks.md); groups, and which routes a key
 * may call, are checked by the shared handler wrapper against the route table.
 */
export class TesseraApi extends Construct {
  readonly httpApi: HttpApi;
  readonly stage: HttpStage;
  readonly accessLogs: LogGroup;
  readonly authorizer: HttpAuthorizer;

  constructor(scope: Construct, id: string, props: TesseraApiProps) {
    super(scope, id);
    const { config } = props;

    this.httpApi = new HttpApi(this, 'HttpApi', {
      apiName: `tessera-${config.stage}`,
      description: 'Tessera crowdsourcing API',
      createDefaultStage: false,
      corsPreflight: {
        allowOrigins: config.allowedOrigins,
        allowMethods: [CorsHttpMethod.GET, CorsHttpMethod.POST, CorsHttpMethod.PUT, CorsHttpMethod.PATCH, CorsHttpMethod.DELETE, CorsHttpMethod.OPTIONS],
        allowHeaders: ['authorization', 'content-type', 'idempotency-key'],
        maxAge: Duration.hours(1),
      },
    });

    this.accessLogs = new LogGroup(this, 'AccessLogs', { retention: config.logRetention, removalPolicy: config.removalPolicy });
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: config.apiThrottle.rateLimit, burstLimit: config.apiThrottle.burstLimit },
      accessLogSettings: {
        destination: new LogGroupLogDestination(this.accessLogs),
        format: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
      },
    });

    // Made here rather than by the first route that binds it, which would put it in whichever route
    // stack that is. Same construct path as before the split, so a deployed authorizer is kept.
    // Cached per Authorization header: a revoked key or an expired token is refused at most one TTL later.
    const fn = props.authorizer.function;
    this.authorizer = new HttpAuthorizer(this.httpApi, 'TesseraAuthorizer', {
      httpApi: this.httpApi,
      type: HttpAuthorizerType.LAMBDA,
      authorizerName: 'tessera-tokens-and-keys',
      identitySource: ['$request.header.Authorization'],
      enableSimpleResponses: true,
      payloadFormatVersion: AuthorizerPayloadVersion.VERSION_2_0,
      authorizerUri: `arn:${Aws.PARTITION}:apigateway:${Stack.of(fn).region}:lambda:path/2015-03-31/functions/${fn.functionArn}/invocations`,
      resultsCacheTtl: config.authorizerCacheTtl,
    });
    fn.addPermission('ApiGatewayInvoke', {
      principal: new ServicePrincipal('apigateway.amazonaws.com'),
      sourceArn: Stack.of(this).formatArn({ service: 'execute-api', resource: this.httpApi.apiId, resourceName: `authorizers/${this.authorizer.authorizerId}` }),
    });
  }

  /** The invoke URL of the default stage, e.g. https://abc123.execute-api.eu-west-1.amazonaws.com/ */
  get url(): string {
    return this.stage.url;
  }
}

export interface TesseraRoutesProps {
  readonly api: TesseraApi;
  /** Entries of the route table, each with its function in `functions`. */
  readonly routes: readonly (RouteDef & { name: RouteName })[];
  readonly functions: Partial<Record<RouteName, TesseraFunction>>;
}

/**
 * Routes of the route table on the HTTP API of another stack: each route, its Lambda integration
 * and the integration's invoke permission are made here, in the stack of the route's function.
 * Public routes have no authorizer; every other route names the API's authorizer by its id.
 */
export class TesseraRoutes extends Construct {
  constructor(scope: Construct, id: string, props: TesseraRoutesProps) {
    super(scope, id);
    const { httpApi } = props.api;
    const authorizer: IHttpRouteAuthorizer = HttpAuthorizer.fromHttpAuthorizerAttributes(this, 'Authorizer', { authorizerId: props.api.authorizer.authorizerId, authorizerType: 'CUSTOM' });
    const none = new HttpNoneAuthorizer();

    for (const route of props.routes) {
      const fn = props.functions[route.name];
      if (!fn) throw new Error(`No function for route ${route.name}`);
      const isPublic = route.auth === 'public';
      const httpRoute = new HttpRoute(this, route.name, {
        httpApi,
        routeKey: HttpRouteKey.with(route.path, HttpMethod[route.method]),
        integration: new HttpLambdaIntegration('Integration', fn.function),
        authorizer: isPublic ? none : authorizer,
      });
      if (isPublic) {
        Validations.of(httpRoute).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason: `${route.method} ${route.path} is public by design in the route table (${route.summary}); it exposes no user data.`,
        });
      }
    }
  }
}
