import { describe, expect, it } from 'vitest';
import { consensusUseCase, type ReviewState } from '../../../shared/app/review';
import { applyAutoChecks, riskForReview } from '../../../shared/app/risk';
import type { AnswerSpec } from '../../../shared/domain/marketplace/answer-spec';
import { autoChecksPolicy, DEFAULT_AUTO_CHECKS, DEFAULT_WEIGHTS, riskOf, type RiskSignal, type SignalCode } from '../../../shared/domain/quality/risk';

/** The automatic checks inside the review as it runs today: LoadSubmissions applies them, Consensus honours them. */
const spec = { type: 'single_choice', question: 'Open?', options: [{ value: 'yes', label: 'Yes' }, { value: 'no', label: 'No' }] } as AnswerSpec;
const sig = (code: SignalCode): RiskSignal => ({ code, weight: DEFAULT_WEIGHTS[code], reason: code, evidence: { planted: code } });
const at = '2026-05-01T10:00:00.000Z';

function state(answers: { id: string; choice: string; signals?: SignalCode[]; seconds?: number }[]): ReviewState {
  return {
    microtaskId: 'mt_1',
    projectId: 'prj_1',
    answerSpec: spec,
    answers: answers.map((a) => ({
      assignmentId: a.id,
      workerId: `w_${a.id}`,
      answer: { choice: a.choice },
      timeSpentMs: 1_000,
      secondsToSubmit: a.seconds ?? 60,
      ...(a.signals ? { risk: riskForReview(riskOf([sig('answer.spec_valid'), ...a.signals.map(sig)], at)) } : {}),
    })),
  };
}

describe('automatic checks in the review', () => {
  it('an answer rejected by a check does not vote: the honest minority becomes the crowd', () => {
    const checked = applyAutoChecks(DEFAULT_AUTO_CHECKS, state([{ id: 'a1', choice: 'yes', signals: ['media.duplicate'] }, { id: 'a2', choice: 'yes', signals: ['media.duplicate'] }, { id: 'a3', choice: 'no', signals: [] }]));
    expect(checked.answers!.every((a) => !('risk' in a))).toBe(true);
    const decided = consensusUseCase(checked);
    expect(decided.consensus).toMatchObject({ label: 'no', decided: true });
    const by = Object.fromEntries(decided.decisions!.map((d) => [d.assignmentId, d.decision]));
    expect(by.a1).toEqual({ outcome: 'rejected', rule: 'autocheck.signal_rejects', evidence: { score: 100, signals: [sig('media.duplicate')] } });
    expect(by.a2).toMatchObject({ outcome: 'rejected', rule: 'autocheck.signal_rejects' });
    expect(by.a3).toMatchObject({ outcome: 'approved', rule: expect.stringMatching(/^consensus\./) });
    // Finalize still finds every worker: the rejected answers stay in the state, without their content.
    expect(decided.answers!.map((a) => a.assignmentId)).toEqual(['a1', 'a2', 'a3']);
  });

  it('when every answer is rejected by a check, nothing is aggregated and each is decided by its rule', () => {
    const decided = consensusUseCase(applyAutoChecks(DEFAULT_AUTO_CHECKS, state([{ id: 'a1', choice: 'yes', signals: ['media.duplicate'] }, { id: 'a2', choice: 'no', signals: ['media.duplicate'] }])));
    expect(decided.consensus).toMatchObject({ answer: null, decided: false, method: 'none' });
    expect(decided.decisions!.map((d) => d.decision.outcome)).toEqual(['rejected', 'rejected']);
  });

  it('a flagged answer is decided by the crowd and its decision names the flag; relative speed is measured over the microtask', () => {
    const checked = applyAutoChecks(
      autoChecksPolicy({}),
      state([
        { id: 'a1', choice: 'yes', signals: ['answer.duplicate'] },
        { id: 'a2', choice: 'yes', seconds: 5 },
        { id: 'a3', choice: 'yes', seconds: 80 },
        { id: 'a4', choice: 'no', seconds: 100 },
      ]),
    );
    // a2: 5 s against a median of 70 s is below a quarter, 25 points, under the flag threshold of 30: it passes.
    expect(checked.autoChecks).toEqual({ rejected: [], flagged: [{ assignmentId: 'a1', rule: 'autocheck.signal_flags', score: 40, signals: ['answer.duplicate'] }] });
    const decided = consensusUseCase(checked);
    const a1 = decided.decisions!.find((d) => d.assignmentId === 'a1')!.decision;
    expect(a1).toMatchObject({ outcome: 'approved', evidence: { autoCheck: { verdict: 'flag', rule: 'autocheck.signal_flags', signals: ['answer.duplicate'] } } });
    expect(decided.decisions!.find((d) => d.assignmentId === 'a3')!.decision.evidence).not.toHaveProperty('autoCheck');
  });

  it('without recorded risk (answers from before the checks) everything passes and consensus is unchanged', () => {
    const plain = state([{ id: 'a1', choice: 'yes' }, { id: 'a2', choice: 'yes' }, { id: 'a3', choice: 'no' }]);
    const checked = applyAutoChecks(DEFAULT_AUTO_CHECKS, plain);
    expect(checked.autoChecks).toEqual({ rejected: [], flagged: [] });
    expect(consensusUseCase(checked).decisions).toEqual(consensusUseCase(plain).decisions);
  });
});
