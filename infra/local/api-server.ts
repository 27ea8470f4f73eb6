import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';
import type { LocalFunction, LocalLambdas } from './lambda-runtime';
import type { TemplateResolver } from './template';

interface LocalRoute {
  method: string;
  path: string;
  pattern: RegExp;
  paramNames: string[];
  routeKey: string;
  fn: LocalFunction;
  jwt: boolean;
}

/** API Gateway's own payload limit for HTTP APIs; the handlers enforce their smaller one. */
const GATEWAY_MAX_BODY = 10 * 1024 * 1024;

/**
 * Reads the HTTP API out of the template — each AWS::ApiGatewayV2::Route with its integration's
 * function and its authorization type — so the local server serves exactly the deployed routes.
 */
export function routesFromTemplate(resolver: TemplateResolver, lambdas: LocalLambdas): LocalRoute[] {
  const integrations = new Map<string, LocalFunction>();
  for (const { stack, id, resource } of resolver.resources('AWS::ApiGatewayV2::Integration')) {
    const uri = resolver.resolve(resource.Properties?.IntegrationUri, stack) as string;
    const fn = lambdas.byArn(uri);
    if (fn) integrations.set(`${stack}/${id}`, fn);
  }
  return resolver.resources('AWS::ApiGatewayV2::Route').map(({ stack, resource }) => {
    const routeKey = resource.Properties!.RouteKey as string;
    const [method, path] = routeKey.split(' ') as [string, string];
    const target = resolver.resolve(resource.Properties!.Target, stack) as string;
    const integrationId = resource.Properties!.Target?.['Fn::Join']?.[1]?.find((p: unknown) => typeof p === 'object' && p && 'Ref' in p)?.Ref;
    const fn = integrations.get(`${stack}/${integrationId}`);
    if (!fn) throw new Error(`Route ${routeKey} targets ${target}, which is no local function`);
    const paramNames: string[] = [];
    const pattern = new RegExp(
      `^${path.replace(/\{(\w+)\+?\}/g, (_, n: string) => {
        paramNames.push(n);
        return '([^/]+)';
      })}$`,
    );
    return { method, path, pattern, paramNames, routeKey, fn, jwt: resource.Properties!.AuthorizationType === 'JWT' };
  });
}

/** HTTP APIs hand claims to Lambda as strings, arrays flattened to "[a b]"; mimic that exactly. */
function gatewayClaims(p: JWTPayload): Record<string, string> {
  return Object.fromEntries(Object.entries(p).map(([k, v]) => [k, Array.isArray(v) ? `[${v.join(' ')}]` : String(v)]));
}

export interface ApiServerOptions {
  port: number;
  cognitoUrl: string;
  userPoolId: string;
  clientId: string;
  log?: (line: string) => void;
}

export async function startApiServer(routes: LocalRoute[], lambdas: LocalLambdas, opts: ApiServerOptions): Promise<Server> {
  const issuer = `${opts.cognitoUrl}/${opts.userPoolId}`;
  const jwks = createRemoteJWKSet(new URL(`${issuer}/.well-known/jwks.json`));

  async function verify(authorization: string | undefined): Promise<JWTPayload | undefined> {
    const token = authorization?.match(/^Bearer\s+(.+)$/i)?.[1];
    if (!token) return undefined;
    try {
      const { payload } = await jwtVerify(token, jwks, { issuer });
      // The JWT authorizer accepts an access token whose client_id (or an id token whose aud) is the app client.
      const audience = payload.client_id ?? payload.aud;
      if (audience !== opts.clientId && !(Array.isArray(audience) && audience.includes(opts.clientId))) return undefined;
      return payload;
    } catch {
      return undefined;
    }
  }

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  };

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const c of req) {
      size += (c as Buffer).length;
      if (size > GATEWAY_MAX_BODY) return send(res, 413, { message: 'Request Entity Too Large' });
      chunks.push(c as Buffer);
    }
    if (req.method === 'OPTIONS') {
      return send(res, 204, '', { 'access-control-allow-origin': '*', 'access-control-allow-headers': 'authorization,content-type,idempotency-key', 'access-control-allow-methods': 'GET,POST,PUT,PATCH,DELETE' });
    }
    const candidates = routes.filter((r) => r.pattern.test(url.pathname));
    const route = candidates.find((r) => r.method === req.method);
    if (!route) return send(res, 404, { message: 'Not Found' });
    const params = Object.fromEntries(route.paramNames.map((n, i) => [n, decodeURIComponent(url.pathname.match(route.pattern)![i + 1]!)]));

    let claims: JWTPayload | undefined;
    if (route.jwt) {
      claims = await verify(req.headers.authorization);
      if (!claims) return send(res, 401, { message: 'Unauthorized' });
    }
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v.join(',') : String(v)]));
    const body = Buffer.concat(chunks).toString('utf8');
    const now = new Date();
    const event = {
      version: '2.0',
      routeKey: route.routeKey,
      rawPath: url.pathname,
      rawQueryString: url.search.slice(1),
      headers,
      queryStringParameters: url.searchParams.size ? Object.fromEntries(url.searchParams) : undefined,
      pathParameters: route.paramNames.length ? params : undefined,
      body: body || undefined,
      isBase64Encoded: false,
      requestContext: {
        accountId: 'local',
        apiId: 'local',
        domainName: headers.host ?? 'localhost',
        domainPrefix: 'local',
        http: { method: req.method!, path: url.pathname, protocol: 'HTTP/1.1', sourceIp: req.socket.remoteAddress ?? '127.0.0.1', userAgent: headers['user-agent'] ?? '' },
        requestId: randomUUID(),
        routeKey: route.routeKey,
        stage: '$default',
        time: now.toUTCString(),
        timeEpoch: now.getTime(),
        ...(claims ? { authorizer: { jwt: { claims: gatewayClaims(claims), scopes: String(claims.scope ?? '').split(' ').filter(Boolean) } } } : {}),
      },
    };
    try {
      const r = (await lambdas.invoke(route.fn, event)) as { statusCode: number; headers?: Record<string, string>; body?: string };
      send(res, r.statusCode, r.body ?? '', { 'access-control-allow-origin': '*', ...(r.headers ?? {}) });
    } catch (e) {
      opts.log?.(`[api] ${route.routeKey} crashed: ${(e as Error).stack}`);
      send(res, 500, { message: 'Internal Server Error' });
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((e: Error) => {
      opts.log?.(`[api] ${e.stack}`);
      if (!res.headersSent) send(res, 500, { message: 'Internal Server Error' });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, '127.0.0.1', resolve);
  });
  return server;
}
