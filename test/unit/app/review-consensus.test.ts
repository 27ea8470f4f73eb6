import { describe, expect, it } from 'vitest';
import { AnswerSpec } from '../../../shared/api/schemas';
import { consensusUseCase } from '../../../shared/app/review';
import { resolveReviewPolicy } from '../../../shared/domain/quality/review-policy';

describe('the Consensus task', () => {
  const spec = AnswerSpec.parse({ type: 'single_choice', question: 'q', options: [{ value: 'cat', label: 'Cat' }, { value: 'dog', label: 'Dog' }] });
  const answers = [
    { assignmentId: 'a1', workerId: 'w1', answer: { choice: 'cat' } },
    { assignmentId: 'a2', workerId: 'w2', answer: { choice: 'cat' } },
    { assignmentId: 'a3', workerId: 'w3', answer: { choice: 'dog' } },
  ];

  it("uses the policy's agreement threshold instead of the default", () => {
    const base = { microtaskId: 'mt_1', projectId: 'prj_1', answerSpec: spec, answers };
    expect(consensusUseCase({ ...base, policy: resolveReviewPolicy({}) }).consensus!.decided).toBe(true);
    const strict = consensusUseCase({ ...base, policy: resolveReviewPolicy({ consensus: { agreementThreshold: 0.7 } }) });
    expect(strict.consensus!.decided).toBe(false);
    expect(strict.decisions!.every((d) => d.decision.outcome === 'approved')).toBe(true);
  });

  const botRejection = (assignmentId: string) => ({
    assignmentId,
    decision: { outcome: 'rejected' as const, rule: 'autocheck.signal_rejects', evidence: { score: 100, signals: [{ code: 'media.duplicate', weight: 100, reason: 'same file', evidence: {} }] } },
  });
  const fastFlag = { assignmentId: 'a3', rule: 'autocheck.score_at_flag_threshold' as const, score: 35, signals: ['time.too_fast'] };

  it('leaves answers the automatic checks rejected out of the aggregate and rejects them, and routes flagged work to a reviewer', () => {
    const state = consensusUseCase(
      {
        microtaskId: 'mt_1',
        projectId: 'prj_1',
        answerSpec: spec,
        answers,
        policy: resolveReviewPolicy({ autoChecks: true, reviewer: { mode: 'on_disagreement' } }),
        autoChecks: { rejected: [botRejection('a1')], flagged: [fastFlag] },
      },
      () => 0.5,
    );
    // Without a1 the crowd is split 1:1: nobody is rejected for it, and a1 is rejected by the checks.
    expect(state.consensus!.decided).toBe(false);
    expect(state.decisions!.find((d) => d.assignmentId === 'a1')!.decision.rule).toBe('autocheck.signal_rejects');
    expect(state.decisions!.find((d) => d.assignmentId === 'a3')!.decision.evidence).toMatchObject({ autoCheck: { verdict: 'flag', signals: ['time.too_fast'] } });
    expect(state.route).toEqual({ reviewer: true, spotCheck: false, reasons: ['auto_check_flag'] });
    expect(state.revision).toEqual({ requested: false, assignmentIds: [] });
  });

  it('sends nobody to a human when the automatic checks rejected every answer', () => {
    const state = consensusUseCase(
      {
        microtaskId: 'mt_1',
        projectId: 'prj_1',
        answerSpec: spec,
        answers,
        policy: resolveReviewPolicy({ autoChecks: true, reviewer: { mode: 'always' }, spotCheckRate: 1 }),
        autoChecks: { rejected: answers.map((a) => botRejection(a.assignmentId)), flagged: [] },
      },
      () => 0,
    );
    expect(state.route).toEqual({ reviewer: false, spotCheck: false, reasons: [] });
    expect(state.decisions!.map((d) => d.decision.rule)).toEqual(['autocheck.signal_rejects', 'autocheck.signal_rejects', 'autocheck.signal_rejects']);
    expect(state.consensus).toMatchObject({ answer: null, decided: false, method: 'none' });
  });

  it('keeps a flag on the decision without waiting for a reviewer when the project has none', () => {
    const state = consensusUseCase(
      { microtaskId: 'mt_1', projectId: 'prj_1', answerSpec: spec, answers, policy: resolveReviewPolicy({ autoChecks: true }), autoChecks: { rejected: [], flagged: [fastFlag] } },
      () => 0.5,
    );
    expect(state.route).toEqual({ reviewer: false, spotCheck: false, reasons: [] });
    expect(state.decisions!.find((d) => d.assignmentId === 'a3')!.decision.evidence).toMatchObject({ autoCheck: { rule: 'autocheck.score_at_flag_threshold' } });
  });
});
