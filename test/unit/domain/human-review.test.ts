import { describe, expect, it } from 'vitest';
import { autoCheckRejections, autoCheckStageOutcome } from '../../../shared/domain/quality/auto-checks';
import { applyClientAcceptance, applyHumanReview, assertVerdicts, type PendingDecision } from '../../../shared/domain/quality/human-review';

const approved = (id: string): PendingDecision => ({ assignmentId: id, decision: { outcome: 'approved', rule: 'consensus.agrees', evidence: {} } });
const rejected = (id: string): PendingDecision => ({ assignmentId: id, decision: { outcome: 'rejected', rule: 'consensus.disagrees', evidence: {} } });
const task = { kind: 'reviewer' as const, round: 0, assignmentIds: ['a1', 'a2'] };

describe('reviewer verdicts', () => {
  it('needs exactly one verdict per answer of the task', () => {
    const ok = (id: string) => ({ assignmentId: id, verdict: 'ok' as const, tags: [] });
    expect(() => assertVerdicts(task, [ok('a1'), ok('a2')], 1)).not.toThrow();
    expect(() => assertVerdicts(task, [ok('a1')], 1)).toThrow(expect.objectContaining({ kind: 'validation' }));
    expect(() => assertVerdicts(task, [ok('a1'), ok('a2'), ok('a3')], 1)).toThrow(expect.objectContaining({ kind: 'validation' }));
    expect(() => assertVerdicts(task, [ok('a1'), ok('a1'), ok('a2')], 1)).toThrow(expect.objectContaining({ kind: 'validation' }));
  });

  it('wants a reason for a rejection or a revision, and allows revisions only at the reviewer stage within maxRevisions', () => {
    const revise = { assignmentId: 'a1', verdict: 'revise' as const, tags: ['blurry'] };
    const ok = { assignmentId: 'a2', verdict: 'ok' as const, tags: [] };
    expect(() => assertVerdicts(task, [{ assignmentId: 'a1', verdict: 'reject', tags: [] }, ok], 1)).toThrow(expect.objectContaining({ kind: 'validation' }));
    expect(() => assertVerdicts(task, [revise, ok], 1)).not.toThrow();
    expect(() => assertVerdicts({ ...task, round: 1 }, [revise, ok], 1)).toThrow(expect.objectContaining({ code: 'revisions_exhausted' }));
    expect(() => assertVerdicts({ ...task, kind: 'spot_check' }, [revise, ok], 3)).toThrow(expect.objectContaining({ code: 'revision_not_allowed' }));
  });

  it('folds ok and reject into the decisions with the reviewer’s words and what they replaced; revise lists the answer', () => {
    const out = applyHumanReview([approved('a1'), rejected('a2'), approved('a3')], {
      kind: 'reviewer',
      outcome: 'decided',
      reviewTaskId: 'rvt_1',
      verdicts: [
        { assignmentId: 'a1', verdict: 'reject', tags: ['off_topic'], comment: 'not the sign' },
        { assignmentId: 'a2', verdict: 'ok', tags: [] },
        { assignmentId: 'a3', verdict: 'revise', tags: ['typo'] },
      ],
    }, 2);
    expect(out.decisions[0]!.decision).toEqual({ outcome: 'rejected', rule: 'review.rejected', evidence: { reviewTaskId: 'rvt_1', tags: ['off_topic'], comment: 'not the sign', policyVersion: 2, replaced: { outcome: 'approved', rule: 'consensus.agrees' } } });
    expect(out.decisions[1]!.decision).toMatchObject({ outcome: 'approved', rule: 'review.approved' });
    expect(out.decisions[2]).toEqual(approved('a3'));
    expect(out.revise).toEqual(['a3']);
  });

  it('a spot check names whether it overturned consensus or confirmed it', () => {
    const out = applyHumanReview([approved('a1'), approved('a2')], {
      kind: 'spot_check',
      outcome: 'decided',
      verdicts: [
        { assignmentId: 'a1', verdict: 'reject', tags: ['wrong'] },
        { assignmentId: 'a2', verdict: 'ok', tags: [] },
      ],
    }, 1);
    expect(out.decisions.map((d) => [d.decision.outcome, d.decision.rule])).toEqual([
      ['rejected', 'spot_check.overturned'],
      ['approved', 'spot_check.confirmed'],
    ]);
  });

  it('a stage that timed out leaves consensus standing', () => {
    const before = [approved('a1'), rejected('a2')];
    expect(applyHumanReview(before, { kind: 'reviewer', outcome: 'timed_out' }, 1)).toEqual({ decisions: before, revise: [] });
  });
});

describe('client acceptance', () => {
  it('a rejection turns the named approved answers (all by default) into rejections with the reason and evidence', () => {
    const all = applyClientAcceptance([approved('a1'), rejected('a2'), approved('a3')], { decision: 'rejected', reason: 'wrong plate', evidence: { plate: 'B-XY 12' } });
    expect(all.map((d) => d.decision.rule)).toEqual(['client.rejected', 'consensus.disagrees', 'client.rejected']);
    expect(all[0]!.decision.evidence).toEqual({ reason: 'wrong plate', clientEvidence: { plate: 'B-XY 12' }, replaced: { outcome: 'approved', rule: 'consensus.agrees' } });
    const one = applyClientAcceptance([approved('a1'), approved('a3')], { decision: 'rejected', reason: 'r', evidence: { x: 1 }, assignmentIds: ['a3'] });
    expect(one.map((d) => d.decision.outcome)).toEqual(['approved', 'rejected']);
  });

  it('acceptance, by word or by the window ending, keeps the decisions', () => {
    const before = [approved('a1'), rejected('a2')];
    expect(applyClientAcceptance(before, { decision: 'accepted' })).toEqual(before);
    expect(applyClientAcceptance(before, { decision: 'auto_accepted' })).toEqual(before);
  });
});

describe('automatic checks in the review state', () => {
  it('keeps rejections with their rule and signals, flags with what flagged them, and nothing of a pass', () => {
    const signal = (code: 'media.duplicate' | 'time.too_fast', weight: number) => ({ code, weight, reason: code, evidence: {} });
    const out = autoCheckStageOutcome([
      { assignmentId: 'a1', outcome: { verdict: 'pass', rule: 'autocheck.pass', evidence: { score: 0 } } },
      { assignmentId: 'a2', outcome: { verdict: 'reject', rule: 'autocheck.signal_rejects', evidence: { score: 100, signals: [signal('media.duplicate', 100)] } } },
      { assignmentId: 'a3', outcome: { verdict: 'flag', rule: 'autocheck.score_at_flag_threshold', evidence: { score: 35, threshold: 30, signals: [signal('time.too_fast', 35)] } } },
    ]);
    expect(out.flagged).toEqual([{ assignmentId: 'a3', rule: 'autocheck.score_at_flag_threshold', score: 35, signals: ['time.too_fast'] }]);
    expect(autoCheckRejections(out)).toEqual([
      { assignmentId: 'a2', decision: { outcome: 'rejected', rule: 'autocheck.signal_rejects', evidence: { score: 100, signals: [signal('media.duplicate', 100)] } } },
    ]);
  });
});
