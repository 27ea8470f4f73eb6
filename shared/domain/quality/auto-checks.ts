import type { PendingDecision } from './human-review';

/**
 * The automatic checks' stage of the review workflow. The fraud signals themselves (a risk score
 * with its reasons, stored on each assignment at submit time) and the rules over them are the risk
 * module's; this stage only needs a rule that turns a stored risk into one of three actions. It is
 * a port, so the risk module's rules plug in here; until then `storedRiskRules` honours an action
 * already recorded with the risk and passes everything else.
 */
export type AutoCheckAction = 'reject' | 'flag' | 'pass';

export interface AutoCheckVerdict {
  action: AutoCheckAction;
  reasons: string[];
}

export interface AutoCheckRules {
  judge(risk: unknown): AutoCheckVerdict;
}

const ACTIONS: readonly string[] = ['reject', 'flag', 'pass'];

/** Reads `{ action | verdict, reasons }` from a stored risk; no risk, or none it understands, passes. */
export const storedRiskRules: AutoCheckRules = {
  judge(risk) {
    if (!risk || typeof risk !== 'object') return { action: 'pass', reasons: [] };
    const r = risk as { action?: unknown; verdict?: unknown; reasons?: unknown };
    const action = [r.action, r.verdict].find((a): a is AutoCheckAction => typeof a === 'string' && ACTIONS.includes(a)) ?? 'pass';
    const reasons = Array.isArray(r.reasons) ? r.reasons.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))) : [];
    return { action, reasons };
  },
};

/** What the AutoChecks stage found: answers to reject outright and answers a reviewer must see. */
export interface AutoCheckOutcome {
  rejected: { assignmentId: string; reasons: string[] }[];
  flagged: { assignmentId: string; reasons: string[] }[];
}

export function runAutoChecks(rules: AutoCheckRules, assignments: readonly { assignmentId: string; risk?: unknown }[]): AutoCheckOutcome {
  const out: AutoCheckOutcome = { rejected: [], flagged: [] };
  for (const a of assignments) {
    const v = rules.judge(a.risk);
    if (v.action === 'reject') out.rejected.push({ assignmentId: a.assignmentId, reasons: v.reasons });
    else if (v.action === 'flag') out.flagged.push({ assignmentId: a.assignmentId, reasons: v.reasons });
  }
  return out;
}

/**
 * An answer the automatic checks rejected is left out of the aggregate (fraud must not sway the
 * crowd's answer) and rejected with the checks' reasons as evidence.
 */
export function autoCheckRejections(checks: AutoCheckOutcome | undefined): PendingDecision[] {
  return (checks?.rejected ?? []).map((r) => ({ assignmentId: r.assignmentId, decision: { outcome: 'rejected' as const, rule: 'auto_check.rejected', evidence: { reasons: r.reasons } } }));
}
