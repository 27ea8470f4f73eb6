import { Duration, Stack, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { CorsHttpMethod, HttpApi, HttpMethod, HttpNoneAuthorizer, HttpStage, LogGroupLogDestination, type IHttpRouteAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaAuthorizer, HttpLambdaResponseType } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IUserPool } from 'aws-cdk-lib/aws-cognito';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { routeList, type RouteName } from '../../shared/api/routes';
import type { StageConfig } from './stage-config';
import type { TesseraFunction } from './tessera-function';

export interface TesseraApiProps {
  readonly config: StageConfig;
  /** One function per entry of the route table. */
  readonly functions: Record<RouteName, TesseraFunction>;
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
 * The HTTP API (docs/adr/0001-http-api-with-jwt-authorizer.md), built from the route table: one
 * route and one Lambda per entry. Public routes have no authorizer; every other route goes through
 * the Lambda authorizer, which accepts a Cognito JWT of the web client or an organisation's API key
 * (docs/adr/0005-api-keys-and-lambda-authorizer.md). Groups, and which routes a key may call, are
 * checked by the shared handler wrapper against the same route table.
 */
export class TesseraApi extends Construct {
  readonly httpApi: HttpApi;
  readonly stage: HttpStage;
  readonly accessLogs: LogGroup;
  readonly authorizer: HttpLambdaAuthorizer;

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

    // Cached per Authorization header: a revoked key or an expired token is refused at most one TTL later.
    this.authorizer = new HttpLambdaAuthorizer('TesseraAuthorizer', props.authorizer.function, {
      authorizerName: 'tessera-tokens-and-keys',
      identitySource: ['$request.header.Authorization'],
      responseTypes: [HttpLambdaResponseType.SIMPLE],
      resultsCacheTtl: config.authorizerCacheTtl,
    });
    const none = new HttpNoneAuthorizer();

    for (const route of routeList()) {
      const fn = props.functions[route.name];
      if (!fn) throw new Error(`No function for route ${route.name}`);
      const isPublic = route.auth === 'public';
      const authorizer: IHttpRouteAuthorizer = isPublic ? none : this.authorizer;
      const [httpRoute] = this.httpApi.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration: new HttpLambdaIntegration(`${route.name}Integration`, fn.function),
        authorizer,
      });
      if (isPublic && httpRoute) {
        Validations.of(httpRoute).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason: `${route.method} ${route.path} is public by design in the route table (${route.summary}); it exposes no user data.`,
        });
      }
    }
  }

  /** The invoke URL of the default stage, e.g. https://abc123.execute-api.eu-west-1.amazonaws.com/ */
  get url(): string {
    return this.stage.url;
  }
}
