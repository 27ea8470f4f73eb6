import { describe, expect, it } from 'vitest';
import { DomainError } from '../../../shared/domain/errors';
import { assertSpecIsConsistent, validateAnswer, type AnswerSpec } from '../../../shared/domain/marketplace/answer-spec';

const spec: AnswerSpec = {
  type: 'single_choice',
  question: 'Which animal?',
  options: [
    { value: 'cat', label: 'Cat' },
    { value: 'dog', label: 'Dog' },
  ],
};

function issuesOf(answer: unknown) {
  try {
    validateAnswer(spec, answer);
  } catch (e) {
    expect(e).toBeInstanceOf(DomainError);
    expect((e as DomainError).kind).toBe('validation');
    expect((e as DomainError).code).toBe('invalid_answer');
    return ((e as DomainError).details as { issues: { path: string; message: string }[] }).issues;
  }
  throw new Error('answer accepted');
}

describe('validateAnswer (single choice)', () => {
  it('accepts an option value and returns only the choice', () => {
    expect(validateAnswer(spec, { choice: 'dog' })).toEqual({ choice: 'dog' });
  });

  it('rejects a value that is not an option, naming answer.choice', () => {
    const issues = issuesOf({ choice: 'bird' });
    expect(issues).toHaveLength(1);
    expect(issues[0]!.path).toBe('answer.choice');
    expect(issues[0]!.message).toContain('cat, dog');
  });

  it('matches option values exactly (not labels, not case-folded)', () => {
    expect(issuesOf({ choice: 'Cat' }).map((i) => i.path)).toEqual(['answer.choice']);
  });

  it('rejects a missing or non-string choice', () => {
    expect(issuesOf({}).map((i) => i.path)).toEqual(['answer.choice']);
    expect(issuesOf({ choice: 1 }).map((i) => i.path)).toEqual(['answer.choice']);
    expect(issuesOf(null).map((i) => i.path)).toEqual(['answer.choice']);
  });

  it('rejects unknown fields, naming each one', () => {
    const issues = issuesOf({ choice: 'cat', x: 1 });
    expect(issues).toEqual([{ path: 'answer.x', message: 'unknown field' }]);
  });

  it('reports a bad choice and an unknown field together', () => {
    expect(issuesOf({ choice: 'bird', x: 1 }).map((i) => i.path)).toEqual(['answer.choice', 'answer.x']);
  });
});

describe('assertSpecIsConsistent', () => {
  it('accepts distinct option values and rejects duplicates', () => {
    expect(() => assertSpecIsConsistent(spec)).not.toThrow();
    expect(() => assertSpecIsConsistent({ ...spec, options: [...spec.options, { value: 'dog', label: 'Doggo' }] })).toThrow(
      expect.objectContaining({ kind: 'validation', details: { issues: [{ path: 'answerSpec.options', message: 'duplicate value "dog"' }] } }),
    );
  });
});
