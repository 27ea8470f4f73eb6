import { conflict } from '../errors';
import { DEFAULT_AGREEMENT_THRESHOLD } from '../marketplace/task-types/task-type';
import type { ConsensusOutcome } from './consensus-review';
import { autoChecksPolicy, type AutoChecksPolicy } from './risk';

/**
 * A project's review policy: which stages a microtask's answers go through after they are all in,
 * and how each decides. The review workflow carries the policy in its state and its Choice states
 * read it, so one synthesized definition serves every policy.
 *
 *   AutoChecks → Consensus (or gold) → ReviewerStage → SpotCheck → ClientAcceptance → Finalize
 */
export const REVIEWER_MODES = ['never', 'always', 'on_disagreement', 'sample'] as const;
export type ReviewerMode = (typeof REVIEWER_MODES)[number];

/** Each task type aggregates by its own rule (ADR 0009); the policy names it so a version records what decided. */
export const CONSENSUS_METHODS = ['task_type'] as const;

export interface ReviewPolicy {
  /** 1 on creation; every change makes the next version. A review records the version it ran under. */
  version: number;
  /** Apply the automatic checks' rules to the risk stored with each submission. */
  autoChecks: boolean;
  /** The rules' thresholds, weights and actions where they differ from the defaults (DEFAULT_AUTO_CHECKS). */
  autoCheckRules: AutoCheckRulesInput;
  consensus: { method: (typeof CONSENSUS_METHODS)[number]; agreementThreshold: number };
  reviewer: {
    mode: ReviewerMode;
    /** With mode `sample`: the share of microtasks a reviewer sees. */
    sampleRate: number;
    /** How long a review task waits for a reviewer before it is offered again (once), then consensus stands. */
    timeoutSeconds: number;
    /** How long a worker has to send a revision the reviewer asked for; then the first answer stands. */
    revisionSeconds: number;
  };
  /** Share of microtasks sent to a reviewer whatever consensus said; the reviewer can overturn it. */
  spotCheckRate: number;
  clientAcceptance: {
    enabled: boolean;
    windowSeconds: number;
    /** A client silent through the window accepts: a worker is never left unpaid by silence. */
    autoAccept: true;
  };
  /** The share of gold microtasks the client means to add: shown to workers, not enforced. */
  goldRatio: number;
  /** How many times a reviewer may send one microtask's answers back for revision. */
  maxRevisions: number;
}

export type AutoCheckRulesInput = Partial<Omit<AutoChecksPolicy, 'enabled'>>;

export type ReviewPolicyInput = Partial<Omit<ReviewPolicy, 'version' | 'consensus' | 'reviewer' | 'clientAcceptance'>> & {
  consensus?: Partial<ReviewPolicy['consensus']>;
  reviewer?: Partial<ReviewPolicy['reviewer']>;
  clientAcceptance?: Partial<ReviewPolicy['clientAcceptance']>;
};

/** The automatic checks, then consensus (or gold) decides; nobody else looks. */
export const DEFAULT_REVIEW_POLICY: ReviewPolicy = {
  version: 1,
  // Fraud checks by default: a copied photo is rejected and a suspicious answer carries its flag.
  autoChecks: true,
  autoCheckRules: {},
  consensus: { method: 'task_type', agreementThreshold: DEFAULT_AGREEMENT_THRESHOLD },
  reviewer: { mode: 'never', sampleRate: 0, timeoutSeconds: 24 * 3600, revisionSeconds: 24 * 3600 },
  spotCheckRate: 0,
  clientAcceptance: { enabled: false, windowSeconds: 3 * 24 * 3600, autoAccept: true },
  goldRatio: 0,
  maxRevisions: 1,
};

/** A policy from what the client gave, the rest from `base` (the defaults on creation, the current version on a change). */
export function resolveReviewPolicy(input: ReviewPolicyInput | undefined, base: ReviewPolicy = DEFAULT_REVIEW_POLICY, version = base.version): ReviewPolicy {
  const i = input ?? {};
  return {
    version,
    autoChecks: i.autoChecks ?? base.autoChecks,
    autoCheckRules: i.autoCheckRules ?? base.autoCheckRules,
    consensus: { ...base.consensus, ...i.consensus },
    reviewer: { ...base.reviewer, ...i.reviewer },
    spotCheckRate: i.spotCheckRate ?? base.spotCheckRate,
    clientAcceptance: { ...base.clientAcceptance, ...i.clientAcceptance, autoAccept: true },
    goldRatio: i.goldRatio ?? base.goldRatio,
    maxRevisions: i.maxRevisions ?? base.maxRevisions,
  };
}

/** Projects created before policies review by consensus only: the default, version 1. */
export function reviewPolicyOf(project: { reviewPolicy?: ReviewPolicy }): ReviewPolicy {
  // Versions stored before the rules' tuning moved into the policy have none: the defaults.
  return project.reviewPolicy ? { ...project.reviewPolicy, autoCheckRules: project.reviewPolicy.autoCheckRules ?? {} } : DEFAULT_REVIEW_POLICY;
}

/** The automatic checks' rules as a policy version sets them (off when the stage is off). */
export function autoChecksOf(policy: ReviewPolicy): AutoChecksPolicy {
  return autoChecksPolicy({ ...policy.autoCheckRules, enabled: policy.autoChecks });
}

/**
 * A changed policy is the next version. It may change while nobody can claim under the old one
 * unawares: in a draft, or while paused (resuming shows the new version in the feed and at claim).
 * A published project is paused first; a closed one never changes. Returns null when nothing changes.
 */
export function changeReviewPolicy(project: { status: string; reviewPolicy?: ReviewPolicy }, input: ReviewPolicyInput): ReviewPolicy | null {
  const current = reviewPolicyOf(project);
  const next = resolveReviewPolicy(input, current, current.version + 1);
  if (JSON.stringify({ ...next, version: current.version }) === JSON.stringify(current)) return null;
  if (project.status !== 'draft' && project.status !== 'paused') {
    throw conflict('review_policy_locked', `The review policy of a ${project.status} project cannot change${project.status === 'published' ? '; pause it first, so no worker claims under a policy they were not shown' : ''}`, {
      status: project.status,
    });
  }
  return next;
}

/** What a worker is shown before accepting: every stage their answer may go through, and who decides. */
export function reviewPolicySummary(policy: ReviewPolicy) {
  return {
    version: policy.version,
    autoChecks: policy.autoChecks,
    consensus: { method: policy.consensus.method, agreementThreshold: policy.consensus.agreementThreshold },
    reviewer: { mode: policy.reviewer.mode, ...(policy.reviewer.mode === 'sample' ? { sampleRate: policy.reviewer.sampleRate } : {}), maxRevisions: policy.maxRevisions, revisionSeconds: policy.reviewer.revisionSeconds },
    spotCheckRate: policy.spotCheckRate,
    clientAcceptance: policy.clientAcceptance.enabled ? { windowSeconds: policy.clientAcceptance.windowSeconds, autoAccept: true } : null,
    // The share of tasks with a known answer, in words a worker reads; never which ones (their views carry no trace of gold).
    knownAnswerShare: policy.goldRatio,
  };
}

/** Which human stages one microtask goes through; computed once, after Consensus, and carried in the state. */
export interface StageRoute {
  reviewer: boolean;
  spotCheck: boolean;
  /** Why, for the record (`always`, `disagreement`, `sampled`, `auto_check_flag`, `revision`, `spot_check`). */
  reasons: string[];
}

/**
 * The stage choice. A reviewer looks when the policy says always; on disagreement when the crowd
 * did not settle (or not unanimously); by sample at its rate; and always after a revision (review
 * resumes) or when an automatic check flagged an answer. A spot check is drawn at its rate whatever
 * consensus said, but only where no reviewer looks already. A gold microtask is decided by its
 * expected answer: no reviewer is asked to second-guess it, though a spot check may still draw it.
 * `draw` is a uniform [0,1) source, two draws at most (injected so tests decide it).
 */
export function routeStages(
  policy: ReviewPolicy,
  consensus: Pick<ConsensusOutcome, 'decided' | 'confidence'> | undefined,
  ctx: { gold: boolean; revisionRound: number; flagged: boolean; draw: () => number },
): StageRoute {
  const reasons: string[] = [];
  if (ctx.revisionRound > 0) reasons.push('revision');
  // A flag asks a person to look where the project has reviewers; otherwise it stays on the decision's evidence.
  if (ctx.flagged && policy.reviewer.mode !== 'never') reasons.push('auto_check_flag');
  if (!ctx.gold && reasons.length === 0) {
    const mode = policy.reviewer.mode;
    if (mode === 'always') reasons.push('always');
    else if (mode === 'on_disagreement' && (!consensus?.decided || consensus.confidence < 1)) reasons.push('disagreement');
    else if (mode === 'sample' && ctx.draw() < policy.reviewer.sampleRate) reasons.push('sampled');
  }
  const reviewer = reasons.length > 0;
  const spotCheck = !reviewer && policy.spotCheckRate > 0 && ctx.draw() < policy.spotCheckRate;
  if (spotCheck) reasons.push('spot_check');
  return { reviewer, spotCheck, reasons };
}
