import type { Currency } from '../money';
import { effectiveHourlyRateMinor } from '../payouts/payouts';

/**
 * Client reputation: facts the platform measured about how an organisation treats work, never
 * anything the client says about itself. Workers read it before they accept a task.
 *
 * Decision latency (submission to approve or reject) is kept as a histogram of fixed buckets, so
 * each decision is one ADD on a counter and the median is read from a handful of numbers; it is
 * reported as the bucket it falls in, which is as precise as the question a worker asks ("will I
 * hear back within a day?").
 */

/** Upper bounds (seconds, inclusive) of the latency buckets; the last bucket is open-ended. */
export const LATENCY_BUCKET_BOUNDS_SECONDS = [
  60 * 60, // 1 h
  4 * 3600,
  12 * 3600,
  24 * 3600,
  2 * 86_400,
  3 * 86_400,
  7 * 86_400,
  14 * 86_400,
  30 * 86_400,
] as const;
/** One bucket more than bounds: everything slower than 30 days. */
export const LATENCY_BUCKET_COUNT = LATENCY_BUCKET_BOUNDS_SECONDS.length + 1;

/** Below this many decisions a client's figures would mislead more than inform. */
export const MIN_DECISIONS_FOR_REPUTATION = 20;

export function latencyBucketOf(seconds: number): number {
  const s = Math.max(0, seconds);
  const i = LATENCY_BUCKET_BOUNDS_SECONDS.findIndex((b) => s <= b);
  return i === -1 ? LATENCY_BUCKET_BOUNDS_SECONDS.length : i;
}

export interface LatencyRange {
  /** The median lies above this (seconds); 0 for the first bucket. */
  fromSeconds: number;
  /** ... and at most this; null for the open-ended last bucket. */
  toSeconds: number | null;
}

/**
 * The bucket holding the median decision (the lower median for an even count), or null with no
 * decision counted. `counts[i]` is the number of decisions in bucket i; missing entries are 0.
 */
export function medianLatencyFromBuckets(counts: readonly number[]): LatencyRange | null {
  const norm = Array.from({ length: LATENCY_BUCKET_COUNT }, (_, i) => Math.max(0, counts[i] ?? 0));
  const total = norm.reduce((s, c) => s + c, 0);
  if (total === 0) return null;
  const rank = Math.ceil(total / 2);
  let seen = 0;
  for (let i = 0; i < norm.length; i++) {
    seen += norm[i]!;
    if (seen >= rank) return { fromSeconds: i === 0 ? 0 : LATENCY_BUCKET_BOUNDS_SECONDS[i - 1]!, toSeconds: LATENCY_BUCKET_BOUNDS_SECONDS[i] ?? null };
  }
  /* c8 ignore next */
  return null;
}

/** The counters the platform keeps per client organisation, as stored. */
export interface ClientCounters {
  approvedCount: number;
  rejectedCount: number;
  /** Rejections later overturned on the worker's appeal. */
  overturnedRejections: number;
  /** Decisions per latency bucket (index as in LATENCY_BUCKET_BOUNDS_SECONDS). */
  latencyBuckets: number[];
  /** Per currency: rewards approved and the measured active time of every decided assignment. */
  pay: { currency: Currency; earnedMinor: number; activeMs: number }[];
}

export const emptyClientCounters = (): ClientCounters => ({ approvedCount: 0, rejectedCount: 0, overturnedRejections: 0, latencyBuckets: [], pay: [] });

export type ClientReputation =
  | { orgId: string; decisions: number; minimumDecisions: number; enoughData: false; facts: null }
  | {
      orgId: string;
      decisions: number;
      minimumDecisions: number;
      enoughData: true;
      facts: {
        medianTimeToDecision: LatencyRange | null;
        /** Rejected / decided, in [0, 1], four decimals. */
        rejectionRate: number;
        overturnedRejections: number;
        /** Rewards approved per hour of measured work on this client's tasks, rejected work included (it took time and paid nothing). */
        effectiveHourlyPay: { currency: Currency; amountMinor: number }[];
      };
    };

/** What a worker is shown: nothing but the count until the client has enough decisions. */
export function clientReputationOf(orgId: string, c: ClientCounters, minimumDecisions = MIN_DECISIONS_FOR_REPUTATION): ClientReputation {
  const decisions = c.approvedCount + c.rejectedCount;
  if (decisions < minimumDecisions) return { orgId, decisions, minimumDecisions, enoughData: false, facts: null };
  return {
    orgId,
    decisions,
    minimumDecisions,
    enoughData: true,
    facts: {
      medianTimeToDecision: medianLatencyFromBuckets(c.latencyBuckets),
      rejectionRate: Math.round((c.rejectedCount / decisions) * 10_000) / 10_000,
      overturnedRejections: c.overturnedRejections,
      effectiveHourlyPay: c.pay.flatMap((p) => {
        const rate = effectiveHourlyRateMinor(p);
        return rate === null ? [] : [{ currency: p.currency, amountMinor: rate }];
      }),
    },
  };
}

/** What one review decision adds to its client's counters. */
export interface ClientDecisionOutcome {
  orgId: string;
  currency: Currency;
  approved: boolean;
  rewardMinor: number;
  activeMs: number;
  /** Submission to decision; unknown (not counted in the histogram) when the submission time is missing. */
  latencySeconds?: number;
}
