import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { LocalFunction, LocalLambdas } from './lambda-runtime';
import type { TemplateResolver } from './template';

interface LocalRoute {
  method: string;
  path: string;
  pattern: RegExp;
  paramNames: string[];
  routeKey: string;
  fn: LocalFunction;
  authorizer?: LocalAuthorizer;
}

/** An HTTP API Lambda REQUEST authorizer (payload 2.0, simple responses), as the template declares it. */
interface LocalAuthorizer {
  id: string;
  fn: LocalFunction;
  /** `$request.header.Authorization` → `authorization` */
  identityHeaders: string[];
  ttlSeconds: number;
}

/** API Gateway's own payload limit for HTTP APIs; the handlers enforce their smaller one. */
const GATEWAY_MAX_BODY = 10 * 1024 * 1024;

/** Every authorizer of the templates, by its id (its Ref). */
function authorizersFromTemplate(resolver: TemplateResolver, lambdas: LocalLambdas): Map<string, LocalAuthorizer> {
  const out = new Map<string, LocalAuthorizer>();
  for (const { stack, id, resource } of resolver.resources('AWS::ApiGatewayV2::Authorizer')) {
    const p = resource.Properties ?? {};
    if (p.AuthorizerType !== 'REQUEST' || p.AuthorizerPayloadFormatVersion !== '2.0' || p.EnableSimpleResponses !== true) {
      throw new Error(`Authorizer ${id}: only Lambda REQUEST authorizers with payload 2.0 and simple responses are emulated`);
    }
    const uri = resolver.resolve(p.AuthorizerUri, stack) as string;
    const fn = lambdas.byArn(uri.match(/\/functions\/(.+)\/invocations$/)?.[1] ?? '');
    if (!fn) throw new Error(`Authorizer ${id} invokes ${uri}, which is no local function`);
    const identityHeaders = (p.IdentitySource as string[]).map((src) => {
      const header = src.match(/^\$request\.header\.(.+)$/)?.[1];
      if (!header) throw new Error(`Authorizer ${id}: identity source ${src} is not emulated`);
      return header.toLowerCase();
    });
    out.set(resolver.resolve({ Ref: id }, stack) as string, { id, fn, identityHeaders, ttlSeconds: Number(p.AuthorizerResultTtlInSeconds ?? 300) });
  }
  return out;
}

/**
 * Reads the HTTP API out of the template — each AWS::ApiGatewayV2::Route with its integration's
 * function and its authorizer — so the local server serves exactly the deployed routes.
 */
export function routesFromTemplate(resolver: TemplateResolver, lambdas: LocalLambdas): LocalRoute[] {
  const integrations = new Map<string, LocalFunction>();
  for (const { stack, id, resource } of resolver.resources('AWS::ApiGatewayV2::Integration')) {
    const uri = resolver.resolve(resource.Properties?.IntegrationUri, stack) as string;
    const fn = lambdas.byArn(uri);
    if (fn) integrations.set(`${stack}/${id}`, fn);
  }
  const authorizers = authorizersFromTemplate(resolver, lambdas);
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
    const type = resource.Properties!.AuthorizationType ?? 'NONE';
    let authorizer: LocalAuthorizer | undefined;
    if (type === 'CUSTOM') {
      // By its id, which a route in another stack than the authorizer's imports.
      authorizer = authorizers.get(resolver.resolve(resource.Properties!.AuthorizerId, stack) as string);
      if (!authorizer) throw new Error(`Route ${routeKey} names an authorizer the template does not define`);
    } else if (type !== 'NONE') {
      throw new Error(`Route ${routeKey}: authorization type ${type} is not emulated`);
    }
    return { method, path, pattern, paramNames, routeKey, fn, authorizer };
  });
}

export interface ApiServerOptions {
  port: number;
  log?: (line: string) => void;
}

type SimpleAuthorizerResult = { isAuthorized: boolean; context?: Record<string, unknown> };

export async function startApiServer(routes: LocalRoute[], lambdas: LocalLambdas, opts: ApiServerOptions): Promise<Server> {
  // API Gateway caches an authorizer's answer per authorizer and identity-source values, for its TTL.
  const cache = new Map<string, { until: number; result: SimpleAuthorizerResult }>();

  async function runAuthorizer(a: LocalAuthorizer, identity: string[], request: Record<string, unknown>): Promise<SimpleAuthorizerResult> {
    const key = JSON.stringify([a.id, identity]);
    const hit = cache.get(key);
    if (hit && hit.until > Date.now()) return hit.result;
    const result = (await lambdas.invoke(a.fn, { ...request, type: 'REQUEST', identitySource: identity, routeArn: `arn:aws:execute-api:local:local:local/$default/${String(request.routeKey).replace(' ', '')}` })) as SimpleAuthorizerResult;
    if (a.ttlSeconds > 0) cache.set(key, { until: Date.now() + a.ttlSeconds * 1000, result });
    return result;
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

    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v.join(',') : String(v)]));
    const body = Buffer.concat(chunks).toString('utf8');
    const now = new Date();
    const event: Record<string, any> = {
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
      },
    };

    if (route.authorizer) {
      // As API Gateway: a missing identity source is a 401 without calling the authorizer; a denial is a 403; a failing authorizer a 500.
      const identity = route.authorizer.identityHeaders.map((h) => headers[h] ?? '');
      if (identity.some((v) => !v)) return send(res, 401, { message: 'Unauthorized' });
      let result: SimpleAuthorizerResult;
      try {
        const { body: _body, isBase64Encoded: _b64, ...request } = event;
        result = await runAuthorizer(route.authorizer, identity, request);
      } catch (e) {
        opts.log?.(`[api] authorizer for ${route.routeKey} crashed: ${(e as Error).stack}`);
        return send(res, 500, { message: 'Internal Server Error' });
      }
      if (result?.isAuthorized !== true) return send(res, 403, { message: 'Forbidden' });
      event.requestContext.authorizer = { lambda: result.context ?? {} };
    }
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
