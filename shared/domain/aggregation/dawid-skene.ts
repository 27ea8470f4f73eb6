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
  /** EM stops when the log-likelihood changes by less than this fraction between iterations. */
  tolerance?: number;
  maxIterations?: number;
}

export interface DawidSkeneResult {
  classes: string[];
  /** Most probable class per item; null when the top two classes tie exactly. */
  labels: Map<string, string | null>;
  /** Full class distribution per item, in `classes` order. */
  posteriors: Map<string, readonly number[]>;
  /** Max posterior per item. */
  confidence: Map<string, number>;
  workerConfusion: Map<string, ConfusionMatrix>;
  /** Answers per worker in this run: the natural `strength` when storing the matrix for next time. */
  workerAnswerCount: Map<string, number>;
  classPriors: number[];
  iterations: number;
  converged: boolean;
  /**
   * Log-likelihood of the answers (of gold items: jointly with their gold label) under the
   * parameters of the last E-step; -Infinity when no iteration ran.
   */
  logLikelihood: number;
}

export const DAWID_SKENE_DEFAULTS: Readonly<Required<Pick<DawidSkeneOptions, 'smoothing' | 'classPriorSmoothing' | 'tolerance' | 'maxIterations'>>> = {
  smoothing: 0.01,
  classPriorSmoothing: 1,
  tolerance: 1e-6,
  maxIterations: 100,
};

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

/** The EM working set, flat typed arrays only. Patterns are distinct (worker, label) answer sets. */
interface EmState {
  K: number;
  W: number;
  P: number;
  /** Pattern p's answers are pCol[pStart[p]..pStart[p+1]); each is an offset worker*K*K + label. */
  pStart: Int32Array;
  pCol: Int32Array;
  /** Items sharing the pattern. */
  pWeight: Float64Array;
  /** Gold class of the pattern's items, or -1. */
  pGold: Int32Array;
  pseudo: Float64Array;
  classSmoothing: number;
  /** Posterior per pattern, P x K. */
  T: Float64Array;
  counts: Float64Array;
  /** log confusion, W x K x K, [worker][true][answered]. */
  logPi: Float64Array;
  rhoAcc: Float64Array;
  rho: Float64Array;
  logRho: Float64Array;
}

/** Adds pattern p's posterior, times its multiplicity, to the counts of the next M-step. */
function accumulate(s: EmState, p: number): void {
  const { K, T, counts, rhoAcc, pCol } = s;
  const off = p * K;
  const wgt = s.pWeight[p]!;
  for (let n = s.pStart[p]!, hi = s.pStart[p + 1]!; n < hi; n++) {
    const col = pCol[n]!;
    for (let t = 0; t < K; t++) counts[col + t * K]! += wgt * T[off + t]!;
  }
  for (let c = 0; c < K; c++) rhoAcc[c]! += wgt * T[off + c]!;
}

/** Turns the accumulated counts into the next parameters. */
function normalise(s: EmState): void {
  const { K, W, counts, logPi, rhoAcc, rho, logRho } = s;
  for (let r = 0; r < W * K; r++) {
    const off = r * K;
    let sum = 0;
    for (let a = 0; a < K; a++) sum += counts[off + a]!;
    for (let a = 0; a < K; a++) {
      const q = sum > 0 ? counts[off + a]! / sum : 1 / K;
      logPi[off + a] = q > 0 ? Math.log(q) : LOG_FLOOR;
    }
  }
  let rs = 0;
  for (let c = 0; c < K; c++) rs += rhoAcc[c]!;
  for (let c = 0; c < K; c++) {
    const q = rs > 0 ? rhoAcc[c]! / rs : 1 / K;
    rho[c] = q;
    logRho[c] = q > 0 ? Math.log(q) : LOG_FLOOR;
  }
}

/** M-step from the current posteriors. */
function mStep(s: EmState): void {
  s.counts.set(s.pseudo);
  s.rhoAcc.fill(s.classSmoothing);
  for (let p = 0; p < s.P; p++) accumulate(s, p);
  normalise(s);
}

/**
 * One EM iteration in a single pass: the E-step of each pattern with the current parameters,
 * whose posterior goes straight into the next M-step's counts. Returns the log-likelihood of
 * the answers under the parameters the pass started with.
 */
function emPass(s: EmState): number {
  const { K, P, T, logPi, logRho, pStart, pCol, pWeight, pGold } = s;
  s.counts.set(s.pseudo);
  s.rhoAcc.fill(s.classSmoothing);
  const scratch = new Float64Array(K);
  let ll = 0;
  for (let p = 0; p < P; p++) {
    const off = p * K;
    for (let c = 0; c < K; c++) scratch[c] = logRho[c]!;
    for (let n = pStart[p]!, hi = pStart[p + 1]!; n < hi; n++) {
      const col = pCol[n]!;
      for (let t = 0; t < K; t++) scratch[t]! += logPi[col + t * K]!;
    }
    const g = pGold[p]!;
    if (g >= 0) {
      ll += pWeight[p]! * scratch[g]!;
    } else {
      let max = -Infinity;
      for (let c = 0; c < K; c++) if (scratch[c]! > max) max = scratch[c]!;
      let sum = 0;
      for (let c = 0; c < K; c++) {
        const e = Math.exp(scratch[c]! - max);
        scratch[c] = e;
        sum += e;
      }
      ll += pWeight[p]! * (max + Math.log(sum));
      for (let c = 0; c < K; c++) T[off + c] = scratch[c]! / sum;
    }
    accumulate(s, p);
  }
  normalise(s);
  return ll;
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
  // Exports are usually grouped by worker or by item; remembering the previous id skips most
  // hash lookups, which dominate the indexing cost.
  let prevItem: string | undefined;
  let prevI = -1;
  let prevWorker: string | undefined;
  let prevW = -1;
  for (let n = 0; n < nA; n++) {
    const a = answers[n]!;
    let i = prevI;
    if (a.itemId !== prevItem) {
      const known = itemIndex.get(a.itemId);
      if (known === undefined) {
        i = itemIds.length;
        itemIndex.set(a.itemId, i);
        itemIds.push(a.itemId);
      } else i = known;
      prevItem = a.itemId;
      prevI = i;
    }
    let w = prevW;
    if (a.workerId !== prevWorker) {
      const known = workerIndex.get(a.workerId);
      if (known === undefined) {
        w = workerIds.length;
        workerIndex.set(a.workerId, w);
        workerIds.push(a.workerId);
      } else w = known;
      prevWorker = a.workerId;
      prevW = w;
    }
    let l = -1;
    for (let c = 0; c < K; c++) {
      if (classes[c] === a.label) {
        l = c;
        break;
      }
    }
    if (l < 0) throw new RangeError(`dawidSkene: label "${a.label}" is not one of the classes`);
    aItem[n] = i;
    aWorker[n] = w;
    aLabel[n] = l;
  }
  const N = itemIds.length;
  const W = workerIds.length;

  // Answers grouped by item (CSR). Per answer we keep the offset of its (worker, *, label)
  // column in the flattened W x K x K tables.
  const itemStart = new Int32Array(N + 1);
  for (let n = 0; n < nA; n++) itemStart[aItem[n]! + 1]!++;
  for (let i = 0; i < N; i++) itemStart[i + 1]! += itemStart[i]!;
  const fill = itemStart.slice(0, N);
  const ansCol = new Int32Array(nA);
  for (let n = 0; n < nA; n++) {
    const pos = fill[aItem[n]!]!++;
    ansCol[pos] = aWorker[n]! * KK + aLabel[n]!;
  }

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

  // Items with the same answers from the same workers have the same posterior. Marketplaces
  // hand a HIT's items to the same few workers, so such repeats are common (D_Product: 8,315
  // items, 1,363 distinct patterns); EM runs once per pattern, weighted by its multiplicity.
  const patternOf = new Int32Array(N);
  const patternKeys = new Map<string, number>();
  const pStartList: number[] = [0];
  const pColList: number[] = [];
  const pWeightList: number[] = [];
  const pGoldList: number[] = [];
  for (let i = 0; i < N; i++) {
    const lo = itemStart[i]!;
    const hi = itemStart[i + 1]!;
    // Insertion sort: an item has a handful of answers, and the key must not depend on order.
    for (let n = lo + 1; n < hi; n++) {
      const v = ansCol[n]!;
      let m = n - 1;
      while (m >= lo && ansCol[m]! > v) {
        ansCol[m + 1] = ansCol[m]!;
        m--;
      }
      ansCol[m + 1] = v;
    }
    let key = `${goldClass[i]!}`;
    for (let n = lo; n < hi; n++) key += `,${ansCol[n]!}`;
    let pattern = patternKeys.get(key);
    if (pattern === undefined) {
      pattern = pWeightList.length;
      patternKeys.set(key, pattern);
      pWeightList.push(0);
      pGoldList.push(goldClass[i]!);
      for (let n = lo; n < hi; n++) pColList.push(ansCol[n]!);
      pStartList.push(pColList.length);
    }
    pWeightList[pattern]!++;
    patternOf[i] = pattern;
  }
  const P = pWeightList.length;
  const pStart = Int32Array.from(pStartList);
  const pCol = Int32Array.from(pColList);
  const pWeight = Float64Array.from(pWeightList);
  const pGold = Int32Array.from(pGoldList);

  // Pseudo-counts: Laplace everywhere, plus the stored matrix scaled by its strength.
  const pseudo = new Float64Array(W * KK).fill(smoothing);
  const priorPi = opts.workerPriors && opts.workerPriors.size > 0 ? new Float64Array(W * KK).fill(-1) : null;
  if (priorPi && opts.workerPriors) {
    for (const [workerId, prior] of opts.workerPriors) {
      const w = workerIndex.get(workerId);
      if (w === undefined) continue;
      if (prior.confusion.length !== K) throw new RangeError(`dawidSkene: prior for ${workerId} is not ${K}x${K}`);
      if (!(prior.strength >= 0)) throw new RangeError(`dawidSkene: prior strength for ${workerId} must be >= 0`);
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

  const em: EmState = {
    K,
    W,
    P,
    pStart,
    pCol,
    pWeight,
    pGold,
    pseudo,
    classSmoothing,
    T: new Float64Array(P * K),
    counts: new Float64Array(W * KK),
    logPi: new Float64Array(W * KK),
    rhoAcc: new Float64Array(K),
    rho: new Float64Array(K),
    logRho: new Float64Array(K),
  };
  const { T, logPi, rho } = em;

  // --- start from soft majority vote (gold one-hot), the standard data-driven start ---------
  for (let p = 0; p < P; p++) {
    const off = p * K;
    const g = pGold[p]!;
    const lo = pStart[p]!;
    const hi = pStart[p + 1]!;
    for (let c = 0; c < K; c++) T[off + c] = c === g ? 1 : 0;
    if (g < 0) for (let n = lo; n < hi; n++) T[off + (pCol[n]! % K)]! += 1 / (hi - lo);
  }
  mStep(em);

  if (priorPi) {
    // Warm start: the stored matrices replace the soft-MV estimate as the first parameters, so
    // EM starts near where the last batch ended. Workers without a stored matrix keep soft MV.
    for (let r = 0; r < W * KK; r++) {
      const q = priorPi[r]!;
      if (q >= 0) logPi[r] = q > 0 ? Math.log(q) : LOG_FLOOR;
    }
  }

  let iterations = 0;
  let converged = false;
  let logLikelihood = -Infinity;
  while (iterations < maxIterations) {
    const ll = emPass(em);
    iterations++;
    // Relative change of the likelihood, not of single posteriors: on real data a handful of
    // items drift for hundreds of iterations without ever changing label.
    const change = Math.abs(ll - logLikelihood) / Math.max(1, Math.abs(ll));
    logLikelihood = ll;
    if (change < tolerance) {
      converged = true;
      break;
    }
  }

  // Items of one pattern share one posterior array (hence readonly in the result type).
  const patternPost: (readonly number[])[] = [];
  const patternLabel: (string | null)[] = [];
  const patternConf: number[] = [];
  for (let p = 0; p < P; p++) {
    const post: number[] = [];
    let best = 0;
    let bestP = -1;
    let second = -1;
    for (let c = 0; c < K; c++) {
      const q = T[p * K + c]!;
      post.push(q);
      if (q > bestP) {
        second = bestP;
        bestP = q;
        best = c;
      } else if (q > second) second = q;
    }
    patternPost.push(post);
    patternConf.push(bestP);
    patternLabel.push(bestP - second <= TIE_EPSILON ? null : classes[best]!);
  }
  const labels = new Map<string, string | null>();
  const posteriors = new Map<string, readonly number[]>();
  const confidence = new Map<string, number>();
  for (let i = 0; i < N; i++) {
    const id = itemIds[i]!;
    const p = patternOf[i]!;
    labels.set(id, patternLabel[p]!);
    posteriors.set(id, patternPost[p]!);
    confidence.set(id, patternConf[p]!);
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
