import { describe, expect, it } from 'vitest';
import { dawidSkene, type WorkerPrior } from '../../../../shared/domain/aggregation/dawid-skene';
import { majorityVote } from '../../../../shared/domain/aggregation/majority-vote';
import { mulberry32 } from '../../../../shared/domain/aggregation/random';
import { accuracy, byItem, classNames, generateBatch, generateCrowd, plantWorkers } from '../../../support/generated-crowd';

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
