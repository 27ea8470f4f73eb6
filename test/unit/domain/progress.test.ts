import { describe, expect, it } from 'vitest';
import { MICROTASK_STATUSES } from '../../../shared/domain/marketplace/microtask';
import { allWorkDone, emptyProgress, isFinalMicrotaskStatus, MICROTASK_COUNTER, type ProjectProgress } from '../../../shared/domain/marketplace/progress';

const progress = (m: Partial<ProjectProgress['microtasks']>): ProjectProgress => ({ ...emptyProgress(), microtasks: { ...emptyProgress().microtasks, ...m } });

describe('project progress', () => {
  it('has a counter for every microtask status, each its own', () => {
    const counters = MICROTASK_STATUSES.map((s) => MICROTASK_COUNTER[s]);
    expect(new Set(counters).size).toBe(MICROTASK_STATUSES.length);
    for (const c of counters) expect(emptyProgress().microtasks).toHaveProperty(c, 0);
  });

  it('counts completed and cancelled microtasks as done with, a failed review not', () => {
    expect(MICROTASK_STATUSES.filter(isFinalMicrotaskStatus)).toEqual(['completed', 'cancelled']);
  });

  it('is done when every microtask the project has is completed or cancelled', () => {
    expect(allWorkDone(progress({ total: 3, completed: 2, cancelled: 1 }), 3)).toBe(true);
    expect(allWorkDone(progress({ total: 3, completed: 2, open: 1 }), 3)).toBe(false);
    expect(allWorkDone(progress({ total: 3, completed: 2, reviewing: 1 }), 3)).toBe(false);
    expect(allWorkDone(progress({ total: 3, completed: 2, reviewFailed: 1 }), 3)).toBe(false);
  });

  it('is never done without microtasks, nor when the counters do not cover the project (added since, or counted before counters existed)', () => {
    expect(allWorkDone(emptyProgress(), 0)).toBe(false);
    expect(allWorkDone(progress({ total: 2, completed: 2 }), 3)).toBe(false);
    expect(allWorkDone(emptyProgress(), 5)).toBe(false);
  });
});
