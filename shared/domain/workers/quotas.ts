import { consentedDemographics, LANGUAGE_LEVELS, primaryLanguage, type WorkerProfile } from './profile';

/**
 * Quotas per segment: a project asks for at most N results per segment value, e.g. 600 recordings
 * per native language × scenario. A segment value is the worker's attributes (demographics only
 * with consent) and, for `input.<field>` dimensions, the microtask's input, joined with `|`.
 */
export const WORKER_DIMENSIONS = ['country', 'nativeLanguage', 'gender', 'birthDecade'] as const;
export type WorkerDimension = (typeof WORKER_DIMENSIONS)[number];

export interface SegmentQuota {
  /** Worker dimensions and `input.<field>` dimensions, in the order segment keys are written. */
  dimensions: string[];
  /** Segment key (`de|kitchen`) → the most claims it may take. */
  limits: Record<string, number>;
  /** For a segment value not listed; without it such a segment takes nothing. */
  defaultLimit?: number;
}

export const isInputDimension = (d: string) => d.startsWith('input.');

export function workerDimensionValue(d: WorkerDimension, profile: WorkerProfile | undefined): string | undefined {
  if (!profile) return undefined;
  const demo = consentedDemographics(profile);
  switch (d) {
    case 'country':
      return profile.country;
    case 'nativeLanguage': {
      const native = profile.languages.find((l) => l.level === LANGUAGE_LEVELS[LANGUAGE_LEVELS.length - 1]);
      return native ? primaryLanguage(native.language) : undefined;
    }
    case 'gender':
      return demo.gender;
    case 'birthDecade':
      return demo.birthYear === undefined ? undefined : `${Math.floor(demo.birthYear / 10) * 10}s`;
  }
}

export type Segment = { key: string; limit: number } | { missing: string };

/** The worker's segment for one microtask, or the dimension the worker has no (consented) value for. */
export function segmentOf(q: SegmentQuota, profile: WorkerProfile | undefined, input: Record<string, unknown> = {}): Segment {
  const values: string[] = [];
  for (const d of q.dimensions) {
    const v = isInputDimension(d) ? scalar(input[d.slice('input.'.length)]) : workerDimensionValue(d as WorkerDimension, profile);
    if (v === undefined) return { missing: d };
    values.push(v);
  }
  const key = values.join('|');
  return { key, limit: q.limits[key] ?? q.defaultLimit ?? 0 };
}

export const dependsOnInput = (q: SegmentQuota) => q.dimensions.some(isInputDimension);

function scalar(v: unknown): string | undefined {
  if (typeof v === 'string' && v !== '') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

/** Whether one more claim fits: the store writes the same rule as the counter's condition. */
export const hasRoom = (filled: number | undefined, limit: number) => (filled ?? 0) < limit;
