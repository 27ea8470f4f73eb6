import type { Context } from 'aws-lambda';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import type { RouteDef } from '../../../shared/api/routes';
import { conflict, DomainError, notFound, precondition } from '../../../shared/domain/errors';
import { apiHandler, MAX_BODY_BYTES, type ApiEvent } from '../../../shared/http/api-handler';
import { authorizerContext, callerFromClaims } from '../../../shared/http/auth';
import { logger } from '../../../shared/http/observability';

const route = {
  method: 'POST',
  path: '/things/{thingId}',
  handler: 'api/things',
  auth: { groups: ['clients'] },
  summary: 'A fake route',
  params: z.strictObject({ thingId: z.string().regex(/^t_\d+$/) }),
  body: z.strictObject({ name: z.string().min(1), count: z.number().int().min(1) }),
  idempotent: true,
} as const satisfies RouteDef;

const publicRoute = { method: 'GET', path: '/open', handler: 'api/open', auth: 'public', summary: 'public' } as const satisfies RouteDef;

const context = { functionName: 'test', awsRequestId: 'req-1', getRemainingTimeInMillis: () => 10_000 } as unknown as Context;

function event(opts: { body?: string; claims?: Record<string, unknown> | null; params?: Record<string, string>; base64?: boolean } = {}): ApiEvent {
  const claims = opts.claims === null ? undefined : (opts.claims ?? { sub: 'user-1', 'cognito:groups': '[clients]' });
  return {
    version: '2.0',
    routeKey: 'POST /things/{thingId}',
    rawPath: '/things/t_1',
    rawQueryString: '',
    headers: { 'content-type': 'application/json' },
    pathParameters: opts.params ?? { thingId: 't_1' },
    body: opts.body,
    isBase64Encoded: opts.base64 ?? false,
    requestContext: {
      accountId: '000000000000',
      apiId: 'api',
      domainName: 'localhost',
      domainPrefix: 'localhost',
      http: { method: 'POST', path: '/things/t_1', protocol: 'HTTP/1.1', sourceIp: '203.0.113.9', userAgent: 'vitest' },
      requestId: 'req-1',
      routeKey: 'POST /things/{thingId}',
      stage: '$default',
      time: '',
      timeEpoch: 0,
      // What the authorizer hands on for a verified token with these claims.
      ...(claims ? { authorizer: { principalId: '', integrationLatency: 0, lambda: authorizerContext(callerFromClaims(claims as never)!) } } : {}),
    },
  } as unknown as ApiEvent;
}

const parse = (r: { body: string }) => JSON.parse(r.body) as { error: { code: string; message: string; details: { issues?: { path: string; message: string }[] } & Record<string, unknown> } };

beforeAll(() => {
  // Keep the test output quiet; the handler's logging is not under test.
  vi.spyOn(logger, 'info').mockImplementation(() => undefined);
  vi.spyOn(logger, 'error').mockImplementation(() => undefined);
});

describe('apiHandler', () => {
  it('runs the use case with the validated request and the caller', async () => {
    const run = vi.fn(async () => ({ status: 201, body: { ok: true }, headers: { location: '/things/t_1' } }));
    const r = await apiHandler(route, run)(event({ body: JSON.stringify({ name: 'a', count: 2 }) }), context);
    expect(r.statusCode).toBe(201);
    expect(JSON.parse(r.body)).toEqual({ ok: true });
    expect(r.headers).toMatchObject({ location: '/things/t_1', 'content-type': expect.stringContaining('application/json') });
    expect(run).toHaveBeenCalledTimes(1);
    const req = (run.mock.calls[0] as unknown[])[0] as Record<string, unknown>;
    expect(req).toMatchObject({
      caller: { userId: 'user-1', orgId: 'user-1', groups: ['clients'] },
      params: { thingId: 't_1' },
      body: { name: 'a', count: 2 },
      context: { sourceIp: '203.0.113.9', userAgent: 'vitest' },
    });
    expect(req.idempotencyKey).toBeUndefined();
  });

  it('decodes a base64 body', async () => {
    const run = vi.fn(async () => ({ body: {} }));
    const r = await apiHandler(route, run)(event({ body: Buffer.from(JSON.stringify({ name: 'b', count: 1 })).toString('base64'), base64: true }), context);
    expect(r.statusCode).toBe(200);
    expect(((run.mock.calls[0] as unknown[])[0] as { body: unknown }).body).toEqual({ name: 'b', count: 1 });
  });

  it('answers 400 naming the invalid fields of the body', async () => {
    const run = vi.fn(async () => ({ body: {} }));
    const r = await apiHandler(route, run)(event({ body: JSON.stringify({ name: '', count: 1.5 }) }), context);
    expect(r.statusCode).toBe(400);
    const { error } = parse(r);
    expect(error.code).toBe('validation_failed');
    expect(error.details.issues!.map((i) => i.path).sort()).toEqual(['body.count', 'body.name']);
    expect(run).not.toHaveBeenCalled();
  });

  it('answers 400 for a missing required field', async () => {
    const r = await apiHandler(route, async () => ({ body: {} }))(event({ body: JSON.stringify({ name: 'a' }) }), context);
    expect(r.statusCode).toBe(400);
    expect(parse(r).error.details.issues!.map((i) => i.path)).toContain('body.count');
  });

  it('answers 400 for an unknown field, naming it', async () => {
    const run = vi.fn(async () => ({ body: {} }));
    const r = await apiHandler(route, run)(event({ body: JSON.stringify({ name: 'a', count: 1, admin: true }) }), context);
    expect(r.statusCode).toBe(400);
    const { error } = parse(r);
    expect(error.code).toBe('validation_failed');
    expect(error.details.issues!.some((i) => i.message.includes('admin'))).toBe(true);
    expect(run).not.toHaveBeenCalled();
  });

  it('answers 400 for invalid path parameters', async () => {
    const r = await apiHandler(route, async () => ({ body: {} }))(event({ body: JSON.stringify({ name: 'a', count: 1 }), params: { thingId: 'nope' } }), context);
    expect(r.statusCode).toBe(400);
    expect(parse(r).error.details.issues!.map((i) => i.path)).toEqual(['path.thingId']);
  });

  it('answers 400 malformed_json for a body that is not JSON', async () => {
    const run = vi.fn(async () => ({ body: {} }));
    const r = await apiHandler(route, run)(event({ body: '{"name": "a",' }), context);
    expect(r.statusCode).toBe(400);
    expect(parse(r).error.code).toBe('malformed_json');
    expect(run).not.toHaveBeenCalled();
  });

  it('answers 413 for a body over 256 KiB, and accepts one just under', async () => {
    const run = vi.fn(async () => ({ body: {} }));
    const handler = apiHandler(route, run);
    const padding = (n: number) => JSON.stringify({ name: 'x'.repeat(n), count: 1 });
    const overhead = padding(0).length;
    const tooBig = await handler(event({ body: padding(MAX_BODY_BYTES - overhead + 1) }), context);
    expect(tooBig.statusCode).toBe(413);
    expect(parse(tooBig).error.code).toBe('body_too_large');
    expect(run).not.toHaveBeenCalled();
    const justFits = await handler(event({ body: padding(MAX_BODY_BYTES - overhead) }), context);
    expect(justFits.statusCode).toBe(200);
  });

  it('answers 401 without claims on a non-public route', async () => {
    const run = vi.fn(async () => ({ body: {} }));
    const r = await apiHandler(route, run)(event({ body: JSON.stringify({ name: 'a', count: 1 }), claims: null }), context);
    expect(r.statusCode).toBe(401);
    expect(parse(r).error.code).toBe('unauthenticated');
    expect(run).not.toHaveBeenCalled();
  });

  it('answers 403 for a caller of the wrong group', async () => {
    const run = vi.fn(async () => ({ body: {} }));
    const r = await apiHandler(route, run)(event({ body: JSON.stringify({ name: 'a', count: 1 }), claims: { sub: 'w1', 'cognito:groups': '[workers]' } }), context);
    expect(r.statusCode).toBe(403);
    expect(parse(r).error.code).toBe('wrong_group');
    expect(run).not.toHaveBeenCalled();
  });

  it('lets an anonymous caller through a public route', async () => {
    const run = vi.fn(async () => ({ body: { up: true } }));
    const r = await apiHandler(publicRoute, run)(event({ claims: null }), context);
    expect(r.statusCode).toBe(200);
    expect(((run.mock.calls[0] as unknown[])[0] as { caller: unknown }).caller).toBeUndefined();
  });

  it.each([
    [notFound('thing', 't_1'), 404],
    [conflict('thing_busy', 'The thing is busy', { why: 'because' }), 409],
    [precondition('insufficient_funds', 'Not enough funds', { accounts: ['a'] }), 422],
    [new DomainError('rate_limited', 'slow_down', 'Too many requests'), 429],
    [new DomainError('forbidden', 'not_yours', 'Not yours'), 403],
  ] as const)('maps a thrown DomainError %# to its status with code, message and details', async (err, status) => {
    const r = await apiHandler(route, async () => {
      throw err;
    })(event({ body: JSON.stringify({ name: 'a', count: 1 }) }), context);
    expect(r.statusCode).toBe(status);
    expect(JSON.parse(r.body)).toEqual({ error: { code: err.code, message: err.message, details: err.details ?? {} } });
  });

  it('answers 500 without internals for an unexpected error', async () => {
    const r = await apiHandler(route, async () => {
      throw new Error('connection string postgres://admin:hunter2@db failed at /srv/app.js:42');
    })(event({ body: JSON.stringify({ name: 'a', count: 1 }) }), context);
    expect(r.statusCode).toBe(500);
    expect(JSON.parse(r.body)).toEqual({ error: { code: 'internal_error', message: 'Something went wrong on our side', details: {} } });
    expect(r.body).not.toContain('hunter2');
    expect(r.body).not.toContain('app.js');
  });
});
