import { describe, expect, it } from 'vitest';
import { AnswerSpec, ExternalAnswerBody } from '../../../../shared/api/schemas';
import { DomainError } from '../../../../shared/domain/errors';
import { assertSpecIsConsistent, validateAnswer } from '../../../../shared/domain/marketplace/answer-spec';
import {
  assertCompletionTokenUsable,
  completionTokenMatches,
  frameUrl,
  issueCompletionToken,
  type ExternalSpec,
} from '../../../../shared/domain/marketplace/task-types/external';

const spec = AnswerSpec.parse({
  type: 'external',
  taskUrl: 'https://tasks.example.com/survey?variant=b',
  answerFields: [
    { name: 'rating', type: 'number', required: true },
    { name: 'comment', type: 'string' },
  ],
  maxAnswerBytes: 200,
}) as ExternalSpec;

function thrown(f: () => unknown): DomainError {
  try {
    f();
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error('expected a DomainError');
}

describe('the external spec', () => {
  it('takes only https task pages and origins', () => {
    expect(AnswerSpec.safeParse({ type: 'external', taskUrl: 'http://tasks.example.com/' }).success).toBe(false);
    expect(() => assertSpecIsConsistent(spec)).not.toThrow();
    expect(thrown(() => assertSpecIsConsistent({ ...spec, frameOrigin: 'https://tasks.example.com/path' })).details).toMatchObject({ issues: [{ path: 'answerSpec.frameOrigin' }] });
    expect(thrown(() => assertSpecIsConsistent({ ...spec, taskUrl: 'https://x.example/?assignmentId=1' })).details).toMatchObject({ issues: [{ path: 'answerSpec.taskUrl' }] });
  });

  it('builds the iframe URL from the task URL, keeping its own query', () => {
    const url = new URL(frameUrl(spec, 'asg_0000000000aaaa', 'ctk_secret'));
    expect(url.origin + url.pathname).toBe('https://tasks.example.com/survey');
    expect(Object.fromEntries(url.searchParams)).toEqual({ variant: 'b', assignmentId: 'asg_0000000000aaaa', completionToken: 'ctk_secret' });
  });
});

describe('the external answer', () => {
  it('holds exactly the declared fields of the declared types, within the size limit', () => {
    expect(validateAnswer(spec, { rating: 4, comment: 'fine' })).toEqual({ rating: 4, comment: 'fine' });
    const paths = (a: unknown) => (thrown(() => validateAnswer(spec, a)).details as { issues: { path: string }[] }).issues.map((i) => i.path);
    expect(paths({ comment: 'x' })).toEqual(['answer.rating']);
    expect(paths({ rating: '4' })).toEqual(['answer.rating']);
    expect(paths({ rating: 4, spam: true })).toEqual(['answer.spam']);
    const big = thrown(() => validateAnswer(spec, { rating: 1, comment: 'x'.repeat(300) }));
    expect([big.kind, big.code]).toEqual(['payload_too_large', 'answer_too_large']);
    const free: ExternalSpec = { type: 'external', taskUrl: 'https://t.example/' };
    expect(validateAnswer(free, { anything: [1, 2, { deep: true }] })).toEqual({ anything: [1, 2, { deep: true }] });
  });
});

describe('the completion token', () => {
  const now = '2026-01-01T00:10:00.000Z';
  const lease = '2026-01-01T01:00:00.000Z';

  it('is random, stored only as a hash, and matches only itself', () => {
    const a = issueCompletionToken();
    const b = issueCompletionToken();
    expect(a.token).not.toBe(b.token);
    expect(ExternalAnswerBody.shape.completionToken.safeParse(a.token).success).toBe(true);
    expect(a.hash).not.toContain(a.token.slice(4));
    expect(completionTokenMatches(a.token, a.hash)).toBe(true);
    expect(completionTokenMatches(b.token, a.hash)).toBe(false);
    expect(completionTokenMatches(a.token, undefined)).toBe(false);
  });

  it('answers once, while the lease lasts', () => {
    const { token, hash } = issueCompletionToken();
    const claimed = { completionTokenHash: hash, status: 'claimed', leaseExpiresAt: lease };
    expect(() => assertCompletionTokenUsable(claimed, token, now)).not.toThrow();
    expect(thrown(() => assertCompletionTokenUsable(claimed, issueCompletionToken().token, now)).code).toBe('completion_token_invalid');
    for (const status of ['submitted', 'approved', 'rejected']) {
      const used = thrown(() => assertCompletionTokenUsable({ ...claimed, status }, token, now));
      expect([used.kind, used.code]).toEqual(['conflict', 'completion_token_used']);
    }
    expect(thrown(() => assertCompletionTokenUsable(claimed, token, '2026-01-01T01:00:01.000Z')).code).toBe('completion_token_expired');
    expect(thrown(() => assertCompletionTokenUsable({ ...claimed, status: 'expired' }, token, now)).code).toBe('completion_token_expired');
  });
});
