import type { MicrotaskStatus } from './microtask';

/**
 * How far a project's work has come: its microtasks by status and its answered assignments by
 * outcome. Kept as counters moved in the same write as each state change (docs/adr/0013), so it is
 * read by key, never counted.
 */
export interface ProjectProgress {
  microtasks: { total: number; open: number; reviewing: number; completed: number; reviewFailed: number; cancelled: number };
  /** `submitted` is answers awaiting a decision; a decision moves one to approved or rejected. */
  assignments: { submitted: number; approved: number; rejected: number };
}

export const emptyProgress = (): ProjectProgress => ({
  microtasks: { total: 0, open: 0, reviewing: 0, completed: 0, reviewFailed: 0, cancelled: 0 },
  assignments: { submitted: 0, approved: 0, rejected: 0 },
});

/** The counter attribute of each microtask status on the progress item. */
export const MICROTASK_COUNTER: Record<MicrotaskStatus, keyof ProjectProgress['microtasks']> = {
  open: 'open',
  reviewing: 'reviewing',
  completed: 'completed',
  review_failed: 'reviewFailed',
  cancelled: 'cancelled',
};

/**
 * A microtask is done with when completed or cancelled. A failed review is not: its answers still
 * wait for a decision and their escrow stays reserved until a retried review decides them.
 */
export function isFinalMicrotaskStatus(status: MicrotaskStatus): boolean {
  return status === 'completed' || status === 'cancelled';
}

/**
 * Every microtask the project has is done with, so a published or paused project is complete.
 * `microtaskCount` is the project's own count: counters started after the project (none yet) never
 * complete it by accident.
 */
export function allWorkDone(p: ProjectProgress, microtaskCount: number): boolean {
  const m = p.microtasks;
  return m.total > 0 && m.total === microtaskCount && m.open === 0 && m.reviewing === 0 && m.reviewFailed === 0 && m.completed + m.cancelled === m.total;
}
