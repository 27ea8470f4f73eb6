import type { CategoricalAnswer, ConfusionMatrix } from '../../shared/domain/aggregation/dawid-skene';
import { mulberry32, sampleIndex, shuffled, type Random } from '../../shared/domain/aggregation/random';

/**
 * Synthetic crowds with known truth: we plant each worker's confusion matrix, draw true labels,
 * then draw every answer from the planted matrix row of the item's true class. Aggregators can
 * then be scored against the truth and the planted matrices, with fixed seeds so every run of
 * the suite sees the same crowd.
 */
export type WorkerKind = 'good' | 'spammer' | 'adversarial';

export interface PlantedWorker {
  id: string;
  kind: WorkerKind;
  confusion: ConfusionMatrix;
}

export interface WorkerMix {
  good: number;
  spammer: number;
  adversarial: number;
}

export interface PlantOptions {
  /** Accuracy range of good workers, drawn per class (so their matrices are not symmetric). */
  goodAccuracy?: [number, number];
  /** Accuracy range of adversarial workers (below chance). */
  adversarialAccuracy?: [number, number];
}

export interface BatchOptions {
  items: number;
  answersPerItem: number;
  /** Class frequencies; uniform when omitted. */
  classPriors?: readonly number[];
  itemPrefix?: string;
  /** Consecutive items given to the same workers, as a marketplace HIT would; default 1. */
  itemsPerHit?: number;
}

export interface GeneratedBatch {
  truth: Map<string, string>;
  answers: CategoricalAnswer[];
}

export interface GeneratedCrowd extends GeneratedBatch {
  classes: string[];
  workers: PlantedWorker[];
}

export const classNames = (k: number): string[] => Array.from({ length: k }, (_, i) => `c${i}`);

const between = (rng: Random, [lo, hi]: [number, number]) => lo + (hi - lo) * rng();

/** A row with `diag` on the true class and the rest spread unevenly over the other classes. */
function row(rng: Random, K: number, t: number, diag: number): number[] {
  const w = Array.from({ length: K }, (_, a) => (a === t ? 0 : 0.2 + rng()));
  const s = w.reduce((x, y) => x + y, 0);
  return w.map((x, a) => (a === t ? diag : ((1 - diag) * x) / s));
}

export function plantWorkers(rng: Random, K: number, mix: WorkerMix, opts: PlantOptions = {}): PlantedWorker[] {
  const good = opts.goodAccuracy ?? [0.7, 0.95];
  const bad = opts.adversarialAccuracy ?? [0.05, 0.25];
  const workers: PlantedWorker[] = [];
  let n = 0;
  const id = () => `w${String(n++).padStart(3, '0')}`;
  for (let i = 0; i < mix.good; i++) {
    workers.push({ id: id(), kind: 'good', confusion: Array.from({ length: K }, (_, t) => row(rng, K, t, between(rng, good))) });
  }
  for (let i = 0; i < mix.spammer; i++) {
    // Spammers ignore the item: every row is the same distribution. Half click at random,
    // half mostly click one favourite class.
    const favourite = Math.floor(rng() * K);
    const dist =
      i % 2 === 0
        ? new Array<number>(K).fill(1 / K)
        : Array.from({ length: K }, (_, a) => (a === favourite ? 0.85 : 0.15 / (K - 1)));
    workers.push({ id: id(), kind: 'spammer', confusion: Array.from({ length: K }, () => [...dist]) });
  }
  for (let i = 0; i < mix.adversarial; i++) {
    workers.push({ id: id(), kind: 'adversarial', confusion: Array.from({ length: K }, (_, t) => row(rng, K, t, between(rng, bad))) });
  }
  return workers;
}

/**
 * Each HIT (`itemsPerHit` consecutive items) gets `answersPerItem` distinct workers drawn
 * uniformly; every answer is drawn from the worker's planted row for the item's true class.
 */
export function generateBatch(rng: Random, workers: readonly PlantedWorker[], classes: readonly string[], opts: BatchOptions): GeneratedBatch {
  const K = classes.length;
  const priors = opts.classPriors ?? new Array<number>(K).fill(1 / K);
  if (opts.answersPerItem > workers.length) throw new RangeError('generateBatch: more answers per item than workers');
  const truth = new Map<string, string>();
  const answers: CategoricalAnswer[] = [];
  const perHit = opts.itemsPerHit ?? 1;
  let assigned: PlantedWorker[] = [];
  for (let i = 0; i < opts.items; i++) {
    const itemId = `${opts.itemPrefix ?? 'i'}${i}`;
    const t = sampleIndex(rng, priors);
    truth.set(itemId, classes[t]!);
    if (i % perHit === 0) assigned = shuffled(workers, rng).slice(0, opts.answersPerItem);
    for (const w of assigned) {
      answers.push({ itemId, workerId: w.id, label: classes[sampleIndex(rng, w.confusion[t]!)]! });
    }
  }
  return { truth, answers };
}

export interface CrowdOptions extends BatchOptions, PlantOptions {
  seed: number;
  classes: number;
  mix: WorkerMix;
}

export function generateCrowd(opts: CrowdOptions): GeneratedCrowd {
  const rng = mulberry32(opts.seed);
  const classes = classNames(opts.classes);
  const workers = plantWorkers(rng, opts.classes, opts.mix, opts);
  return { classes, workers, ...generateBatch(rng, workers, classes, opts) };
}

/** Share of items in `truth` whose predicted label is right; a missing or null label counts as wrong. */
export function accuracy(predicted: ReadonlyMap<string, string | null>, truth: ReadonlyMap<string, string>, only?: (itemId: string) => boolean): number {
  let ok = 0;
  let n = 0;
  for (const [item, t] of truth) {
    if (only && !only(item)) continue;
    n++;
    if (predicted.get(item) === t) ok++;
  }
  return n === 0 ? 0 : ok / n;
}

/** Groups answers by item, keeping input order. */
export function byItem(answers: readonly CategoricalAnswer[]): Map<string, CategoricalAnswer[]> {
  const out = new Map<string, CategoricalAnswer[]>();
  for (const a of answers) {
    const list = out.get(a.itemId);
    if (list) list.push(a);
    else out.set(a.itemId, [a]);
  }
  return out;
}
