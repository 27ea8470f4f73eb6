import { describe, expect, it } from 'vitest';
import { ReviewPolicyBody, CreateProjectBody, UpdateProjectBody } from '../../../shared/api/schemas';
import { changeReviewPolicy, DEFAULT_REVIEW_POLICY, resolveReviewPolicy, reviewPolicySummary, routeStages, type ReviewPolicy } from '../../../shared/domain/quality/review-policy';
import { createProject } from '../../../shared/domain/marketplace/project';
import { newProject } from '../../support/fixtures';

const policy = (over: Parameters<typeof resolveReviewPolicy>[0]): ReviewPolicy => resolveReviewPolicy(over);
const decided = { decided: true, confidence: 1 };
const split = { decided: true, confidence: 2 / 3 };
const unsettled = { decided: false, confidence: 1 / 3 };
const ctx = (over: Partial<Parameters<typeof routeStages>[2]> = {}) => ({ gold: false, revisionRound: 0, flagged: false, draw: () => 0.99, ...over });

describe('review policy schema', () => {
  it('accepts an empty policy and a full one, and refuses unknown fields, a sample without a rate and a non-true autoAccept', () => {
    expect(ReviewPolicyBody.safeParse({}).success).toBe(true);
    const full = {
      autoChecks: true,
      consensus: { method: 'task_type', agreementThreshold: 0.6 },
      reviewer: { mode: 'sample', sampleRate: 0.1, timeoutSeconds: 3600, revisionSeconds: 7200 },
      spotCheckRate: 0.05,
      clientAcceptance: { enabled: true, windowSeconds: 86400, autoAccept: true },
      goldRatio: 0.1,
      maxRevisions: 2,
    };
    expect(ReviewPolicyBody.parse(full)).toEqual(full);
    expect(ReviewPolicyBody.safeParse({ reviewer: { mode: 'sample' } }).success).toBe(false);
    expect(ReviewPolicyBody.safeParse({ reviewer: { mode: 'sometimes' } }).success).toBe(false);
    expect(ReviewPolicyBody.safeParse({ clientAcceptance: { autoAccept: false } }).success).toBe(false);
    expect(ReviewPolicyBody.safeParse({ spotCheckRate: 1.5 }).success).toBe(false);
    expect(ReviewPolicyBody.safeParse({ consensus: { agreementThreshold: 1 } }).success).toBe(false);
    expect(ReviewPolicyBody.safeParse({ reviewer: { timeoutSeconds: 5 } }).success).toBe(false);
    expect(ReviewPolicyBody.safeParse({ extra: 1 }).success).toBe(false);
  });

  it('is part of the project create and update inputs', () => {
    const base = { title: 't', answerSpec: { type: 'single_choice', question: 'q', options: [{ value: 'a', label: 'A' }, { value: 'b', label: 'B' }] }, reward: { amountMinor: 10 } };
    expect(CreateProjectBody.parse({ ...base, reviewPolicy: { reviewer: { mode: 'always' } } }).reviewPolicy).toEqual({ reviewer: { mode: 'always' } });
    expect(UpdateProjectBody.parse({ reviewPolicy: { spotCheckRate: 0.2 } })).toEqual({ reviewPolicy: { spotCheckRate: 0.2 } });
  });
});

describe('review policy versions', () => {
  it('defaults to consensus only at the default threshold, version 1, on every new project', () => {
    const p = createProject(newProject(), { projectId: 'prj_1', orgId: 'o', now: '2025-01-01T00:00:00.000Z', feeBasisPoints: 1000 });
    expect(p.reviewPolicy).toEqual(DEFAULT_REVIEW_POLICY);
    expect(p.reviewPolicy).toMatchObject({ version: 1, autoChecks: true, autoCheckRules: {}, reviewer: { mode: 'never' }, spotCheckRate: 0, clientAcceptance: { enabled: false }, consensus: { agreementThreshold: 0.5 } });
  });

  it('fills what a client leaves out from the defaults, nested fields one by one', () => {
    const p = policy({ reviewer: { mode: 'always' }, clientAcceptance: { enabled: true } });
    expect(p.reviewer).toEqual({ ...DEFAULT_REVIEW_POLICY.reviewer, mode: 'always' });
    expect(p.clientAcceptance).toEqual({ ...DEFAULT_REVIEW_POLICY.clientAcceptance, enabled: true });
  });

  it('makes a change the next version on top of the current one, in a draft or while paused', () => {
    const current = { ...policy({ reviewer: { mode: 'always' } }), version: 3 };
    const next = changeReviewPolicy({ status: 'paused', reviewPolicy: current }, { spotCheckRate: 0.1 })!;
    expect(next).toEqual({ ...current, spotCheckRate: 0.1, version: 4 });
    expect(changeReviewPolicy({ status: 'draft' }, { maxRevisions: 2 })).toMatchObject({ version: 2, maxRevisions: 2 });
  });

  it('changes nothing when the change restates the current policy, whatever the status', () => {
    expect(changeReviewPolicy({ status: 'published', reviewPolicy: DEFAULT_REVIEW_POLICY }, { reviewer: { mode: 'never' } })).toBeNull();
  });

  it('refuses a change of a published or closed project: a worker may have claimed under the version they were shown', () => {
    for (const status of ['published', 'completed', 'cancelled', 'expired']) {
      expect(() => changeReviewPolicy({ status }, { spotCheckRate: 0.1 })).toThrow(expect.objectContaining({ code: 'review_policy_locked' }));
    }
  });

  it('shows workers every stage, with the sample rate only when sampling and the window only when the client accepts', () => {
    expect(reviewPolicySummary(DEFAULT_REVIEW_POLICY)).toMatchObject({ version: 1, reviewer: { mode: 'never' }, clientAcceptance: null, spotCheckRate: 0 });
    const s = reviewPolicySummary(policy({ reviewer: { mode: 'sample', sampleRate: 0.2 }, clientAcceptance: { enabled: true, windowSeconds: 3600 } }));
    expect(s.reviewer).toMatchObject({ mode: 'sample', sampleRate: 0.2 });
    expect(s.clientAcceptance).toEqual({ windowSeconds: 3600, autoAccept: true });
    // A worker's views carry no trace of gold (ADR 0011): the share of known answers is named otherwise.
    const withGold = reviewPolicySummary(policy({ goldRatio: 0.1 }));
    expect(withGold.knownAnswerShare).toBe(0.1);
    expect(JSON.stringify(withGold)).not.toMatch(/gold/i);
  });
});

describe('stage choice', () => {
  it('sends nobody to a reviewer under the default policy', () => {
    expect(routeStages(DEFAULT_REVIEW_POLICY, unsettled, ctx({ draw: () => 0 }))).toEqual({ reviewer: false, spotCheck: false, reasons: [] });
  });

  it('always: every microtask; on_disagreement: only a split or unsettled crowd', () => {
    expect(routeStages(policy({ reviewer: { mode: 'always' } }), decided, ctx()).reviewer).toBe(true);
    const onDisagreement = policy({ reviewer: { mode: 'on_disagreement' } });
    expect(routeStages(onDisagreement, decided, ctx()).reviewer).toBe(false);
    expect(routeStages(onDisagreement, split, ctx())).toMatchObject({ reviewer: true, reasons: ['disagreement'] });
    expect(routeStages(onDisagreement, unsettled, ctx()).reviewer).toBe(true);
  });

  it('sample: below the rate only', () => {
    const sample = policy({ reviewer: { mode: 'sample', sampleRate: 0.25 } });
    expect(routeStages(sample, decided, ctx({ draw: () => 0.2 })).reasons).toEqual(['sampled']);
    expect(routeStages(sample, decided, ctx({ draw: () => 0.25 })).reviewer).toBe(false);
  });

  it('a revision round brings a reviewer whatever the mode; an automatic-check flag does where the project has a reviewer stage', () => {
    expect(routeStages(DEFAULT_REVIEW_POLICY, decided, ctx({ revisionRound: 1 }))).toMatchObject({ reviewer: true, reasons: ['revision'] });
    expect(routeStages(policy({ reviewer: { mode: 'sample', sampleRate: 0.01 } }), decided, ctx({ flagged: true, draw: () => 0.9 }))).toMatchObject({ reviewer: true, reasons: ['auto_check_flag'] });
    // Without reviewers nobody would answer the task: the flag stays in the decision's evidence instead.
    expect(routeStages(DEFAULT_REVIEW_POLICY, decided, ctx({ flagged: true }))).toMatchObject({ reviewer: false, reasons: [] });
  });

  it('gold is decided by its expected answer: no reviewer, though a spot check may draw it', () => {
    const p = policy({ reviewer: { mode: 'always' }, spotCheckRate: 0.5 });
    expect(routeStages(p, decided, ctx({ gold: true, draw: () => 0.1 }))).toEqual({ reviewer: false, spotCheck: true, reasons: ['spot_check'] });
  });

  it('spot checks a drawn microtask whatever consensus said, but never one a reviewer already sees', () => {
    const p = policy({ spotCheckRate: 0.1 });
    expect(routeStages(p, decided, ctx({ draw: () => 0.05 })).spotCheck).toBe(true);
    expect(routeStages(p, decided, ctx({ draw: () => 0.1 })).spotCheck).toBe(false);
    expect(routeStages(policy({ spotCheckRate: 1, reviewer: { mode: 'always' } }), decided, ctx({ draw: () => 0 }))).toMatchObject({ reviewer: true, spotCheck: false });
  });
});
