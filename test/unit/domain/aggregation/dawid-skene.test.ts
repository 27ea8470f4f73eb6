import { describe, expect, it } from 'vitest';
import { DAWID_SKENE_DEFAULTS, dawidSkene, type CategoricalAnswer, type WorkerPrior } from '../../../../shared/domain/aggregation/dawid-skene';
import { majorityVote } from '../../../../shared/domain/aggregation/majority-vote';
import { mulberry32 } from '../../../../shared/domain/aggregation/random';
import { accuracy, byItem, classNames, generateBatch, generateCrowd, plantWorkers } from '../../../support/generated-crowd';

/**
 * Textbook Dawid-Skene, written for clarity rather than speed: Maps, one item at a time, no
 * pattern sharing. The optimised implementation must agree with it to rounding error.
 */
function referenceDawidSkene(answers: CategoricalAnswer[], classes: string[], iterations: number, gold = new Map<string, string>()) {
  const K = classes.length;
  const items = byItem(answers);
  const workers = [...new Set(answers.map((a) => a.workerId))];
  const k = (label: string) => classes.indexOf(label);
  const T = new Map<string, number[]>();
  for (const [item, votes] of items) {
    const g = gold.get(item);
    const row = new Array<number>(K).fill(0);
    if (g !== undefined) row[k(g)] = 1;
    else for (const v of votes) row[k(v.label)]! += 1 / votes.length;
    T.set(item, row);
  }
  let pi = new Map<string, number[][]>();
  let rho: number[] = [];
  const mStep = () => {
    pi = new Map(workers.map((w) => [w, classes.map(() => new Array<number>(K).fill(DAWID_SKENE_DEFAULTS.smoothing))]));
    for (const a of answers) for (let t = 0; t < K; t++) pi.get(a.workerId)![t]![k(a.label)]! += T.get(a.itemId)![t]!;
    for (const m of pi.values()) {
      m.forEach((row, t) => {
        const z = row.reduce((s, y) => s + y, 0);
        m[t] = row.map((x) => x / z);
      });
    }
    rho = classes.map((_, c) => [...T.values()].reduce((s, row) => s + row[c]!, DAWID_SKENE_DEFAULTS.classPriorSmoothing));
    const z = rho.reduce((s, x) => s + x, 0);
    rho = rho.map((x) => x / z);
  };
  mStep();
  let logLikelihood = Number.NaN;
  for (let it = 0; it < iterations; it++) {
    logLikelihood = 0;
    for (const [item, votes] of items) {
      const p = rho.map((r, t) => votes.reduce((acc, v) => acc * pi.get(v.workerId)![t]![k(v.label)]!, r));
      const g = gold.get(item);
      if (g !== undefined) {
        logLikelihood += Math.log(p[k(g)]!);
        continue;
      }
      const z = p.reduce((s, x) => s + x, 0);
      logLikelihood += Math.log(z);
      T.set(item, p.map((x) => x / z));
    }
    mStep();
  }
  return { T, pi, rho, logLikelihood };
}

const mvLabels = (answers: Parameters<typeof byItem>[0]) => new Map([...byItem(answers)].map(([item, votes]) => [item, majorityVote(votes).label]));

describe('dawidSkene on a planted crowd with spammers and adversaries', () => {
  const crowd = generateCrowd({ seed: 7, classes: 3, mix: { good: 15, spammer: 10, adversarial: 5 }, items: 3000, answersPerItem: 5 });
  const ds = dawidSkene(crowd.answers, { classes: crowd.classes });

  it('beats majority vote by a wide margin', () => {
    const mv = accuracy(mvLabels(crowd.answers), crowd.truth);
    const dsAcc = accuracy(ds.labels, crowd.truth);
    expect(dsAcc).toBeGreaterThan(0.88);
    expect(dsAcc - mv).toBeGreaterThan(0.2);
    expect(ds.converged).toBe(true);
  });

  it('recovers the planted confusion matrices', () => {
    let maxErr = 0;
    let sumErr = 0;
    let cells = 0;
    for (const w of crowd.workers) {
      const est = ds.workerConfusion.get(w.id)!;
      w.confusion.forEach((row, t) =>
        row.forEach((p, a) => {
          const err = Math.abs(p - est[t]![a]!);
          maxErr = Math.max(maxErr, err);
          sumErr += err;
          cells++;
        }),
      );
    }
    // ~170 answers per matrix row: sampling noise alone is ~0.04 per cell.
    expect(sumErr / cells).toBeLessThan(0.04);
    expect(maxErr).toBeLessThan(0.15);
  });

  it('tells good, spamming and adversarial workers apart by their diagonals', () => {
    const diag = (id: string) => {
      const m = ds.workerConfusion.get(id)!;
      return m.reduce((s, row, t) => s + row[t]!, 0) / m.length;
    };
    for (const w of crowd.workers) {
      if (w.kind === 'good') expect(diag(w.id)).toBeGreaterThan(0.6);
      if (w.kind === 'adversarial') expect(diag(w.id)).toBeLessThan(0.3);
    }
  });

  it('returns a normalised posterior per item and its max as confidence', () => {
    expect(ds.posteriors.size).toBe(crowd.truth.size);
    for (const [item, post] of ds.posteriors) {
      expect(post.reduce((s, p) => s + p, 0)).toBeCloseTo(1, 12);
      expect(ds.confidence.get(item)).toBe(Math.max(...post));
      expect(ds.labels.get(item)).toBe(crowd.classes[post.indexOf(Math.max(...post))]);
    }
    expect(ds.classPriors.reduce((s, p) => s + p, 0)).toBeCloseTo(1, 12);
  });

  it('is deterministic', () => {
    const again = dawidSkene(crowd.answers, { classes: crowd.classes });
    expect(again.iterations).toBe(ds.iterations);
    expect([...again.posteriors]).toEqual([...ds.posteriors]);
  });
});

describe('dawidSkene against a textbook implementation', () => {
  it('matches it exactly on HIT-structured data, where many items share an answer pattern', () => {
    const crowd = generateCrowd({ seed: 17, classes: 3, mix: { good: 6, spammer: 3, adversarial: 1 }, items: 600, answersPerItem: 3, itemsPerHit: 20 });
    const gold = new Map([...crowd.truth].filter((_, i) => i % 25 === 0));
    const fast = dawidSkene(crowd.answers, { classes: crowd.classes, gold, maxIterations: 8, tolerance: 0 });
    const ref = referenceDawidSkene(crowd.answers, crowd.classes, 8, gold);
    for (const [item, post] of fast.posteriors) post.forEach((p, c) => expect(p).toBeCloseTo(ref.T.get(item)![c]!, 9));
    for (const [w, m] of fast.workerConfusion) m.forEach((row, t) => row.forEach((p, a) => expect(p).toBeCloseTo(ref.pi.get(w)![t]![a]!, 9)));
    fast.classPriors.forEach((p, c) => expect(p).toBeCloseTo(ref.rho[c]!, 9));
    expect(fast.logLikelihood).toBeCloseTo(ref.logLikelihood, 6);
  });
});

describe('gold clamping', () => {
  // An adversarial majority: unsupervised EM settles on the flipped labelling, which explains
  // the answers just as well. A few gold items pin down which way round the classes are.
  const crowd = generateCrowd({
    seed: 11,
    classes: 2,
    mix: { good: 8, spammer: 2, adversarial: 12 },
    items: 1000,
    answersPerItem: 5,
    adversarialAccuracy: [0.15, 0.3],
  });
  const gold = new Map([...crowd.truth].filter((_, i) => i % 20 === 0));
  const notGold = (item: string) => !gold.has(item);

  it('improves accuracy on the non-gold items', () => {
    const without = accuracy(dawidSkene(crowd.answers, { classes: crowd.classes }).labels, crowd.truth, notGold);
    const withGold = accuracy(dawidSkene(crowd.answers, { classes: crowd.classes, gold }).labels, crowd.truth, notGold);
    expect(without).toBeLessThan(0.5);
    expect(withGold).toBeGreaterThan(0.85);
  });

  it('fixes gold items to their gold label even against unanimous answers', () => {
    const answers = [
      { itemId: 'g', workerId: 'a', label: 'x' },
      { itemId: 'g', workerId: 'b', label: 'x' },
      { itemId: 'g', workerId: 'c', label: 'x' },
      { itemId: 'q', workerId: 'a', label: 'x' },
      { itemId: 'q', workerId: 'b', label: 'x' },
    ];
    const r = dawidSkene(answers, { classes: ['x', 'y'], gold: new Map([['g', 'y']]) });
    expect(r.labels.get('g')).toBe('y');
    expect(r.posteriors.get('g')).toEqual([0, 1]);
    // The gold item taught the model that these workers say "x" when the truth is "y".
    expect(r.workerConfusion.get('c')![1]![0]!).toBeGreaterThan(0.9);
  });

  it('ignores gold for items nobody answered and rejects unknown gold labels', () => {
    const answers = [{ itemId: 'q', workerId: 'a', label: 'x' }];
    expect(dawidSkene(answers, { classes: ['x', 'y'], gold: new Map([['nobody', 'y']]) }).labels.size).toBe(1);
    expect(() => dawidSkene(answers, { classes: ['x', 'y'], gold: new Map([['q', 'z']]) })).toThrow(RangeError);
  });
});

describe('warm start from stored worker matrices', () => {
  const classes = classNames(3);
  const rng = mulberry32(21);
  const workers = plantWorkers(rng, 3, { good: 15, spammer: 10, adversarial: 5 });
  const first = generateBatch(rng, workers, classes, { items: 1500, answersPerItem: 5, itemPrefix: 'a' });
  const second = generateBatch(rng, workers, classes, { items: 300, answersPerItem: 5, itemPrefix: 'b' });
  const stored = dawidSkene(first.answers, { classes });
  const priors = new Map<string, WorkerPrior>(
    [...stored.workerConfusion].map(([w, confusion]) => [w, { confusion, strength: stored.workerAnswerCount.get(w)! / classes.length }]),
  );

  it('converges in fewer iterations, and no less accurately, than a cold start', () => {
    const cold = dawidSkene(second.answers, { classes });
    const warm = dawidSkene(second.answers, { classes, workerPriors: priors });
    expect(cold.converged && warm.converged).toBe(true);
    expect(warm.iterations).toBeLessThan(cold.iterations / 2);
    expect(accuracy(warm.labels, second.truth)).toBeGreaterThanOrEqual(accuracy(cold.labels, second.truth));
  });

  it('starts EM from the stored matrices: one warm iteration beats a converged cold run', () => {
    const initOnly = new Map([...priors].map(([w, p]) => [w, { ...p, strength: 0 }]));
    const warm = dawidSkene(second.answers, { classes, workerPriors: initOnly, maxIterations: 1 });
    const cold = dawidSkene(second.answers, { classes });
    expect(accuracy(warm.labels, second.truth)).toBeGreaterThan(accuracy(cold.labels, second.truth) + 0.02);
  });

  it('keeps a strong prior near the stored matrix', () => {
    const w = workers[0]!.id;
    const tiny = second.answers.filter((a) => a.workerId === w).slice(0, 3);
    const strong = dawidSkene(tiny, { classes, workerPriors: new Map([[w, { confusion: priors.get(w)!.confusion, strength: 1000 }]]) });
    const est = strong.workerConfusion.get(w)!;
    priors.get(w)!.confusion.forEach((row, t) => row.forEach((p, a) => expect(Math.abs(est[t]![a]! - p)).toBeLessThan(0.01)));
  });

  it('requires the class order with priors', () => {
    expect(() => dawidSkene(second.answers, { workerPriors: priors })).toThrow(/classes/);
  });
});

describe('dawidSkene edge cases', () => {
  it('leaves an exact tie unresolved, like majority vote', () => {
    const r = dawidSkene([
      { itemId: 'i', workerId: 'a', label: 'x' },
      { itemId: 'i', workerId: 'b', label: 'y' },
    ]);
    expect(r.posteriors.get('i')).toEqual([0.5, 0.5]);
    expect(r.labels.get('i')).toBeNull();
  });

  it('rejects labels outside the declared classes', () => {
    expect(() => dawidSkene([{ itemId: 'i', workerId: 'a', label: 'z' }], { classes: ['x', 'y'] })).toThrow(RangeError);
  });

  it('stops at maxIterations and says it did not converge', () => {
    const crowd = generateCrowd({ seed: 3, classes: 2, mix: { good: 5, spammer: 3, adversarial: 1 }, items: 200, answersPerItem: 3 });
    const r = dawidSkene(crowd.answers, { maxIterations: 2, tolerance: 0 });
    expect(r.iterations).toBe(2);
    expect(r.converged).toBe(false);
  });
});
