import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { conflict, DomainError, forbidden, validationError, type FieldIssue } from '../../errors';
import { collectThrown, NOT_COMPARED, type TaskType } from './task-type';

/**
 * The external task type (MTurk's ExternalQuestion): the task runs on the client's own https page,
 * shown to the worker in an iframe. The page receives the assignment id and a completion token and
 * posts the answer back with the token. The token is random and only its SHA-256 is stored (on the
 * assignment), so neither a database reader nor a log can replay it; it is single-use because the
 * answer is committed by the assignment's conditional claimed → submitted write, and it dies with
 * the lease. See docs/adr/0007-media-uploads-and-external-tasks.md.
 */
export type ExternalFieldType = 'string' | 'number' | 'boolean' | 'object' | 'array';

export interface ExternalAnswerField {
  name: string;
  type: ExternalFieldType;
  required?: boolean;
}

export interface ExternalSpec {
  type: 'external';
  taskUrl: string;
  /** The origin the iframe's page runs on; the task URL's own origin when omitted. */
  frameOrigin?: string;
  /** When given, the answer holds exactly these fields (a JSON-schema-lite check). */
  answerFields?: ExternalAnswerField[];
  /** @default 16000 */
  maxAnswerBytes?: number;
}

export type ExternalAnswer = Record<string, unknown>;

export const DEFAULT_MAX_EXTERNAL_ANSWER_BYTES = 16_000;

export function assertExternalSpecIsConsistent(spec: ExternalSpec): void {
  const issues: FieldIssue[] = [];
  const url = new URL(spec.taskUrl);
  if (url.protocol !== 'https:') issues.push({ path: 'answerSpec.taskUrl', message: 'must be an https URL' });
  if (url.searchParams.has('assignmentId') || url.searchParams.has('completionToken')) {
    issues.push({ path: 'answerSpec.taskUrl', message: 'must not carry assignmentId or completionToken; Tessera adds them' });
  }
  if (spec.frameOrigin !== undefined) {
    const o = new URL(spec.frameOrigin);
    if (o.protocol !== 'https:' || o.origin !== spec.frameOrigin) issues.push({ path: 'answerSpec.frameOrigin', message: 'must be an https origin such as https://tasks.example.com' });
  }
  const names = (spec.answerFields ?? []).map((f) => f.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup !== undefined) issues.push({ path: 'answerSpec.answerFields', message: `duplicate field "${dup}"` });
  if (issues.length) throw validationError('The external task spec is inconsistent', issues);
}

/** A fresh completion token and the hash to store. 256 random bits: unguessable without a signing key to manage. */
export function issueCompletionToken(): { token: string; hash: string } {
  const token = `ctk_${randomBytes(32).toString('base64url')}`;
  return { token, hash: hashCompletionToken(token) };
}

export const hashCompletionToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** Constant-time comparison of a presented token with the stored hash. */
export function completionTokenMatches(token: string, storedHash: string | undefined): boolean {
  if (!storedHash) return false;
  const a = Buffer.from(hashCompletionToken(token), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Whether a presented token may still answer: it matches, the assignment is still claimed (a token
 * is spent by the submission it carried) and the lease has not ended.
 */
export function assertCompletionTokenUsable(a: { completionTokenHash?: string; status: string; leaseExpiresAt: string }, token: string, now: string): void {
  if (!completionTokenMatches(token, a.completionTokenHash)) throw forbidden('completion_token_invalid', 'The completion token is not valid for this assignment');
  if (a.status === 'submitted' || a.status === 'approved' || a.status === 'rejected') {
    throw conflict('completion_token_used', 'This completion token was already used: the assignment is answered', { status: a.status });
  }
  if (a.status !== 'claimed' || now > a.leaseExpiresAt) {
    throw conflict('completion_token_expired', 'The assignment lease is over; the completion token has expired', { status: a.status, leaseExpiresAt: a.leaseExpiresAt });
  }
}

/** The iframe URL: the client's task URL with the assignment id and the token appended. */
export function frameUrl(spec: ExternalSpec, assignmentId: string, token: string): string {
  const url = new URL(spec.taskUrl);
  url.searchParams.set('assignmentId', assignmentId);
  url.searchParams.set('completionToken', token);
  return url.toString();
}

export const frameOrigin = (spec: ExternalSpec) => spec.frameOrigin ?? new URL(spec.taskUrl).origin;

const typeOf = (v: unknown): ExternalFieldType | 'null' => (v === null ? 'null' : Array.isArray(v) ? 'array' : (typeof v as ExternalFieldType));

/** The answer the client's page posted: a JSON object within the size limit and, when declared, exactly the declared fields. */
export function validateExternalAnswer(spec: ExternalSpec, answer: unknown): ExternalAnswer {
  if (typeof answer !== 'object' || answer === null || Array.isArray(answer)) {
    throw validationError('The answer must be a JSON object', [{ path: 'answer', message: 'must be an object' }], 'invalid_answer');
  }
  const limit = spec.maxAnswerBytes ?? DEFAULT_MAX_EXTERNAL_ANSWER_BYTES;
  const size = Buffer.byteLength(JSON.stringify(answer));
  if (size > limit) throw new DomainError('payload_too_large', 'answer_too_large', `The answer is ${size} bytes of JSON, more than the ${limit} allowed`, { limit, size });
  const a = answer as Record<string, unknown>;
  if (spec.answerFields) {
    const issues: FieldIssue[] = [];
    for (const f of spec.answerFields) {
      if (!(f.name in a)) {
        if (f.required) issues.push({ path: `answer.${f.name}`, message: 'is required' });
      } else if (typeOf(a[f.name]) !== f.type) {
        issues.push({ path: `answer.${f.name}`, message: `must be of type ${f.type}` });
      }
    }
    for (const k of Object.keys(a)) if (!spec.answerFields.some((f) => f.name === k)) issues.push({ path: `answer.${k}`, message: 'unknown field' });
    if (issues.length) throw validationError('The answer does not match the task type', issues, 'invalid_answer');
  }
  return a;
}

/** The task type: the client's page owns the task and its answers; there is no consensus over them. */
export const external: TaskType<ExternalSpec, ExternalAnswer> = {
  type: 'external',
  checkSpec: (spec, issues) => collectThrown(issues, () => assertExternalSpecIsConsistent(spec)),
  checkInput() {},
  answerReadsInput: () => false,
  parseAnswer(spec, raw, issues) {
    let parsed: ExternalAnswer = {};
    collectThrown(issues, () => (parsed = validateExternalAnswer(spec, raw)));
    return parsed;
  },
  aggregate: (_spec, answers) => NOT_COMPARED.aggregate('external_accepted_each', answers.length),
  judge: () => NOT_COMPARED.judge(),
};
