import type { FieldIssue } from '../../errors';

/**
 * The contract every task type implements. A task type is one module exporting one `TaskType`
 * and one line in `registry.ts`; nothing else in the platform switches on the type.
 *
 * Paths: every check writes its issues through an `Issues` scoped at the field being checked,
 * so a nested type (a survey question) reports `answer.q2.value` without knowing it is nested.
 */
export type MicrotaskInput = Record<string, unknown>;

export interface WorkerAnswer<A> {
  workerId: string;
  answer: A;
}

/** The crowd's answer to one microtask. Plain JSON: it travels through the review state machine. */
export interface Aggregate {
  /** How it was aggregated, e.g. `majority_vote`, `median`, `iou_clustering`. */
  method: string;
  /** The aggregated answer, in the type's answer shape; null when the crowd's answers cannot be settled (a tie). */
  answer: unknown;
  /** Facts behind the answer (votes per label, clusters, scores), kept with the result and as evidence. */
  details: Record<string, unknown>;
  /** Vote-based types only: the winning label and the votes per label. */
  label?: string | null;
  votes?: Record<string, number>;
}

/** One answer held against the aggregate. */
export interface Judgement {
  agrees: boolean;
  /** The rule that fired, e.g. `consensus.outside_tolerance_of_median`. */
  rule: string;
  /** What was measured (e.g. `abs_distance_to_median`), its value and the threshold it was held to. */
  measure: string;
  value: number;
  threshold: number;
  /** The worker's answer as shown in the evidence, when it reads better than the stored answer. */
  yourAnswer?: unknown;
  /** More evidence, merged into the decision's evidence (per-question judgements of a survey). */
  detail?: Record<string, unknown>;
}

export interface TaskType<S extends { type: string }, A> {
  readonly type: S['type'];
  /** Cross-field checks of a spec that already passed its zod schema (unique values, min ≤ max...). */
  checkSpec(spec: S, issues: Issues): void;
  /** What a microtask of this type must carry in its input (an image with its size, an audio reference). */
  checkInput(spec: S, input: MicrotaskInput, issues: Issues): void;
  /** True when an answer can only be checked against its microtask's input (boxes inside the image). */
  answerReadsInput(spec: S): boolean;
  /** Validates a worker's answer and returns it in canonical form; meaningful only when it added no issue. */
  parseAnswer(spec: S, raw: unknown, issues: Issues, input?: MicrotaskInput): A;
  aggregate(spec: S, answers: readonly WorkerAnswer<A>[]): Aggregate;
  /** Holds one answer against the aggregate (whose `answer` is not null). */
  judge(spec: S, aggregate: Aggregate, answer: A): Judgement;
}

/** Collects field issues under a path prefix; `at` scopes a child field, sharing the same list. */
export class Issues {
  constructor(
    readonly path: string = '',
    readonly list: FieldIssue[] = [],
  ) {}

  at(segment: string | number): Issues {
    return new Issues(this.path ? `${this.path}.${segment}` : String(segment), this.list);
  }

  add(message: string): void {
    this.list.push({ path: this.path, message });
  }

  get count(): number {
    return this.list.length;
  }
}

// ------------------------------------------------------------------ shared checks

export const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Reports every field of `value` that is not in `known`. */
export function rejectUnknownFields(value: Record<string, unknown>, known: readonly string[], issues: Issues): void {
  for (const k of Object.keys(value)) if (!known.includes(k)) issues.at(k).add('unknown field');
}

/** The answer must be an object with exactly these fields; returns it, or undefined after reporting. */
export function answerObject(raw: unknown, fields: readonly string[], issues: Issues): Record<string, unknown> | undefined {
  if (!isRecord(raw)) {
    issues.at(fields[0]!).add(`the answer must be an object with ${fields.join(', ')}`);
    return undefined;
  }
  rejectUnknownFields(raw, fields, issues);
  return raw;
}

/** Length in code points, as a person counts characters (an emoji is one). */
export const textLength = (s: string) => Array.from(s).length;

/** A non-blank text within [min, max] code points, trimmed. */
export function checkText(raw: unknown, limits: { minLength: number; maxLength: number }, issues: Issues): string {
  if (typeof raw !== 'string') {
    issues.add('must be a string');
    return '';
  }
  const text = raw.trim();
  const len = textLength(text);
  if (len === 0) issues.add('must not be blank');
  else if (len < limits.minLength) issues.add(`must be at least ${limits.minLength} characters (got ${len})`);
  else if (len > limits.maxLength) issues.add(`must be at most ${limits.maxLength} characters (got ${len})`);
  return text;
}

/** A list of distinct option values, each from `allowed`, with a count in [min, max]. */
export function checkSelection(raw: unknown, allowed: readonly string[], limits: { min: number; max: number }, issues: Issues): string[] {
  if (!Array.isArray(raw)) {
    issues.add('must be a list of option values');
    return [];
  }
  const out: string[] = [];
  raw.forEach((v, i) => {
    if (typeof v !== 'string' || !allowed.includes(v)) issues.at(i).add(`${JSON.stringify(v)} is not an option; expected one of ${allowed.join(', ')}`);
    else if (out.includes(v)) issues.at(i).add(`"${v}" is selected twice`);
    else out.push(v);
  });
  if (raw.length < limits.min) issues.add(`select at least ${limits.min} (got ${raw.length})`);
  if (raw.length > limits.max) issues.add(`select at most ${limits.max} (got ${raw.length})`);
  return out;
}

/** Reports the first duplicate among `values`. */
export function checkUnique(values: readonly string[], what: string, issues: Issues): void {
  const dup = values.find((v, i) => values.indexOf(v) !== i);
  if (dup !== undefined) issues.add(`duplicate ${what} "${dup}"`);
}

/** `min ≤ max` for optional bounds, reported on the max field. */
export function checkRange(min: number | undefined, max: number | undefined, issues: Issues, names: [string, string]): void {
  if (min !== undefined && max !== undefined && min > max) issues.at(names[1]).add(`must be at least ${names[0]} (${min})`);
}

/** True when `v` is a BCP-47 language tag that the platform's Intl accepts (`en`, `pt-BR`, `zh-Hant`). */
export function isLanguageTag(v: string): boolean {
  try {
    return Intl.getCanonicalLocales(v).length === 1;
  } catch {
    return false;
  }
}

// ------------------------------------------------------------------ media references

/** An S3 object key: the characters AWS calls safe, no leading slash, no `..` segment. */
const S3_KEY = /^(?!\/)(?!.*(?:^|\/)\.\.(?:\/|$))[\w!\-.*'()/]{1,1024}$/;

/** Reports unless `ref` names media by exactly one of an https `url` or a storage `key`. */
export function checkMediaRef(ref: Record<string, unknown>, issues: Issues): void {
  const hasUrl = ref['url'] !== undefined;
  const hasKey = ref['key'] !== undefined;
  if (hasUrl === hasKey) {
    issues.add('give exactly one of url (https) or key (an object key in the media bucket)');
    return;
  }
  if (hasUrl) {
    const url = ref['url'];
    let ok = false;
    if (typeof url === 'string' && url.length <= 2_048) {
      try {
        ok = new URL(url).protocol === 'https:';
      } catch {
        ok = false;
      }
    }
    if (!ok) issues.at('url').add('must be an https URL of at most 2048 characters');
  } else if (typeof ref['key'] !== 'string' || !S3_KEY.test(ref['key'])) {
    issues.at('key').add("must be an object key (letters, digits, !-_.*'()/, at most 1024, no leading / or ..)");
  }
}

/** Pixel dimensions of the image a microtask carries, when it carries them validly. */
export function imageSize(input: MicrotaskInput | undefined): { width: number; height: number } | undefined {
  const image = input?.['image'];
  if (!isRecord(image)) return undefined;
  const { width, height } = image;
  return isPixelCount(width) && isPixelCount(height) ? { width, height } : undefined;
}

const MAX_PIXELS_PER_SIDE = 100_000;
const isPixelCount = (v: unknown): v is number => Number.isInteger(v) && (v as number) > 0 && (v as number) <= MAX_PIXELS_PER_SIDE;

/** `input.image` must be a media reference; with `sized`, it must also carry its width and height in pixels. */
export function checkImageInput(input: MicrotaskInput, issues: Issues, sized: boolean): void {
  const at = issues.at('image');
  const image = input['image'];
  if (!isRecord(image)) {
    at.add(sized ? 'required: { url | key, width, height } of the image' : 'required: { url | key } of the image');
    return;
  }
  checkMediaRef(image, at);
  for (const side of ['width', 'height'] as const) {
    if (image[side] === undefined) {
      if (sized) at.at(side).add('required: the image size in pixels, to check boxes against');
    } else if (!isPixelCount(image[side])) {
      at.at(side).add(`must be a whole number of pixels, 1 to ${MAX_PIXELS_PER_SIDE}`);
    }
  }
}

/** `input.audio` must reference the recording by an https URL or an object key. */
export function checkAudioInput(input: MicrotaskInput, issues: Issues): void {
  const at = issues.at('audio');
  const audio = input['audio'];
  if (!isRecord(audio)) at.add('required: { url | key } of the recording');
  else checkMediaRef(audio, at);
}

// ------------------------------------------------------------------ settling

const TIE_EPSILON = 1e-12;

/**
 * Breaks a tie between the best-scoring texts when they all agree with one another (so the
 * choice cannot change who agrees): the code-point-smallest of them, independent of answer order.
 * Returns null when the tied texts disagree: then the crowd is genuinely split.
 */
export function settleTie(texts: readonly string[], scores: readonly number[], agree: (a: string, b: string) => boolean): string | null {
  const top = Math.max(...scores);
  const tied = texts.filter((_, i) => Math.abs(scores[i]! - top) <= TIE_EPSILON);
  for (let i = 0; i < tied.length; i++) for (let j = i + 1; j < tied.length; j++) if (!agree(tied[i]!, tied[j]!)) return null;
  return [...tied].sort()[0] ?? null;
}

export interface Settlement {
  aggregate: Aggregate;
  /** One per answer, in order; null when the aggregate is null (nothing to judge against). */
  judgements: (Judgement | null)[];
  /** Share of the answers that agree with the aggregate. */
  confidence: number;
  /** True when more than `agreementThreshold` of the answers agree; otherwise nobody is rejected. */
  decided: boolean;
}

/**
 * Aggregates one microtask's answers and holds each against the aggregate. The same rule for
 * every type: the crowd has settled a microtask when more than the threshold share of its
 * answers agree with the aggregate (for single choice: the winning option has a majority).
 */
export function settle<S extends { type: string }, A>(type: TaskType<S, A>, spec: S, answers: readonly WorkerAnswer<A>[], agreementThreshold: number): Settlement {
  const aggregate = type.aggregate(spec, answers);
  if (aggregate.answer === null || answers.length === 0) return { aggregate, judgements: answers.map(() => null), confidence: 0, decided: false };
  const judgements = answers.map((a) => type.judge(spec, aggregate, a.answer));
  const confidence = judgements.filter((j) => j.agrees).length / answers.length;
  return { aggregate, judgements, confidence, decided: confidence > agreementThreshold };
}

/** Share of the answers that must agree with the aggregate, exclusive: more than half. */
export const DEFAULT_AGREEMENT_THRESHOLD = 0.5;

/**
 * Runs a check written as a throwing validator (one that raises a 400 with field issues) and moves
 * its issues into the collector, whose root they already name (`answerSpec…`, `answer…`).
 */
export function collectThrown(issues: Issues, check: () => void): void {
  try {
    check();
  } catch (e) {
    const found = (e as { details?: { issues?: FieldIssue[] } }).details?.issues;
    if (!found) throw e;
    issues.list.push(...found);
  }
}

/**
 * For types whose answers are each worker's own (their photos, the client's page's answer): there
 * is nothing to vote on, so each validated submission is accepted here and the client judges its
 * content. The rule says so, and no accuracy bonus is paid on it.
 */
export const NOT_COMPARED = {
  aggregate: (method: string, n: number): Aggregate => ({ method, answer: { submissions: n }, details: { compared: false } }),
  judge: (): Judgement => ({ agrees: true, rule: 'review.own_work_not_compared', measure: 'validated_submission', value: 1, threshold: 1 }),
};
