import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AUTO_CHECK_RULES, autoCheckDecision, evaluateAutoChecks, type AutoCheckOutcome } from '../../../../shared/domain/quality/auto-checks';
import { autoChecksPolicy, DEFAULT_AUTO_CHECKS, DEFAULT_WEIGHTS, SIGNAL_CODES, type RiskSignal, type SignalCode } from '../../../../shared/domain/quality/risk';

const sig = (code: SignalCode, weight = DEFAULT_WEIGHTS[code]): RiskSignal => ({ code, weight, reason: code, evidence: { planted: code } });

describe('auto-check rules', () => {
  it('each rule fires on its known case', () => {
    const p = DEFAULT_AUTO_CHECKS;
    expect(evaluateAutoChecks(p, [])).toEqual({ verdict: 'pass', rule: 'autocheck.pass', evidence: { score: 0 } });
    expect(evaluateAutoChecks(p, [sig('answer.spec_valid'), sig('media.verified')])).toMatchObject({ verdict: 'pass', evidence: { score: 0 } });
    // A rejecting signal decides on its own, however low the score.
    expect(evaluateAutoChecks(p, [sig('media.duplicate', 0), sig('answer.spec_valid')])).toMatchObject({ verdict: 'reject', rule: AUTO_CHECK_RULES.signalRejects, evidence: { score: 0, signals: [{ code: 'media.duplicate' }] } });
    // 35 + 30 + 20 + 25 = 110 ≥ 100.
    const heavy = [sig('time.too_fast'), sig('media.captured_before_claim'), sig('media.exif_missing'), sig('network.ip_country_mismatch')];
    const rejected = evaluateAutoChecks(p, heavy);
    expect(rejected).toMatchObject({ verdict: 'reject', rule: AUTO_CHECK_RULES.scoreRejects, evidence: { score: 110, threshold: 100 } });
    expect((rejected as Extract<AutoCheckOutcome, { verdict: 'reject' }>).evidence.signals.map((s) => s.code)).toEqual(['time.too_fast', 'media.captured_before_claim', 'network.ip_country_mismatch', 'media.exif_missing']);
    expect(evaluateAutoChecks(p, [sig('answer.duplicate', 0)])).toMatchObject({ verdict: 'flag', rule: AUTO_CHECK_RULES.signalFlags });
    expect(evaluateAutoChecks(p, [sig('time.too_fast')])).toMatchObject({ verdict: 'flag', rule: AUTO_CHECK_RULES.scoreFlags, evidence: { score: 35, threshold: 30 } });
    expect(evaluateAutoChecks(p, [sig('media.exif_missing')])).toMatchObject({ verdict: 'pass', evidence: { score: 20 } });
    expect(evaluateAutoChecks(autoChecksPolicy({ enabled: false }), [sig('media.duplicate')])).toMatchObject({ verdict: 'pass' });
  });

  it('on generated signal sets: the verdict follows the thresholds and actions, and every reject or flag carries its rule and the signals behind it', () => {
    const signals = fc.array(fc.record({ code: fc.constantFrom(...SIGNAL_CODES), weight: fc.integer({ min: 0, max: 60 }) }), { maxLength: 8 });
    const policies = fc.record({ flagAtScore: fc.integer({ min: 1, max: 100 }), extra: fc.integer({ min: 0, max: 100 }), rejectDup: fc.boolean() });
    fc.assert(
      fc.property(signals, policies, (planted, { flagAtScore, extra, rejectDup }) => {
        const p = autoChecksPolicy({ flagAtScore, rejectAtScore: flagAtScore + extra, actions: rejectDup ? {} : { 'media.duplicate': 'flag' } });
        const s = planted.map(({ code, weight }) => sig(code, weight));
        const score = s.reduce((n, x) => n + x.weight, 0);
        const out = evaluateAutoChecks(p, s);
        const rejectingSignal = s.some((x) => p.actions[x.code] === 'reject');
        const flaggingSignal = s.some((x) => p.actions[x.code] === 'flag');
        const expected = rejectingSignal || (score > 0 && score >= p.rejectAtScore) ? 'reject' : flaggingSignal || (score > 0 && score >= p.flagAtScore) ? 'flag' : 'pass';
        expect(out.verdict).toBe(expected);
        expect(out.evidence.score).toBe(score);
        if (out.verdict !== 'pass') {
          expect(out.rule).toMatch(/^autocheck\./);
          expect(out.evidence.signals.length).toBeGreaterThan(0);
          for (const x of out.evidence.signals) expect(s).toContainEqual(x);
        }
      }),
    );
  });

  it('an automatic rejection is a review decision with its rule and evidence, like a consensus rejection', () => {
    const out = evaluateAutoChecks(DEFAULT_AUTO_CHECKS, [sig('media.duplicate')]);
    if (out.verdict !== 'reject') throw new Error('expected a rejection');
    expect(autoCheckDecision(out)).toEqual({ outcome: 'rejected', rule: 'autocheck.signal_rejects', evidence: { score: 100, signals: [sig('media.duplicate')] } });
  });

  it('a rejection without a rule or a signal does not type-check', () => {
    // @ts-expect-error: a rejection names its rule
    const noRule: AutoCheckOutcome = { verdict: 'reject', evidence: { score: 1, signals: [sig('time.too_fast')] } };
    // @ts-expect-error: a rejection carries at least one signal
    const noSignal: AutoCheckOutcome = { verdict: 'reject', rule: 'autocheck.signal_rejects', evidence: { score: 1, signals: [] } };
    // @ts-expect-error: the pass rule does not reject
    const passRule: AutoCheckOutcome = { verdict: 'reject', rule: 'autocheck.pass', evidence: { score: 1, signals: [sig('time.too_fast')] } };
    expect([noRule, noSignal, passRule]).toHaveLength(3);
  });
});
