/**
 * Dawid-Skene (1979) truth inference with a full confusion matrix per worker, fitted by EM.
 *
 * Everything in the EM loop runs on integer-indexed typed arrays: string ids are mapped to
 * dense indices once, up front, because Map lookups in the inner loop cost more than the
 * arithmetic (D_Product, 25k answers, must fit in well under 50 ms).
 *
 * Posterior ties follow the platform's tie policy (see majority-vote.ts): an item whose top two
 * classes are equally likely gets label null rather than an arbitrary winner.
 */

export interface CategoricalAnswer {
  itemId: string;
  workerId: string;
  label: string;
}

/** `matrix[t][a]` = P(worker answers class a | true class t), rows in `classes` order. */
export type ConfusionMatrix = number[][];

export interface WorkerPrior {
  /** Row-stochastic matrix in `classes` order, e.g. the matrix stored after a previous batch. */
  confusion: readonly (readonly number[])[];
  /**
   * Pseudo-answers per true class the prior is worth (Dirichlet concentration). 0 uses the
   * matrix only to start EM; larger values keep the estimate near the stored one when the
   * worker has few answers in this batch.
   */
  strength: number;
}

export interface DawidSkeneOptions {
  /** Class order for matrices and posteriors. Required when `workerPriors` are given. */
  classes?: readonly string[];
  /** Known true labels (gold). Clamped during EM; they still train the confusion matrices. */
  gold?: ReadonlyMap<string, string>;
  /** Warm start: stored matrices per worker, used as initial parameters and as pseudo-counts. */
  workerPriors?: ReadonlyMap<string, WorkerPrior>;
  /** Laplace pseudo-count added to every confusion cell, so one slip never makes a worker "always wrong". */
  smoothing?: number;
  /** Pseudo-count per class for the class priors. */
  classPriorSmoothing?: number;
  /** EM stops when no item posterior moves by more than this. */
  tolerance?: number;
  maxIterations?: number;
}

export interface DawidSkeneResult {
  classes: string[];
  /** Most probable class per item; null when the top two classes tie exactly. */
  labels: Map<string, string | null>;
  /** Full class distribution per item, in `classes` order. */
  posteriors: Map<string, number[]>;
  /** Max posterior per item. */
  confidence: Map<string, number>;
  workerConfusion: Map<string, ConfusionMatrix>;
  /** Answers per worker in this run: the natural `strength` when storing the matrix for next time. */
  workerAnswerCount: Map<string, number>;
  classPriors: number[];
  iterations: number;
  converged: boolean;
  /** Marginal log-likelihood of the answers at the final parameters. */
  logLikelihood: number;
}

export const DAWID_SKENE_DEFAULTS = {
  smoothing: 0.01,
  classPriorSmoothing: 1,
  tolerance: 1e-6,
  maxIterations: 100,
} as const;

const LOG_FLOOR = Math.log(1e-300);
const TIE_EPSILON = 1e-12;

function resolveClasses(answers: readonly CategoricalAnswer[], opts: DawidSkeneOptions): string[] {
  if (opts.classes) {
    if (new Set(opts.classes).size !== opts.classes.length) throw new RangeError('dawidSkene: duplicate class');
    return [...opts.classes];
  }
  if (opts.workerPriors && opts.workerPriors.size > 0) {
    // Prior matrices are positional; guessing the class order would silently scramble them.
    throw new RangeError('dawidSkene: `classes` is required with `workerPriors`');
  }
  const seen = new Set<string>();
  for (const a of answers) seen.add(a.label);
  for (const g of opts.gold?.values() ?? []) seen.add(g);
  return [...seen].sort();
}

export function dawidSkene(answers: readonly CategoricalAnswer[], opts: DawidSkeneOptions = {}): DawidSkeneResult {
  const smoothing = opts.smoothing ?? DAWID_SKENE_DEFAULTS.smoothing;
  const classSmoothing = opts.classPriorSmoothing ?? DAWID_SKENE_DEFAULTS.classPriorSmoothing;
  const tolerance = opts.tolerance ?? DAWID_SKENE_DEFAULTS.tolerance;
  const maxIterations = opts.maxIterations ?? DAWID_SKENE_DEFAULTS.maxIterations;
  if (smoothing < 0 || classSmoothing < 0) throw new RangeError('dawidSkene: smoothing must be >= 0');

  const classes = resolveClasses(answers, opts);
  const K = classes.length;
  const KK = K * K;
  const classIndex = new Map<string, number>();
  classes.forEach((c, i) => classIndex.set(c, i));

  // --- index ids once ---------------------------------------------------------------------
  const itemIndex = new Map<string, number>();
  const workerIndex = new Map<string, number>();
  const itemIds: string[] = [];
  const workerIds: string[] = [];
  const nA = answers.length;
  const aItem = new Int32Array(nA);
  const aWorker = new Int32Array(nA);
  const aLabel = new Int32Array(nA);
  for (let n = 0; n < nA; n++) {
    const a = answers[n]!;
    let i = itemIndex.get(a.itemId);
    if (i === undefined) {
      i = itemIds.length;
      itemIndex.set(a.itemId, i);
      itemIds.push(a.itemId);
    }
    let w = workerIndex.get(a.workerId);
    if (w === undefined) {
      w = workerIds.length;
      workerIndex.set(a.workerId, w);
      workerIds.push(a.workerId);
    }
    const l = classIndex.get(a.label);
    if (l === undefined) throw new RangeError(`dawidSkene: label "${a.label}" is not one of the classes`);
    aItem[n] = i;
    aWorker[n] = w;
    aLabel[n] = l;
  }
  const N = itemIds.length;
  const W = workerIds.length;

  const goldClass = new Int32Array(N).fill(-1);
  if (opts.gold) {
    for (const [itemId, label] of opts.gold) {
      const i = itemIndex.get(itemId);
      // Gold for an item nobody answered says nothing about any worker.
      if (i === undefined) continue;
      const c = classIndex.get(label);
      if (c === undefined) throw new RangeError(`dawidSkene: gold label "${label}" is not one of the classes`);
      goldClass[i] = c;
    }
  }

  // Pseudo-counts: Laplace everywhere, plus the stored matrix scaled by its strength.
  const pseudo = new Float64Array(W * KK).fill(smoothing);
  const priorPi = opts.workerPriors && opts.workerPriors.size > 0 ? new Float64Array(W * KK).fill(-1) : null;
  if (priorPi && opts.workerPriors) {
    for (const [workerId, prior] of opts.workerPriors) {
      const w = workerIndex.get(workerId);
      if (w === undefined) continue;
      if (prior.confusion.length !== K) throw new RangeError(`dawidSkene: prior for ${workerId} is not ${K}x${K}`);
      for (let t = 0; t < K; t++) {
        const row = prior.confusion[t]!;
        if (row.length !== K) throw new RangeError(`dawidSkene: prior for ${workerId} is not ${K}x${K}`);
        let sum = 0;
        for (let a = 0; a < K; a++) sum += Math.max(0, row[a]!);
        for (let a = 0; a < K; a++) {
          const p = sum > 0 ? Math.max(0, row[a]!) / sum : 1 / K;
          pseudo[w * KK + t * K + a]! += prior.strength * p;
          priorPi[w * KK + t * K + a] = p;
        }
      }
    }
  }

  const T = new Float64Array(N * K);
  const logT = new Float64Array(N * K);
  const counts = new Float64Array(W * KK);
  const logPi = new Float64Array(W * KK);
  const rho = new Float64Array(K);
  const logRho = new Float64Array(K);

  // --- soft majority vote: the standard, data-driven starting point ------------------------
  for (let n = 0; n < nA; n++) T[aItem[n]! * K + aLabel[n]!]! += 1;
  for (let i = 0; i < N; i++) {
    const g = goldClass[i]!;
    if (g >= 0) {
      for (let c = 0; c < K; c++) T[i * K + c] = c === g ? 1 : 0;
      continue;
    }
    let s = 0;
    for (let c = 0; c < K; c++) s += T[i * K + c]!;
    for (let c = 0; c < K; c++) T[i * K + c]! /= s;
  }

  const mStep = (): void => {
    counts.set(pseudo);
    for (let n = 0; n < nA; n++) {
      const base = aWorker[n]! * KK + aLabel[n]!;
      const ti = aItem[n]! * K;
      for (let t = 0; t < K; t++) counts[base + t * K]! += T[ti + t]!;
    }
    for (let r = 0; r < W * K; r++) {
      const off = r * K;
      let s = 0;
      for (let a = 0; a < K; a++) s += counts[off + a]!;
      for (let a = 0; a < K; a++) {
        const p = s > 0 ? counts[off + a]! / s : 1 / K;
        logPi[off + a] = p > 0 ? Math.log(p) : LOG_FLOOR;
      }
    }
    rho.fill(classSmoothing);
    for (let i = 0; i < N; i++) for (let c = 0; c < K; c++) rho[c]! += T[i * K + c]!;
    let rs = 0;
    for (let c = 0; c < K; c++) rs += rho[c]!;
    for (let c = 0; c < K; c++) {
      const p = rs > 0 ? rho[c]! / rs : 1 / K;
      rho[c] = p;
      logRho[c] = p > 0 ? Math.log(p) : LOG_FLOOR;
    }
  };

  let logLikelihood = 0;
  /** Returns the largest change of any item posterior. */
  const eStep = (): number => {
    for (let i = 0; i < N; i++) for (let c = 0; c < K; c++) logT[i * K + c] = logRho[c]!;
    for (let n = 0; n < nA; n++) {
      const base = aWorker[n]! * KK + aLabel[n]!;
      const ti = aItem[n]! * K;
      for (let t = 0; t < K; t++) logT[ti + t]! += logPi[base + t * K]!;
    }
    let delta = 0;
    let ll = 0;
    for (let i = 0; i < N; i++) {
      const off = i * K;
      let max = -Infinity;
      for (let c = 0; c < K; c++) if (logT[off + c]! > max) max = logT[off + c]!;
      let s = 0;
      for (let c = 0; c < K; c++) s += Math.exp(logT[off + c]! - max);
      const g = goldClass[i]!;
      if (g >= 0) {
        ll += logT[off + g]!;
        continue;
      }
      ll += max + Math.log(s);
      for (let c = 0; c < K; c++) {
        const p = Math.exp(logT[off + c]! - max) / s;
        const d = Math.abs(p - T[off + c]!);
        if (d > delta) delta = d;
        T[off + c] = p;
      }
    }
    logLikelihood = ll;
    return delta;
  };

  let iterations = 0;
  let converged = false;

  if (priorPi) {
    // Warm start: take the stored matrices as the first parameters (soft MV for workers without
    // one), so EM starts near where the last batch ended instead of from scratch.
    mStep();
    for (let r = 0; r < W * KK; r++) {
      const p = priorPi[r]!;
      if (p >= 0) logPi[r] = p > 0 ? Math.log(p) : LOG_FLOOR;
    }
    eStep();
    iterations++;
  }

  while (iterations < maxIterations) {
    mStep();
    const delta = eStep();
    iterations++;
    if (delta < tolerance) {
      converged = true;
      break;
    }
  }
  // Report parameters consistent with the final posteriors.
  mStep();

  const labels = new Map<string, string | null>();
  const posteriors = new Map<string, number[]>();
  const confidence = new Map<string, number>();
  for (let i = 0; i < N; i++) {
    const id = itemIds[i]!;
    const post: number[] = new Array<number>(K);
    let best = 0;
    let bestP = -1;
    let second = -1;
    for (let c = 0; c < K; c++) {
      const p = T[i * K + c]!;
      post[c] = p;
      if (p > bestP) {
        second = bestP;
        bestP = p;
        best = c;
      } else if (p > second) second = p;
    }
    posteriors.set(id, post);
    confidence.set(id, bestP);
    labels.set(id, bestP - second <= TIE_EPSILON ? null : classes[best]!);
  }

  const workerConfusion = new Map<string, ConfusionMatrix>();
  const workerAnswerCount = new Map<string, number>();
  const perWorker = new Int32Array(W);
  for (let n = 0; n < nA; n++) perWorker[aWorker[n]!]!++;
  for (let w = 0; w < W; w++) {
    const m: ConfusionMatrix = [];
    for (let t = 0; t < K; t++) {
      const row: number[] = [];
      for (let a = 0; a < K; a++) row.push(Math.exp(logPi[w * KK + t * K + a]!));
      m.push(row);
    }
    workerConfusion.set(workerIds[w]!, m);
    workerAnswerCount.set(workerIds[w]!, perWorker[w]!);
  }

  return {
    classes,
    labels,
    posteriors,
    confidence,
    workerConfusion,
    workerAnswerCount,
    classPriors: Array.from(rho),
    iterations,
    converged,
    logLikelihood,
  };
}
