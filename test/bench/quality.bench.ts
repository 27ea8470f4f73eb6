/**
 * Quality benchmark of the aggregation library on two public crowdsourcing datasets (Zheng et
 * al., VLDB 2017): majority vote and Dawid-Skene against the published figures, Dawid-Skene
 * runtime, and the cost/accuracy curve of adaptive redundancy replayed on D_PosSent.
 *
 *   npm run bench:quality            human-readable table
 *   npm run bench:quality -- --json  machine-readable summary (add -s, `npm run -s ...`, to keep
 *                                     npm's own banner out of stdout)
 *
 * The datasets live outside the repo (research data without a licence to redistribute): they
 * are read in place from ../shared/datasets and never copied here.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { decideNextSlot, itemPosterior, planTopUp, type CrowdModel, type RedundancyPolicy, type WorkerSkill } from '../../shared/domain/aggregation/adaptive-redundancy';
import { dawidSkene, type CategoricalAnswer, type DawidSkeneResult, type WorkerPrior } from '../../shared/domain/aggregation/dawid-skene';
import { majorityVote } from '../../shared/domain/aggregation/majority-vote';
import { mulberry32, shuffled } from '../../shared/domain/aggregation/random';
import { accuracyEvidenceFromGold, confusionFromGold, type AccuracyPrior } from '../../shared/domain/aggregation/worker-skill';
import { passingScoreBetterThanChance } from '../../shared/domain/workers/qualifications';
import { byItem } from '../support/generated-crowd';

const JSON_MODE = process.argv.includes('--json');
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
// TESSERA_DATASETS_DIR lets a git worktree (one level deeper than the main checkout) find them.
const datasetsDir = process.env.TESSERA_DATASETS_DIR ?? path.resolve(repoRoot, '..', 'shared', 'datasets');
const CLASSES = ['0', '1'];
const POSITIVE = '1';

// Zheng et al. 2017, Table 6 (complete data), as quoted in each dataset's SOURCE.md.
const PUBLISHED = {
  product: { mv: { accuracy: 89.66, f1: 59.05 }, ds: { accuracy: 93.66, f1: 71.59 } },
  possent: { mv: { accuracy: 93.31, f1: 92.85 }, ds: { accuracy: 96.0, f1: 95.66 } },
} as const;

const GOALS = { dsWithinPoints: 0.5, dsProductMs: 50, adaptiveAccuracy: 95, adaptiveAnswers: 6 };
const TIMING_RUNS = 21;
const REPLAY_SEEDS = [1, 2, 3, 4, 5];
const TARGETS = [0.9, 0.95, 0.98, 0.99, 0.995, 0.999];
const POLICY = { initialAnswers: 2, maxAnswers: 20 };
/** Items between two re-estimations of worker skills in the learned-skill replay. */
const REESTIMATE_EVERY = 50;
/** Smoothing of qualification-test matrices: 20 answers per worker is little evidence. */
const QUALI_PRIOR: AccuracyPrior = { accuracy: 0.7, strength: 4 };
/** Pseudo-answers per class that the qualification matrix is worth once EM takes over. */
const QUALI_WARM_STRENGTH = 10;
/**
 * The client's budget in the top-up replay: the goal's own figure (answers per item on average),
 * fixed before any run, not tuned. Each top-up round spends a quarter of what is left (at least
 * one answer), then skills are re-estimated: also fixed a priori, not tuned.
 */
const TOP_UP_BUDGET = GOALS.adaptiveAnswers;
const TOP_UP_ROUND_SHARE = 0.25;
/**
 * How a replay runs. `gate`: only workers who passed the qualification test at the pass mark of
 * passingScoreBetterThanChance (fixed by the test's shape: 20 yes/no questions, 5 % level, so
 * 75 %) are let in, as a project requiring that qualification would; their answers are skipped
 * in the replay, which leaves fewer than 20 answers to buy on some items.
 */
interface ReplayOptions {
  skills: 'qualification' | 'learned';
  topUp: boolean;
  gate: boolean;
}
const REPLAYS: Record<string, ReplayOptions> = {
  qualification: { skills: 'qualification', topUp: false, gate: false },
  learned: { skills: 'learned', topUp: false, gate: false },
  'learned+top-up': { skills: 'learned', topUp: true, gate: false },
  'gated, learned': { skills: 'learned', topUp: false, gate: true },
  'gated, learned+top-up': { skills: 'learned', topUp: true, gate: true },
};

// --- IO ---------------------------------------------------------------------------------------

interface Table {
  header: string[];
  rows: string[][];
}

/** Splits on \r\n, \n or a lone \r: quali_truth.csv uses old-Mac line endings. */
function readCsv(file: string, expectedHeader: readonly string[]): Table {
  const lines = readFileSync(file, 'utf8').split(/\r\n|\r|\n/).filter((l) => l.length > 0);
  const header = (lines[0] ?? '').split(',');
  if (header.join(',') !== expectedHeader.join(',')) {
    throw new Error(`${file}: header is "${header.join(',')}", expected "${expectedHeader.join(',')}" (see SOURCE.md)`);
  }
  return { header, rows: lines.slice(1).map((l) => l.split(',')) };
}

function answersFrom(t: Table): CategoricalAnswer[] {
  return t.rows.map(([itemId, workerId, label]) => ({ itemId: itemId!, workerId: workerId!, label: label! }));
}

function truthFrom(t: Table): Map<string, string> {
  return new Map(t.rows.map(([q, truth]) => [q!, truth!]));
}

/** Checks every file against the sha256 recorded in SOURCE.md, so a changed copy is noticed. */
function verifyChecksums(dir: string): { verified: number; mismatched: string[] } {
  const source = readFileSync(path.join(dir, 'SOURCE.md'), 'utf8');
  const mismatched: string[] = [];
  let verified = 0;
  for (const m of source.matchAll(/([\w.]+\.csv) `([0-9a-f]{64})`/g)) {
    const file = path.join(dir, m[1]!);
    const actual = createHash('sha256').update(readFileSync(file)).digest('hex');
    if (actual === m[2]) verified++;
    else mismatched.push(m[1]!);
  }
  return { verified, mismatched };
}

// --- scoring ------------------------------------------------------------------------------------

interface Score {
  accuracy: number;
  f1: number;
}

/**
 * Accuracy and F1 of the positive class, in percent. A null label (a tie) counts as half right,
 * its expected value under a fair coin, when `tiesAsHalf`; otherwise as wrong.
 */
function score(labels: ReadonlyMap<string, string | null>, truth: ReadonlyMap<string, string>, tiesAsHalf: boolean, exclude?: ReadonlySet<string>): Score {
  let ok = 0;
  let n = 0;
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const [item, t] of truth) {
    if (exclude?.has(item)) continue;
    n++;
    const l = labels.get(item) ?? null;
    if (l === null) {
      const share = tiesAsHalf ? 0.5 : 0;
      ok += share;
      if (t === POSITIVE) {
        tp += share;
        fn += 1 - share;
      } else fp += share;
      continue;
    }
    if (l === t) ok++;
    if (l === POSITIVE && t === POSITIVE) tp++;
    else if (l === POSITIVE) fp++;
    else if (t === POSITIVE) fn++;
  }
  return { accuracy: (100 * ok) / n, f1: (100 * 2 * tp) / (2 * tp + fp + fn) };
}


function medianOf(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

const mean = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

// --- MV and DS on the complete data -------------------------------------------------------------

interface DatasetReport {
  name: string;
  items: number;
  answers: number;
  workers: number;
  checksums: { verified: number; mismatched: string[] };
  mvTies: number;
  mvTiesHalf: Score;
  mvTiesNull: Score;
  ds: Score & { iterations: number; converged: boolean; medianMs: number; minMs: number };
  published: { mv: Score; ds: Score };
}

function evaluateComplete(name: string, dir: string, answers: CategoricalAnswer[], truth: Map<string, string>, published: DatasetReport['published']): DatasetReport {
  const mv = new Map<string, string | null>();
  let ties = 0;
  for (const [item, votes] of byItem(answers)) {
    const o = majorityVote(votes);
    if (o.tie) ties++;
    mv.set(item, o.label);
  }

  let result: DawidSkeneResult | undefined;
  const times: number[] = [];
  // The first runs pay for JIT compilation; a service would be warm.
  for (let i = 0; i < 5; i++) dawidSkene(answers, { classes: CLASSES });
  for (let i = 0; i < TIMING_RUNS; i++) {
    const t0 = performance.now();
    result = dawidSkene(answers, { classes: CLASSES });
    times.push(performance.now() - t0);
  }
  const ds = result!;
  return {
    name,
    items: truth.size,
    answers: answers.length,
    workers: new Set(answers.map((a) => a.workerId)).size,
    checksums: verifyChecksums(dir),
    mvTies: ties,
    mvTiesHalf: score(mv, truth, true),
    mvTiesNull: score(mv, truth, false),
    ds: { ...score(ds.labels, truth, true), iterations: ds.iterations, converged: ds.converged, medianMs: medianOf(times), minMs: Math.min(...times) },
    published,
  };
}

// --- adaptive redundancy replay on D_PosSent ------------------------------------------------------

interface CurvePoint {
  target: number;
  answersPerItem: number;
  /** Label the item had when the policy stopped asking. */
  accuracyAtStop: number;
  /** Labels recomputed at the end from the collected answers with the final skill estimates. */
  accuracyFinal: number;
}

interface PlatformKnowledge {
  quali: CategoricalAnswer[];
  qualiTruth: Map<string, string>;
  qualiConfusion: Map<string, number[][]>;
  /** Workers whose qualification score reaches the pass mark. */
  qualified: Set<string>;
}

const skillsFrom = (m: ReadonlyMap<string, number[][]>): Map<string, WorkerSkill> => new Map([...m].map(([w, c]) => [w, { confusion: c }]));

/**
 * Replays D_PosSent as if the platform had bought answers one at a time: items in random
 * order, each item's 20 recorded answers in random order, one more answer bought only when
 * `decideNextSlot` says so.
 *
 * Worker skills come only from what the platform would know. 'qualification': the matrices
 * from the 20-question qualification test, fixed. 'learned': the same to start with, then every
 * REESTIMATE_EVERY items Dawid-Skene over the answers bought so far plus the qualification
 * answers (as gold), warm-started from the qualification matrices. truth.csv is only read to
 * score the result. See ReplayOptions for the gate and the top-up.
 */
function replay(answersByItem: Map<string, CategoricalAnswer[]>, known: PlatformKnowledge, mode: ReplayOptions, target: number, seed: number): { used: number; atStop: Map<string, string | null>; final: Map<string, string | null> } {
  const rng = mulberry32(seed);
  const policy: RedundancyPolicy = { targetConfidence: target, ...POLICY };
  const priors = new Map<string, WorkerPrior>([...known.qualiConfusion].map(([w, c]) => [w, { confusion: c, strength: QUALI_WARM_STRENGTH }]));
  let model: CrowdModel = { classes: CLASSES, skills: skillsFrom(known.qualiConfusion), defaultSkill: { accuracy: QUALI_PRIOR.accuracy } };
  const relearn = (collected: CategoricalAnswer[]) => {
    const ds = dawidSkene([...collected, ...known.quali], { classes: CLASSES, gold: known.qualiTruth, workerPriors: priors });
    model = { ...model, skills: skillsFrom(ds.workerConfusion) };
  };

  const items = shuffled([...answersByItem.keys()], rng);
  const collected: CategoricalAnswer[] = [];
  const bought = new Map<string, CategoricalAnswer[]>();
  const orders = new Map<string, CategoricalAnswer[]>();
  const atStop = new Map<string, string | null>();
  items.forEach((item, n) => {
    const shuffledAnswers = shuffled(answersByItem.get(item)!, rng);
    const order = mode.gate ? shuffledAnswers.filter((a) => known.qualified.has(a.workerId)) : shuffledAnswers;
    orders.set(item, order);
    const votes: CategoricalAnswer[] = [];
    let d = decideNextSlot(votes, model, policy);
    while (d.openSlot && votes.length < order.length) {
      votes.push(order[votes.length]!);
      d = decideNextSlot(votes, model, policy);
    }
    collected.push(...votes);
    bought.set(item, votes);
    atStop.set(item, d.label);
    if (mode.skills === 'learned' && (n + 1) % REESTIMATE_EVERY === 0) relearn(collected);
  });
  if (mode.skills === 'learned') relearn(collected);
  if (mode.topUp) {
    // What the confident items saved goes, a round at a time, to the items the latest skills are least sure of.
    let left = TOP_UP_BUDGET * answersByItem.size - collected.length;
    while (left > 0) {
      // An item whose recorded answers are all bought has nothing left to buy in the replay.
      const items = [...bought].filter(([itemId, votes]) => votes.length < orders.get(itemId)!.length).map(([itemId, votes]) => ({ itemId, votes }));
      const plan = planTopUp(items, model, POLICY.maxAnswers, Math.max(1, Math.ceil(left * TOP_UP_ROUND_SHARE)));
      if (plan.length === 0) break;
      for (const item of plan) {
        const votes = bought.get(item)!;
        const next = orders.get(item)![votes.length]!;
        votes.push(next);
        collected.push(next);
      }
      left -= plan.length;
      relearn(collected);
    }
  }

  const final = new Map<string, string | null>();
  for (const [item, votes] of bought) {
    const p = itemPosterior(votes, model);
    final.set(item, p[0] === p[1] ? null : CLASSES[p[0]! > p[1]! ? 0 : 1]!);
  }
  return { used: collected.length, atStop, final };
}

function curve(answersByItem: Map<string, CategoricalAnswer[]>, truth: Map<string, string>, known: PlatformKnowledge, mode: ReplayOptions): CurvePoint[] {
  return TARGETS.map((target) => {
    const runs = REPLAY_SEEDS.map((seed) => {
      const r = replay(answersByItem, known, mode, target, seed);
      return { used: r.used / answersByItem.size, atStop: score(r.atStop, truth, true).accuracy, final: score(r.final, truth, true).accuracy };
    });
    return { target, answersPerItem: mean(runs.map((r) => r.used)), accuracyAtStop: mean(runs.map((r) => r.atStop)), accuracyFinal: mean(runs.map((r) => r.final)) };
  });
}

/** Reference point: the same budget spent evenly, n random answers per item, then Dawid-Skene. */
function fixedBudget(answersByItem: Map<string, CategoricalAnswer[]>, truth: Map<string, string>, known: PlatformKnowledge, n: number): { mv: number; ds: number } {
  const mv: number[] = [];
  const ds: number[] = [];
  for (const seed of REPLAY_SEEDS) {
    const rng = mulberry32(seed);
    const subset = [...answersByItem.values()].flatMap((all) => shuffled(all, rng).slice(0, n));
    mv.push(score(new Map([...byItem(subset)].map(([item, votes]) => [item, majorityVote(votes).label])), truth, true).accuracy);
    ds.push(score(dawidSkene([...subset, ...known.quali], { classes: CLASSES, gold: known.qualiTruth }).labels, truth, true).accuracy);
  }
  return { mv: mean(mv), ds: mean(ds) };
}

// --- main -----------------------------------------------------------------------------------------

interface Goal {
  goal: string;
  met: boolean;
  detail: string;
}

function main(): void {
  const productDir = path.join(datasetsDir, 'zheng2017-d-product');
  const possentDir = path.join(datasetsDir, 'zheng2017-d-possent');
  const missing = [productDir, possentDir].filter((d) => !existsSync(path.join(d, 'SOURCE.md')));
  if (missing.length > 0) {
    const message = `quality bench skipped: dataset folder(s) not found: ${missing.join(', ')} (expected under ${datasetsDir}; see each SOURCE.md for where they come from).`;
    console.log(JSON_MODE ? JSON.stringify({ skipped: true, reason: message }) : message);
    process.exit(0);
  }

  // Timings are wall-clock; on a shared machine they say as much about the neighbours as
  // about the code, so the load at start is reported next to them.
  const machine = { cpus: os.availableParallelism(), loadAverage1m: os.loadavg()[0] ?? 0, node: process.version };
  const product = evaluateComplete(
    'D_Product',
    productDir,
    answersFrom(readCsv(path.join(productDir, 'answer.csv'), ['question', 'worker', 'answer'])),
    truthFrom(readCsv(path.join(productDir, 'truth.csv'), ['question', 'truth'])),
    PUBLISHED.product,
  );

  const possentAnswers = answersFrom(readCsv(path.join(possentDir, 'answer.csv'), ['id', 'worker', 'answer']));
  const possentTruth = truthFrom(readCsv(path.join(possentDir, 'truth.csv'), ['q', 'truth']));
  const possent = evaluateComplete('D_PosSent', possentDir, possentAnswers, possentTruth, PUBLISHED.possent);

  const quali = answersFrom(readCsv(path.join(possentDir, 'quali.csv'), ['id', 'worker', 'answer']));
  const qualiTruth = truthFrom(readCsv(path.join(possentDir, 'quali_truth.csv'), ['q', 'truth']));
  const passMark = passingScoreBetterThanChance(qualiTruth.size, CLASSES.length);
  const qualified = new Set([...accuracyEvidenceFromGold(quali, qualiTruth)].filter(([, e]) => Math.floor((e.correct * 100) / e.total) >= passMark).map(([w]) => w));
  const known: PlatformKnowledge = { quali, qualiTruth, qualiConfusion: confusionFromGold(quali, qualiTruth, CLASSES, QUALI_PRIOR), qualified };
  const possentByItem = byItem(possentAnswers);
  const curves = Object.fromEntries(Object.entries(REPLAYS).map(([name, mode]) => [name, curve(possentByItem, possentTruth, known, mode)]));
  // What the gate leaves: answers still on offer, and Dawid-Skene on all of them (the gated ceiling).
  const gatedAnswers = possentAnswers.filter((a) => qualified.has(a.workerId));
  const gate = {
    passMark,
    workersQualified: qualified.size,
    workers: new Set(quali.map((a) => a.workerId)).size,
    answersPerItem: gatedAnswers.length / possentByItem.size,
    minAnswersPerItem: Math.min(...[...byItem(gatedAnswers).values()].map((v) => v.length)),
    dsAccuracyAllGated: score(dawidSkene([...gatedAnswers, ...quali], { classes: CLASSES, gold: qualiTruth }).labels, possentTruth, true).accuracy,
  };
  const fixed = [4, 6, 8].map((n) => ({ answersPerItem: n, ...fixedBudget(possentByItem, possentTruth, known, n) }));

  const goals: Goal[] = [];
  for (const r of [product, possent]) {
    const gap = r.ds.accuracy - r.published.ds.accuracy;
    goals.push({ goal: `${r.name}: DS accuracy within ${GOALS.dsWithinPoints} points of published`, met: Math.abs(gap) <= GOALS.dsWithinPoints, detail: `${r.ds.accuracy.toFixed(2)} vs ${r.published.ds.accuracy.toFixed(2)} (${gap >= 0 ? '+' : ''}${gap.toFixed(2)})` });
  }
  goals.push({ goal: `D_Product: DS under ${GOALS.dsProductMs} ms`, met: product.ds.medianMs < GOALS.dsProductMs, detail: `median ${product.ds.medianMs.toFixed(1)} ms of ${TIMING_RUNS} runs` });
  const points = Object.entries(curves).flatMap(([mode, c]) => c.map((p) => ({ mode, ...p })));
  const hits = points.filter((p) => p.accuracyFinal >= GOALS.adaptiveAccuracy && p.answersPerItem <= GOALS.adaptiveAnswers);
  const describe = (p: (typeof points)[number]) => `${p.mode} skills, target ${p.target}: ${p.accuracyFinal.toFixed(2)}% at ${p.answersPerItem.toFixed(2)} answers`;
  const bestInBudget = points.filter((p) => p.answersPerItem <= GOALS.adaptiveAnswers).sort((a, b) => b.accuracyFinal - a.accuracyFinal)[0];
  const cheapestAccurate = points.filter((p) => p.accuracyFinal >= GOALS.adaptiveAccuracy).sort((a, b) => a.answersPerItem - b.answersPerItem)[0];
  goals.push({
    goal: `D_PosSent: adaptive >= ${GOALS.adaptiveAccuracy}% accuracy with <= ${GOALS.adaptiveAnswers} answers/microtask`,
    met: hits.length > 0,
    detail: [
      bestInBudget ? `most accurate within ${GOALS.adaptiveAnswers} answers: ${describe(bestInBudget)}` : `no point within ${GOALS.adaptiveAnswers} answers`,
      cheapestAccurate ? `cheapest reaching ${GOALS.adaptiveAccuracy}%: ${describe(cheapestAccurate)}` : `no point reaches ${GOALS.adaptiveAccuracy}%`,
    ].join('; '),
  });

  if (JSON_MODE) {
    console.log(JSON.stringify({ datasetsDir, machine, datasets: [product, possent], adaptive: { dataset: 'D_PosSent', policy: POLICY, seeds: REPLAY_SEEDS, reestimateEvery: REESTIMATE_EVERY, topUp: { budget: TOP_UP_BUDGET, roundShare: TOP_UP_ROUND_SHARE }, gate, curves, fixedBudget: fixed }, goals }, null, 2));
    return;
  }

  const pct = (x: number) => x.toFixed(2).padStart(6);
  console.log(`Quality benchmark — datasets read in place from ${datasetsDir}`);
  console.log(`Node ${machine.node}, ${machine.cpus} CPUs, load average (1 min) ${machine.loadAverage1m.toFixed(2)} at start\n`);
  for (const r of [product, possent]) {
    console.log(`${r.name}: ${r.items} items, ${r.answers} answers, ${r.workers} workers; sha256 ${r.checksums.mismatched.length ? `MISMATCH ${r.checksums.mismatched.join(', ')}` : `ok (${r.checksums.verified} files)`}`);
    console.log('  method                       accuracy     F1(1)   published acc / F1');
    console.log(`  MV, ties count 1/2 (${String(r.mvTies).padStart(2)} ties)   ${pct(r.mvTiesHalf.accuracy)}    ${pct(r.mvTiesHalf.f1)}   ${r.published.mv.accuracy.toFixed(2)} / ${r.published.mv.f1.toFixed(2)}`);
    console.log(`  MV, ties left null           ${pct(r.mvTiesNull.accuracy)}    ${pct(r.mvTiesNull.f1)}`);
    console.log(`  Dawid-Skene                  ${pct(r.ds.accuracy)}    ${pct(r.ds.f1)}   ${r.published.ds.accuracy.toFixed(2)} / ${r.published.ds.f1.toFixed(2)}`);
    console.log(`  DS: ${r.ds.iterations} iterations, converged ${r.ds.converged}, median ${r.ds.medianMs.toFixed(1)} ms (min ${r.ds.minMs.toFixed(1)}) over ${TIMING_RUNS} runs\n`);
  }

  console.log(`Adaptive redundancy on D_PosSent (k=${POLICY.initialAnswers}, max=${POLICY.maxAnswers}; items and answers replayed in random order; mean of seeds ${REPLAY_SEEDS.join(',')})`);
  console.log('  Skills from the qualification test (quali.csv) and, for "learned", agreement on the answers bought so far; never from truth.csv.');
  console.log('  Accuracy counts a tie as 1/2. "final" = labels recomputed at the end with the final skill estimates.');
  console.log(`  "gated": only the ${gate.workersQualified}/${gate.workers} workers with a qualification score >= ${gate.passMark} % (better than chance at 5 %) answer; that leaves ${gate.answersPerItem.toFixed(2)} answers/item on offer (min ${gate.minAnswersPerItem}); DS on all of them: ${gate.dsAccuracyAllGated.toFixed(2)} %.`);
  console.log(`  "learned+top-up": after the pass, answers left of a budget of ${TOP_UP_BUDGET}/item go to the least confident items (planTopUp), ${TOP_UP_ROUND_SHARE * 100} % of what is left per round, skills re-estimated between rounds.`);
  for (const [mode, points] of Object.entries(curves)) {
    console.log(`  skills: ${mode}`);
    console.log('    target   answers/item   acc@stop   acc final');
    for (const p of points) console.log(`    ${p.target.toFixed(3)}   ${p.answersPerItem.toFixed(2).padStart(12)}   ${pct(p.accuracyAtStop)}     ${pct(p.accuracyFinal)}`);
  }
  console.log('  fixed budget (n random answers per item, same for every item):');
  for (const f of fixed) console.log(`    n=${f.answersPerItem}: MV ${f.mv.toFixed(2)}  DS ${f.ds.toFixed(2)}`);

  console.log('\nGoals');
  for (const g of goals) console.log(`  [${g.met ? 'MET' : 'NOT MET'}] ${g.goal}: ${g.detail}`);
}

main();
