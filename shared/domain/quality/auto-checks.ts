import type { ReviewDecision } from '../marketplace/assignment';
import { scoreOf, type AutoChecksPolicy, type RiskSignal } from './risk';

/**
 * The rules that turn a submission's risk into a verdict. A rejection or a flag always names its
 * rule and carries at least one signal as evidence: the evidence type is a non-empty tuple, so a
 * verdict without a reason does not compile.
 */
export const AUTO_CHECK_RULES = {
  /** A signal the project set to reject on its own (by default: the same media bytes as another assignment). */
  signalRejects: 'autocheck.signal_rejects',
  scoreRejects: 'autocheck.score_at_reject_threshold',
  signalFlags: 'autocheck.signal_flags',
  scoreFlags: 'autocheck.score_at_flag_threshold',
  pass: 'autocheck.pass',
} as const;

export type AutoCheckRule = (typeof AUTO_CHECK_RULES)[keyof typeof AUTO_CHECK_RULES];

export interface AutoCheckEvidence {
  score: number;
  /** The threshold the score met, for the score rules. */
  threshold?: number;
  /** The signals that fired the rule, weightiest first. */
  signals: [RiskSignal, ...RiskSignal[]];
}

export type AutoCheckOutcome =
  | { verdict: 'reject'; rule: Exclude<AutoCheckRule, 'autocheck.pass'>; evidence: AutoCheckEvidence }
  | { verdict: 'flag'; rule: Exclude<AutoCheckRule, 'autocheck.pass'>; evidence: AutoCheckEvidence }
  | { verdict: 'pass'; rule: 'autocheck.pass'; evidence: { score: number } };

const nonEmpty = <T>(xs: T[]): [T, ...T[]] | undefined => (xs.length ? (xs as [T, ...T[]]) : undefined);
const weightiest = (xs: readonly RiskSignal[]) => [...xs].sort((a, b) => b.weight - a.weight);

/**
 * Evaluates the rules in order of severity: a rejecting signal, then the reject score, then a
 * flagging signal, then the flag score. The score rules cite the signals that added to it.
 */
export function evaluateAutoChecks(policy: AutoChecksPolicy, signals: readonly RiskSignal[]): AutoCheckOutcome {
  const score = scoreOf(signals);
  if (!policy.enabled) return { verdict: 'pass', rule: AUTO_CHECK_RULES.pass, evidence: { score } };
  const scoring = nonEmpty(weightiest(signals.filter((s) => s.weight > 0)));
  const acting = (action: 'reject' | 'flag') => nonEmpty(weightiest(signals.filter((s) => policy.actions[s.code] === action)));

  const rejecting = acting('reject');
  if (rejecting) return { verdict: 'reject', rule: AUTO_CHECK_RULES.signalRejects, evidence: { score, signals: rejecting } };
  if (scoring && score >= policy.rejectAtScore) return { verdict: 'reject', rule: AUTO_CHECK_RULES.scoreRejects, evidence: { score, threshold: policy.rejectAtScore, signals: scoring } };
  const flagging = acting('flag');
  if (flagging) return { verdict: 'flag', rule: AUTO_CHECK_RULES.signalFlags, evidence: { score, signals: flagging } };
  if (scoring && score >= policy.flagAtScore) return { verdict: 'flag', rule: AUTO_CHECK_RULES.scoreFlags, evidence: { score, threshold: policy.flagAtScore, signals: scoring } };
  return { verdict: 'pass', rule: AUTO_CHECK_RULES.pass, evidence: { score } };
}

/** An automatic rejection as a review decision, in the shape consensus rejections have. */
export function autoCheckDecision(outcome: Extract<AutoCheckOutcome, { verdict: 'reject' }>): Omit<ReviewDecision, 'decidedAt'> & { outcome: 'rejected' } {
  return { outcome: 'rejected', rule: outcome.rule, evidence: { ...outcome.evidence } };
}

/**
 * What the AutoChecks stage of a microtask's review found, as the review state carries it: answers
 * rejected outright (each with its decision: rule and signals) and answers a reviewer must see.
 */
export interface AutoCheckStageOutcome {
  rejected: { assignmentId: string; decision: ReturnType<typeof autoCheckDecision> }[];
  flagged: { assignmentId: string; rule: AutoCheckRule; score: number; signals: string[] }[];
}

export function autoCheckStageOutcome(results: readonly { assignmentId: string; outcome: AutoCheckOutcome }[]): AutoCheckStageOutcome {
  const out: AutoCheckStageOutcome = { rejected: [], flagged: [] };
  for (const { assignmentId, outcome } of results) {
    if (outcome.verdict === 'reject') out.rejected.push({ assignmentId, decision: autoCheckDecision(outcome) });
    else if (outcome.verdict === 'flag') out.flagged.push({ assignmentId, rule: outcome.rule, score: outcome.evidence.score, signals: outcome.evidence.signals.map((s) => s.code) });
  }
  return out;
}

/** An answer the automatic checks rejected is left out of the aggregate (fraud must not sway the crowd's answer) and decided by its rule. */
export function autoCheckRejections(checks: AutoCheckStageOutcome | undefined): { assignmentId: string; decision: Omit<ReviewDecision, 'decidedAt'> }[] {
  return (checks?.rejected ?? []).map(({ assignmentId, decision }) => ({ assignmentId, decision }));
}
