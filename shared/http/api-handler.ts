import { createHash } from 'node:crypto';
import type { APIGatewayProxyEventV2WithLambdaAuthorizer, Context } from 'aws-lambda';
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { IdempotencyAlreadyInProgressError, IdempotencyValidationError } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { z } from 'zod';
import type { RouteDef } from '../api/routes';
import { config } from '../config';
import { DomainError, isDomainError } from '../domain/errors';
import { authenticationFromContext, authorize, type Caller } from './auth';
import { errorResponse, json, zodToDomain, type HttpResponse } from './errors';
import { logger, metrics } from './observability';

export const MAX_BODY_BYTES = 256 * 1024;

type Out<T> = T extends z.ZodType ? z.output<T> : undefined;

export interface ApiRequest<R extends RouteDef> {
  caller: R['auth'] extends 'public' ? Caller | undefined : Caller;
  params: Out<R['params']>;
  query: Out<R['query']>;
  body: Out<R['body']>;
  context: { sourceIp?: string; userAgent?: string; receivedAt: string };
  /** The client's Idempotency-Key, when sent; use cases may derive stable ids from it. */
  idempotencyKey?: string;
}

export interface ApiResult {
  status?: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** The authorizer (functions/auth/authorizer.ts) puts its context under `requestContext.authorizer.lambda`. */
export type ApiEvent = APIGatewayProxyEventV2WithLambdaAuthorizer<Record<string, unknown>>;

let idempotencyStore: DynamoDBPersistenceLayer | undefined;
const store = () => (idempotencyStore ??= new DynamoDBPersistenceLayer({ tableName: config.idempotencyTableName() }));

function parseBody(event: ApiEvent, route: RouteDef): unknown {
  const raw = event.body ? (event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body) : '';
  // On every route, also those that read no body: nobody gets to make a function hold more than this.
  if (Buffer.byteLength(raw) > MAX_BODY_BYTES) {
    throw new DomainError('payload_too_large', 'body_too_large', `The body is larger than ${MAX_BODY_BYTES} bytes`, { limit: MAX_BODY_BYTES });
  }
  if (!route.body) return undefined;
  if (raw.trim() === '') return {};
  try {
    return JSON.parse(raw);
  } catch {
    throw new DomainError('validation', 'malformed_json', 'The body is not valid JSON', { issues: [{ path: 'body', message: 'malformed JSON' }] });
  }
}

function validate<T extends z.ZodType | undefined>(schema: T, value: unknown, where: 'body' | 'query' | 'path'): Out<T> {
  if (!schema) return undefined as Out<T>;
  const r = schema.safeParse(value ?? {});
  if (!r.success) throw zodToDomain(where, r.error);
  return r.data as Out<T>;
}

/**
 * Wraps a use case into a Lambda handler for one route of the route table: parse, authorize,
 * validate, run (idempotently when the client sends an Idempotency-Key), map errors. Nothing else
 * belongs in a handler.
 */
export function apiHandler<R extends RouteDef>(route: R, run: (req: ApiRequest<R>) => Promise<ApiResult>) {
  // Only successful results are stored: a domain error (a 4xx) is thrown through, so a client
  // that fixes its request may retry with the same key. Built lazily so importing a handler never
  // needs its environment.
  let idempotent: ((input: { key: string; payload: unknown; req: ApiRequest<R> }) => Promise<{ status: number; body: unknown; headers: Record<string, string> }>) | undefined;
  let idemConfig: IdempotencyConfig | undefined;
  const getIdempotent = () => {
    if (!idempotent) {
      idemConfig = new IdempotencyConfig({ eventKeyJmesPath: 'key', payloadValidationJmesPath: 'payload', expiresAfterSeconds: 24 * 3600 });
      idempotent = makeIdempotent(
        async (input: { key: string; payload: unknown; req: ApiRequest<R> }) => {
          const r = await run(input.req);
          return { status: r.status ?? 200, body: r.body, headers: r.headers ?? {} };
        },
        { persistenceStore: store(), config: idemConfig },
      );
    }
    return { fn: idempotent, cfg: idemConfig! };
  };

  return async (event: ApiEvent, context: Context): Promise<HttpResponse> => {
    const started = Date.now();
    logger.addContext(context);
    let response: HttpResponse;
    try {
      const auth = authenticationFromContext(event.requestContext?.authorizer?.lambda);
      const caller = authorize(route, auth.caller, auth.refusal);
      const req = {
        caller,
        params: validate(route.params, event.pathParameters, 'path'),
        query: validate(route.query, event.queryStringParameters, 'query'),
        body: validate(route.body, parseBody(event, route), 'body'),
        context: {
          sourceIp: event.requestContext?.http?.sourceIp,
          userAgent: event.requestContext?.http?.userAgent,
          receivedAt: new Date().toISOString(),
        },
        idempotencyKey: event.headers?.['idempotency-key'],
      } as ApiRequest<R>;

      const key = req.idempotencyKey;
      if (route.idempotent && key !== undefined) {
        if (!/^[\w.:-]{1,128}$/.test(key)) {
          throw new DomainError('validation', 'invalid_idempotency_key', 'Idempotency-Key is 1–128 characters of letters, digits, _ . : -', {
            issues: [{ path: 'headers.idempotency-key', message: 'invalid' }],
          });
        }
        const { fn, cfg } = getIdempotent();
        cfg.registerLambdaContext(context);
        const payload = createHash('sha256').update(JSON.stringify([req.params ?? null, req.body ?? null])).digest('hex');
        const r = await fn({ key: `${route.method} ${route.path}#${caller?.userId ?? 'anonymous'}#${key}`, payload, req });
        response = json(r.status, r.body, r.headers);
      } else {
        const r = await run(req);
        response = json(r.status ?? 200, r.body, r.headers ?? {});
      }
    } catch (e) {
      response = toErrorResponse(e);
    }
    logger.info('request', { route: `${route.method} ${route.path}`, status: response.statusCode, ms: Date.now() - started });
    return response;
  };
}

export function toErrorResponse(e: unknown): HttpResponse {
  if (isDomainError(e)) return errorResponse(e);
  if (e instanceof IdempotencyValidationError) {
    return errorResponse(new DomainError('precondition', 'idempotency_key_reused', 'This Idempotency-Key was used with a different request'));
  }
  if (e instanceof IdempotencyAlreadyInProgressError) {
    return errorResponse(new DomainError('conflict', 'request_in_progress', 'A request with this Idempotency-Key is still in progress; retry shortly'));
  }
  // Unknown errors are logged with their stack but answered without internals.
  logger.error('unhandled error', e as Error);
  metrics.addMetric('UnhandledError', 'Count', 1);
  metrics.publishStoredMetrics();
  return json(500, { error: { code: 'internal_error', message: 'Something went wrong on our side', details: {} } });
}
