import { conflict, validationError } from '../errors';
import { feeOn, type Currency } from '../money';
import { assertSpecIsConsistent, type AnswerSpec } from './answer-spec';
import type { ProjectRequirements } from '../workers/requirements';
import type { SegmentQuota } from '../workers/quotas';
import type { Tier } from '../workers/reputation';

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
  status: ProjectStatus;
  microtaskCount: number;
  createdAt: string;
  updatedAt: string;
  publishedAt?: string;
  /** 0..100: higher comes first in workers' task feeds. */
  priority: number;
  /** Who may claim; enforced at claim time and when listing the feed. */
  requirements?: ProjectRequirements;
  /** Higher tiers get the project to themselves for a window after publishing. */
  earlyAccess?: { minTier: Exclude<Tier, 'bronze'>; windowSeconds: number };
  /** The most assignments one worker may claim in this project. */
  maxAssignmentsPerWorker?: number;
  quota?: SegmentQuota;
}

export type NewProject = Pick<
  Project,
  'title' | 'description' | 'instructions' | 'answerSpec' | 'rewardMinor' | 'currency' | 'redundancy' | 'assignmentDurationSeconds'
> &
  Partial<Pick<Project, 'priority' | 'requirements' | 'earlyAccess' | 'maxAssignmentsPerWorker' | 'quota'>>;

export function createProject(input: NewProject, ids: { projectId: string; orgId: string; now: string; feeBasisPoints: number }): Project {
  assertSpecIsConsistent(input.answerSpec);
  return {
    ...input,
    priority: input.priority ?? 0,
    projectId: ids.projectId,
    orgId: ids.orgId,
    feeBasisPoints: ids.feeBasisPoints,
    status: 'draft',
    microtaskCount: 0,
    createdAt: ids.now,
    updatedAt: ids.now,
  };
}

/** Allowed lifecycle transitions. Every transition is persisted as a conditional write on the old status. */
const TRANSITIONS: Record<ProjectStatus, ProjectStatus[]> = {
  draft: ['published', 'cancelled'],
  published: ['paused', 'completed', 'cancelled', 'expired'],
  paused: ['published', 'cancelled', 'expired'],
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

export function assertMicrotasksCanBeAdded(project: Project): void {
  if (project.status !== 'draft' && project.status !== 'published' && project.status !== 'paused') {
    throw conflict('project_closed', `Microtasks cannot be added to a ${project.status} project`, { status: project.status });
  }
}

/** What one answer costs the client: the worker's reward plus the platform fee on it. */
export function costPerAssignment(project: Pick<Project, 'rewardMinor' | 'feeBasisPoints'>) {
  const fee = feeOn(project.rewardMinor, project.feeBasisPoints);
  return { rewardMinor: project.rewardMinor, feeMinor: fee, totalMinor: project.rewardMinor + fee };
}

/** The escrow a number of microtasks needs: every answer slot must be payable. */
export function escrowFor(project: Pick<Project, 'rewardMinor' | 'feeBasisPoints' | 'redundancy'>, microtasks: number): number {
  if (!Number.isInteger(microtasks) || microtasks < 0) throw validationError('microtask count must be a whole number');
  return costPerAssignment(project).totalMinor * project.redundancy * microtasks;
}
