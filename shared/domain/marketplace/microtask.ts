import type { Answer } from './answer-spec';

export const MICROTASK_STATUSES = ['open', 'reviewing', 'completed', 'review_failed', 'cancelled'] as const;
export type MicrotaskStatus = (typeof MICROTASK_STATUSES)[number];

/**
 * The crowd's answer to a microtask (see ConsensusOutcome): the aggregated answer in the task
 * type's answer shape, its confidence (share of answers agreeing with it), the method, whether the
 * crowd settled it, and the facts behind it. Results stored before task types had `label` and
 * `votes` only; single choice still carries both.
 */
export interface MicrotaskResult {
  answer?: unknown;
  confidence: number;
  method: string;
  decided?: boolean;
  details?: Record<string, unknown>;
  label?: string | null;
  votes?: Record<string, number>;
  decidedAt: string;
  /** How the review went: the policy version it ran under, each human stage, and the client's acceptance. */
  review?: {
    policyVersion: number;
    stages: { kind: string; outcome: string; reviewTaskId?: string; round: number }[];
    acceptance?: { decision: string; reason?: string; decidedAt?: string };
  };
}

export interface Microtask {
  microtaskId: string;
  projectId: string;
  orgId: string;
  /** What the worker sees: text, image URL, anything the task type's UI renders. */
  input: Record<string, unknown>;
  /** Answer slots not yet claimed. Claims decrement it with a conditional write. */
  openSlots: number;
  redundancy: number;
  submittedCount: number;
  /** Slots given up when the project was cancelled before anyone claimed them; their escrow went back. */
  releasedSlots?: number;
  /** Slots opened by adaptive redundancy after a review found the crowd unsure (counted in `redundancy`). */
  extraSlots?: number;
  status: MicrotaskStatus;
  result?: MicrotaskResult;
  createdAt: string;
}

/**
 * The answer a client expects to a gold microtask (one whose answer is known, to measure workers
 * by). Stored apart from the microtask and shown to no worker until their own answer is decided.
 */
export interface GoldStandard {
  microtaskId: string;
  projectId: string;
  answer: Answer;
  createdAt: string;
}

/** The number of shards of the open-microtask index; a hot project spreads over this many partitions. */
export const OPEN_INDEX_SHARDS = 8;

/** Stable shard of a microtask in the open index (FNV-1a of its id). */
export function openIndexShard(microtaskId: string, shards = OPEN_INDEX_SHARDS): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < microtaskId.length; i++) {
    h ^= microtaskId.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % shards;
}

/** Every slot is either answered or released: nothing more will come, the review can run. */
export function allAnswersIn(m: Pick<Microtask, 'submittedCount' | 'releasedSlots' | 'redundancy'>): boolean {
  return m.submittedCount > 0 && m.submittedCount + (m.releasedSlots ?? 0) >= m.redundancy;
}

/**
 * The review execution's name: unique per round, so starting it twice in a round is a no-op while
 * a round opened by adaptive redundancy starts a review of its own.
 */
export function reviewExecutionName(m: Pick<Microtask, 'microtaskId' | 'extraSlots'>): string {
  return m.extraSlots ? `review-${m.microtaskId}-round-${m.extraSlots + 1}` : `review-${m.microtaskId}`;
}

/** The microtask as a worker may see it: never the result, never anything hidden. */
export function workerView(m: Microtask) {
  return { microtaskId: m.microtaskId, projectId: m.projectId, input: m.input };
}
