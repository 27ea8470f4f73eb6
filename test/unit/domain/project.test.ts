import { describe, expect, it } from 'vitest';
import { DomainError } from '../../../shared/domain/errors';
import { newProject } from '../../support/fixtures';
import {
  assertMicrotasksCanBeAdded,
  assertTransition,
  costPerAssignment,
  createProject,
  PROJECT_STATUSES,
  type NewProject,
  type Project,
  type ProjectStatus,
} from '../../../shared/domain/marketplace/project';

const input = newProject();
const ids = { projectId: 'prj_1', orgId: 'org1', now: '2025-01-01T00:00:00.000Z', feeBasisPoints: 1000 };
const withStatus = (status: ProjectStatus): Project => ({ ...createProject(input, ids), status });

const ALLOWED: [ProjectStatus, ProjectStatus][] = [
  ['draft', 'published'],
  ['draft', 'cancelled'],
  ['draft', 'expired'],
  ['published', 'paused'],
  ['published', 'completed'],
  ['published', 'cancelled'],
  ['published', 'expired'],
  ['paused', 'published'],
  // The last microtask of a paused project can still be reviewed: its work is then done.
  ['paused', 'completed'],
  ['paused', 'cancelled'],
  ['paused', 'expired'],
];
const isAllowed = (from: ProjectStatus, to: ProjectStatus) => ALLOWED.some(([f, t]) => f === from && t === to);
const REFUSED = PROJECT_STATUSES.flatMap((from) => PROJECT_STATUSES.filter((to) => !isAllowed(from, to)).map((to) => [from, to] as [ProjectStatus, ProjectStatus]));

describe('createProject', () => {
  it('starts a draft with no microtasks and the platform fee', () => {
    const p = createProject(input, ids);
    expect(p).toMatchObject({ projectId: 'prj_1', orgId: 'org1', status: 'draft', microtaskCount: 0, feeBasisPoints: 1000, createdAt: ids.now, updatedAt: ids.now });
    expect(p.publishedAt).toBeUndefined();
  });

  it('rejects duplicate option values', () => {
    const dup: NewProject = {
      ...input,
      answerSpec: { type: 'single_choice', question: 'Which animal?', options: [{ value: 'cat', label: 'Cat' }, { value: 'dog', label: 'Dog' }, { value: 'cat', label: 'Kitty' }] },
    };
    try {
      createProject(dup, ids);
      expect.unreachable('duplicate options accepted');
    } catch (e) {
      expect(e).toBeInstanceOf(DomainError);
      expect((e as DomainError).kind).toBe('validation');
      expect((e as DomainError).details).toEqual({ issues: [{ path: 'answerSpec.options', message: 'duplicate value "cat"' }] });
    }
  });
});

describe('adaptive redundancy option', () => {
  const adaptive = { initialAnswers: 3, maxAnswers: 7, targetConfidence: 0.95 };
  const issuesOf = (over: Partial<NewProject>) => {
    try {
      createProject({ ...input, ...over }, ids);
      return [];
    } catch (e) {
      return ((e as DomainError).details as { issues: { path: string }[] }).issues.map((i) => i.path);
    }
  };

  it('is kept on a single-choice project whose redundancy is its initial answers', () => {
    expect(createProject({ ...input, adaptiveRedundancy: adaptive }, ids).adaptiveRedundancy).toEqual(adaptive);
  });

  it('refuses initial answers other than the redundancy, a maximum below them, a target out of (0.5, 1) and other task types', () => {
    expect(issuesOf({ adaptiveRedundancy: { ...adaptive, initialAnswers: 2 } })).toEqual(['adaptiveRedundancy.initialAnswers']);
    expect(issuesOf({ adaptiveRedundancy: { ...adaptive, maxAnswers: 2 } })).toEqual(['adaptiveRedundancy.maxAnswers']);
    expect(issuesOf({ adaptiveRedundancy: { ...adaptive, targetConfidence: 0.5 } })).toEqual(['adaptiveRedundancy.targetConfidence']);
    expect(issuesOf({ adaptiveRedundancy: { ...adaptive, targetConfidence: 1 } })).toEqual(['adaptiveRedundancy.targetConfidence']);
    expect(issuesOf({ adaptiveRedundancy: adaptive, answerSpec: { type: 'free_text', question: 'Describe it', maxLength: 100 } as never })).toContain('adaptiveRedundancy');
  });
});

describe('project lifecycle', () => {
  it.each(ALLOWED)('allows %s → %s', (from, to) => {
    expect(() => assertTransition(withStatus(from), to)).not.toThrow();
  });

  it.each(REFUSED)('refuses %s → %s as a conflict', (from, to) => {
    try {
      assertTransition(withStatus(from), to);
      expect.unreachable(`${from} → ${to} was allowed`);
    } catch (e) {
      expect(e).toBeInstanceOf(DomainError);
      expect((e as DomainError).kind).toBe('conflict');
      expect((e as DomainError).code).toBe('invalid_project_transition');
      expect((e as DomainError).details).toMatchObject({ from, to });
    }
  });

  it('covers every pair of statuses', () => {
    expect(ALLOWED.length + REFUSED.length).toBe(PROJECT_STATUSES.length ** 2);
  });

  it('takes microtasks only while draft, published or paused', () => {
    for (const s of ['draft', 'published', 'paused'] as const) expect(() => assertMicrotasksCanBeAdded(withStatus(s))).not.toThrow();
    for (const s of ['completed', 'cancelled', 'expired'] as const) {
      expect(() => assertMicrotasksCanBeAdded(withStatus(s))).toThrow(expect.objectContaining({ kind: 'conflict', code: 'project_closed' }));
    }
  });
});

describe('costPerAssignment', () => {
  it('adds the rounded fee to the reward', () => {
    expect(costPerAssignment({ rewardMinor: 15, feeBasisPoints: 1000 })).toEqual({ rewardMinor: 15, bonusMinor: 0, feeMinor: 2, totalMinor: 17 });
    expect(costPerAssignment({ rewardMinor: 14, feeBasisPoints: 1000 })).toEqual({ rewardMinor: 14, bonusMinor: 0, feeMinor: 1, totalMinor: 15 });
  });
});
