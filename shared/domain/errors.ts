/**
 * Typed domain errors. The domain and use cases throw these; `shared/http/errors.ts` maps each
 * kind to one HTTP status in one place, so no handler decides a status code on its own.
 */
export type ErrorKind =
  | 'validation'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'precondition'
  | 'payload_too_large'
  | 'rate_limited';

export class DomainError extends Error {
  constructor(
    readonly kind: ErrorKind,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export interface FieldIssue {
  path: string;
  message: string;
}

export const validationError = (message: string, issues: FieldIssue[] = [], code = 'validation_failed') =>
  new DomainError('validation', code, message, { issues });

export const notFound = (entity: string, id: string) =>
  new DomainError('not_found', `${entity}_not_found`, `${entity} ${id} does not exist or is not yours`, { id });

export const conflict = (code: string, message: string, details?: unknown) =>
  new DomainError('conflict', code, message, details);

export const precondition = (code: string, message: string, details?: unknown) =>
  new DomainError('precondition', code, message, details);

export const forbidden = (code: string, message: string, details?: unknown) =>
  new DomainError('forbidden', code, message, details);

export const isDomainError = (e: unknown): e is DomainError => e instanceof DomainError;
