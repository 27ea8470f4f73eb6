import { conflict, validationError } from '../errors';
import type { Currency } from '../money';
import { assertSpecIsConsistent, type AnswerSpec } from './answer-spec';
import { assertPricing, maxCostPerAssignment, type BonusRules, type Pricing, type TierPay } from './pricing';
import type { ProjectRequirements } from '../workers/requirements';
import type { ReviewerQualification } from '../workers/reviewers';
import { resolveReviewPolicy, type ReviewPolicy, type ReviewPolicyInput } from '../quality/review-policy';
import type { SegmentQuota } from '../workers/quotas';
import type { Tier } from '../workers/reputation';
import type { GoldPolicy } from '../quality/gold-policy';

export const PROJECT_STATUSES = ['draft', 'published', 'paused', 'completed', 'cancelled', 'expired'] as const;
/** Project priorities run 0..MAX_PRIORITY; the feed index sorts on their complement. */
export const MAX_PRIORITY = 100;

export type ProjectStatus = (typeof PROJECT_STATUSES)[number];

export interface Project {
  projectId: string;
  orgId: string;
  title: string;
  description: string;
  instructions: string;
  answerSpec: AnswerSpec;
  rewardMinor: number;
  currency: Currency;
  /** How many workers answer each microtask in parallel. */
  redundancy: number;
  /** Lease length of one claimed assignment. */
  assignmentDurationSeconds: number;
  feeBasisPoints: number;
  /** Automatic bonuses on approved answers; reserved in escrow with each slot. */
  bonusRules?: BonusRules;
  /** Reward multipliers for higher-rated workers; the best is reserved in escrow with each slot. */
  tierPay?: TierPay;
  /** The most the project may commit: escrow reserved plus bonuses paid by hand. */
  budgetCapMinor?: number;
  /** Money committed so far against the budget (kept even without a cap, so a cap can be set later). */
  committedMinor: number;
  /** After this instant the project expires: claims stop and unclaimed slots return their escrow. */
  deadline?: string;
  /** Why the platform (not the client) paused it, e.g. `budget_cap_reached`. */
  pausedReason?: string;
  status: ProjectStatus;
  microtaskCount: number;
  createdAt: string;
  updatedAt: string;
  publishedAt?: string;
  /** When its last microtask was done with (completed automatically, see progress.ts). */
  completedAt?: string;
  /** 0..100: higher comes first in workers' task feeds. */
  priority: number;
  /** Who may claim; enforced at claim time and when listing the feed. */
  requirements?: ProjectRequirements;
  /** Higher tiers get the project to themselves for a window after publishing. */
  earlyAccess?: { minTier: Exclude<Tier, 'bronze'>; windowSeconds: number };
  /** The most assignments one worker may claim in this project. */
  maxAssignmentsPerWorker?: number;
  quota?: SegmentQuota;
  /** Who may review this project's work: holders of this qualification with at least this score. */
  reviewerQualification?: ReviewerQualification;
  /** What happens to a worker whose gold accuracy in this project falls below a floor. */
  goldPolicy?: GoldPolicy;
  /** The stages a microtask's answers go through, versioned; absent on projects older than policies (the default applies). */
  reviewPolicy?: ReviewPolicy;
  /** Target-accuracy mode: `redundancy` answers first, then one more at a time while the crowd is unsure. */
  adaptiveRedundancy?: AdaptiveRedundancy;
}

/**
 * Adaptive redundancy: each microtask starts with `initialAnswers` slots (the project's
 * redundancy, reserved in escrow as usual); when they are in and the posterior confidence of the
 * crowd's answer is below `targetConfidence`, one more slot is opened (and reserved), up to
 * `maxAnswers`. Single-choice projects only: the posterior is over the options.
 */
export interface AdaptiveRedundancy {
  initialAnswers: number;
  maxAnswers: number;
  targetConfidence: number;
}

export function assertAdaptiveRedundancy(input: Pick<NewProject, 'adaptiveRedundancy' | 'redundancy' | 'answerSpec'>): void {
  const a = input.adaptiveRedundancy;
  if (!a) return;
  const issues: { path: string; message: string }[] = [];
  if (input.answerSpec.type !== 'single_choice') issues.push({ path: 'adaptiveRedundancy', message: 'only single_choice projects can ask for more answers by confidence' });
  if (a.initialAnswers !== input.redundancy) issues.push({ path: 'adaptiveRedundancy.initialAnswers', message: `must equal redundancy (${input.redundancy}): the slots every microtask starts with` });
  if (!Number.isInteger(a.maxAnswers) || a.maxAnswers < a.initialAnswers) issues.push({ path: 'adaptiveRedundancy.maxAnswers', message: 'must be a whole number at least initialAnswers' });
  if (!(a.targetConfidence > 0.5 && a.targetConfidence < 1)) issues.push({ path: 'adaptiveRedundancy.targetConfidence', message: 'must be above 0.5 and below 1' });
  if (issues.length) throw validationError('Inconsistent adaptive redundancy', issues);
}

export type NewProject = Pick<
  Project,
  'title' | 'description' | 'instructions' | 'answerSpec' | 'rewardMinor' | 'currency' | 'redundancy' | 'assignmentDurationSeconds'
> &
  Partial<Pick<Project, 'bonusRules' | 'tierPay' | 'budgetCapMinor' | 'deadline' | 'priority' | 'requirements' | 'earlyAccess' | 'maxAssignmentsPerWorker' | 'quota' | 'reviewerQualification' | 'goldPolicy' | 'adaptiveRedundancy'>> & { reviewPolicy?: ReviewPolicyInput };

export function createProject(input: NewProject, ids: { projectId: string; orgId: string; now: string; feeBasisPoints: number }): Project {
  assertSpecIsConsistent(input.answerSpec);
  assertPricing({ ...input, feeBasisPoints: ids.feeBasisPoints });
  assertAdaptiveRedundancy(input);
  if (input.deadline !== undefined) assertDeadline(input.deadline, ids.now);
  return {
    ...input,
    reviewPolicy: resolveReviewPolicy(input.reviewPolicy),
    priority: input.priority ?? 0,
    projectId: ids.projectId,
    orgId: ids.orgId,
    feeBasisPoints: ids.feeBasisPoints,
    committedMinor: 0,
    status: 'draft',
    microtaskCount: 0,
    createdAt: ids.now,
    updatedAt: ids.now,
  };
}

/** Allowed lifecycle transitions. Every transition is persisted as a conditional write on the old status. */
const TRANSITIONS: Record<ProjectStatus, ProjectStatus[]> = {
  draft: ['published', 'cancelled', 'expired'],
  published: ['paused', 'completed', 'cancelled', 'expired'],
  // Paused with its last microtask finalized: its work is done all the same.
  paused: ['published', 'completed', 'cancelled', 'expired'],
  completed: [],
  cancelled: [],
  expired: [],
};

export function assertTransition(project: Project, to: ProjectStatus): void {
  if (!TRANSITIONS[project.status].includes(to)) {
    throw conflict('invalid_project_transition', `A ${project.status} project cannot become ${to}`, {
      from: project.status,
      to,
      allowed: TRANSITIONS[project.status],
    });
  }
}

/** Closed before its work was done: its unclaimed slots give their escrow back, claimed work is still reviewed. */
export function isWindingDown(status: ProjectStatus): boolean {
  return status === 'cancelled' || status === 'expired';
}

export function assertMicrotasksCanBeAdded(project: Project): void {
  if (project.status !== 'draft' && project.status !== 'published' && project.status !== 'paused') {
    throw conflict('project_closed', `Microtasks cannot be added to a ${project.status} project`, { status: project.status });
  }
}

/** What one answer slot reserves: the most an answer can earn (best tier, every bonus) and the fees on it. */
export function costPerAssignment(project: Pricing) {
  return maxCostPerAssignment(project);
}

/** The escrow a number of microtasks needs: every answer slot must be payable. */
export function escrowFor(project: Pricing & Pick<Project, 'redundancy'>, microtasks: number): number {
  if (!Number.isInteger(microtasks) || microtasks < 0) throw validationError('microtask count must be a whole number');
  return costPerAssignment(project).totalMinor * project.redundancy * microtasks;
}

/** A deadline is in the future and within a year: a project is not meant to hold escrow forever. */
export function assertDeadline(deadline: string, now: string): void {
  const t = Date.parse(deadline);
  if (Number.isNaN(t) || t <= Date.parse(now)) throw validationError('The deadline must be in the future', [{ path: 'deadline', message: `${deadline} is not after ${now}` }]);
  if (t > Date.parse(now) + 366 * 24 * 3_600_000) throw validationError('The deadline is at most a year away', [{ path: 'deadline', message: deadline }]);
}

/** A lease never outlives its project: work claimed just before the deadline ends with it. */
export function leaseEndWithin(project: Pick<Project, 'deadline'>, leaseEnd: string): string {
  return project.deadline && project.deadline < leaseEnd ? project.deadline : leaseEnd;
}
