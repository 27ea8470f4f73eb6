import type { ZodError } from 'zod';
import { DomainError, type ErrorKind } from '../domain/errors';

/** The single place where domain error kinds become HTTP statuses. */
const STATUS: Record<ErrorKind, number> = {
  validation: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  precondition: 422,
  rate_limited: 429,
};

export interface HttpResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

export const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResponse {
  return { statusCode, headers: { ...JSON_HEADERS, ...headers }, body: JSON.stringify(body) };
}

export function errorResponse(e: DomainError): HttpResponse {
  return json(STATUS[e.kind], { error: { code: e.code, message: e.message, details: e.details ?? {} } });
}

export function zodToDomain(where: 'body' | 'query' | 'path', err: ZodError): DomainError {
  const issues = err.issues.map((i) => {
    const path = [where, ...i.path.map(String)].join('.');
    const message = i.code === 'unrecognized_keys' ? `unknown field(s): ${i.keys.join(', ')}` : i.message;
    return { path, message };
  });
  const first = issues[0];
  return new DomainError('validation', 'validation_failed', first ? `Invalid request: ${first.path}: ${first.message}` : 'Invalid request', { issues });
}
