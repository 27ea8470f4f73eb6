import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decideNextSlot, itemPosterior, planTopUp, type CrowdModel, type RedundancyPolicy, type WorkerSkill } from '../../../../shared/domain/aggregation/adaptive-redundancy';
import { mulberry32, shuffled } from '../../../../shared/domain/aggregation/random';
import { dawidSkene, type CategoricalAnswer } from '../../../../shared/domain/aggregation/dawid-skene';
import { byItem, generateCrowd, type GeneratedCrowd } from '../../../support/generated-crowd';

const classes = ['yes', 'no'];
const model = (skills: Record<string, WorkerSkill>, defaultSkill: WorkerSkill = { accuracy: 0.7 }): CrowdModel => ({
  classes,
  skills: new Map(Object.entries(skills)),
  defaultSkill,
});
const vote = (workerId: string, label: string) => ({ workerId, label });
const policy: RedundancyPolicy = { targetConfidence: 0.99, initialAnswers: 2, maxAnswers: 6 };

describe('itemPosterior', () => {
  it('matches Bayes by hand for a one-coin worker and a skewed prior', () => {
    const p = itemPosterior([vote('a', 'yes')], { ...model({ a: { accuracy: 0.8 } }), classPriors: [0.25, 0.75] });
    const yes = 0.25 * 0.8;
    const no = 0.75 * 0.2;
    expect(p[0]).toBeCloseTo(yes / (yes + no), 12);
  });

  it('uses the full confusion matrix when given one', () => {
    // A worker who always says "yes" when the truth is yes, and says yes half the time when it is no.
    const lenient: WorkerSkill = { confusion: [[1, 0], [0.5, 0.5]] };
    expect(itemPosterior([vote('l', 'no')], model({ l: lenient }))[1]).toBeCloseTo(1, 6);
    expect(itemPosterior([vote('l', 'yes')], model({ l: lenient }))[0]).toBeCloseTo(2 / 3, 12);
  });

  it('treats an unknown worker with the default skill and ignores a chance-level one', () => {
    expect(itemPosterior([vote('stranger', 'yes')], model({}, { accuracy: 0.6 }))[0]).toBeCloseTo(0.6, 12);
    expect(itemPosterior([vote('coin', 'yes')], model({ coin: { accuracy: 0.5 } }))).toEqual([0.5, 0.5]);
  });

  it('rejects labels outside the classes and misshapen matrices', () => {
    expect(() => itemPosterior([vote('a', 'maybe')], model({}))).toThrow(RangeError);
    expect(() => itemPosterior([vote('a', 'yes')], model({ a: { confusion: [[1]] } }))).toThrow(RangeError);
  });
});

describe('decideNextSlot', () => {
  const skilled = model({ a: { accuracy: 0.95 }, b: { accuracy: 0.95 }, c: { accuracy: 0.95 } });

  it('always collects the first k answers', () => {
    const d = decideNextSlot([vote('a', 'yes')], model({ a: { accuracy: 0.9999 } }), policy);
    expect(d).toMatchObject({ openSlot: true, reason: 'initial' });
  });

  it('stops early when skilled workers agree', () => {
    const d = decideNextSlot([vote('a', 'yes'), vote('b', 'yes')], skilled, policy);
    expect(d).toMatchObject({ openSlot: false, reason: 'confident', label: 'yes' });
    expect(d.confidence).toBeGreaterThanOrEqual(policy.targetConfidence);
  });

  it('asks for more when they disagree', () => {
    const d = decideNextSlot([vote('a', 'yes'), vote('b', 'no')], skilled, policy);
    expect(d).toMatchObject({ openSlot: true, reason: 'uncertain', label: null });
  });

  it('asks for more when agreeing workers are not skilled enough', () => {
    const weak = model({ a: { accuracy: 0.7 }, b: { accuracy: 0.7 } });
    expect(decideNextSlot([vote('a', 'yes'), vote('b', 'yes')], weak, policy).openSlot).toBe(true);
  });

  it('waits for an answer in flight instead of opening another', () => {
    expect(decideNextSlot([vote('a', 'yes'), vote('b', 'no')], skilled, policy, 1)).toMatchObject({ openSlot: false, reason: 'awaiting' });
    expect(decideNextSlot([vote('a', 'yes')], skilled, policy, 1)).toMatchObject({ openSlot: false, reason: 'awaiting' });
  });

  it('stops at the maximum even when still uncertain', () => {
    const split = ['yes', 'no', 'yes', 'no', 'yes', 'no'].map((l, i) => vote(`w${i}`, l));
    expect(decideNextSlot(split, model({}), policy)).toMatchObject({ openSlot: false, reason: 'max_reached' });
    expect(decideNextSlot(split.slice(0, 5), model({}), policy, 1)).toMatchObject({ openSlot: false, reason: 'max_reached' });
  });

  it('rejects an inconsistent policy', () => {
    expect(() => decideNextSlot([], skilled, { ...policy, maxAnswers: 1 })).toThrow(RangeError);
    expect(() => decideNextSlot([], skilled, { ...policy, targetConfidence: 1.5 })).toThrow(RangeError);
  });

  it('never runs past the maximum, whatever the answers', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom('yes', 'no'), fc.double({ min: 0, max: 1, noNaN: true })), { minLength: 30, maxLength: 30 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 0, max: 6 }),
        fc.double({ min: 0.5, max: 1, noNaN: true }),
        (stream, k, extra, target) => {
          const p: RedundancyPolicy = { targetConfidence: target, initialAnswers: k, maxAnswers: k + extra };
          const skills: Record<string, WorkerSkill> = {};
          const votes: { workerId: string; label: string }[] = [];
          for (const [i, [label, acc]] of stream.entries()) {
            if (!decideNextSlot(votes, model(skills), p).openSlot) break;
            skills[`w${i}`] = { accuracy: acc };
            votes.push(vote(`w${i}`, label));
          }
          expect(votes.length).toBeLessThanOrEqual(p.maxAnswers);
          expect(votes.length).toBeGreaterThanOrEqual(k);
        },
      ),
    );
  });
});

describe('adaptive redundancy on a planted crowd', () => {
  it('reaches the target with far fewer answers than the maximum, beating a fixed budget of the same size', () => {
    const crowd = generateCrowd({ seed: 13, classes: 2, mix: { good: 20, spammer: 6, adversarial: 2 }, items: 600, answersPerItem: 15 });
    const m: CrowdModel = {
      classes: crowd.classes,
      skills: new Map(crowd.workers.map((w) => [w.id, { confusion: w.confusion }])),
      defaultSkill: { accuracy: 0.5 },
    };
    const p: RedundancyPolicy = { targetConfidence: 0.98, initialAnswers: 2, maxAnswers: 15 };
    const rng = mulberry32(1);
    const orders = new Map([...byItem(crowd.answers)].map(([item, all]) => [item, shuffled(all, rng)]));
    let used = 0;
    let correct = 0;
    for (const [item, order] of orders) {
      const votes: { workerId: string; label: string }[] = [];
      let d = decideNextSlot(votes, m, p);
      while (d.openSlot) {
        votes.push(order[votes.length]!);
        d = decideNextSlot(votes, m, p);
      }
      used += votes.length;
      if (d.label === crowd.truth.get(item)) correct++;
    }
    const meanUsed = used / orders.size;
    const budget = Math.ceil(meanUsed);
    let fixedCorrect = 0;
    for (const [item, order] of orders) {
      const post = itemPosterior(order.slice(0, budget), m);
      if (post[0] !== post[1] && crowd.classes[post[0]! > post[1]! ? 0 : 1] === crowd.truth.get(item)) fixedCorrect++;
    }
    expect(meanUsed).toBeLessThan(p.maxAnswers / 2);
    expect(correct / orders.size).toBeGreaterThan(0.97);
    expect(correct - fixedCorrect).toBeGreaterThan(0.02 * orders.size);
  });
});

describe('planTopUp', () => {
  const m = model({ a: { accuracy: 0.9 }, b: { accuracy: 0.9 }, c: { accuracy: 0.6 } });
  const items = [
    { itemId: 'agreed', votes: [vote('a', 'yes'), vote('b', 'yes')] },
    { itemId: 'split', votes: [vote('a', 'yes'), vote('b', 'no')] },
    { itemId: 'weak', votes: [vote('c', 'yes'), vote('c', 'yes')] },
  ];

  it('gives the leftover answers to the least confident items first', () => {
    expect(planTopUp(items, m, 6, 2)).toEqual(['split', 'weak']);
    expect(planTopUp(items, m, 6, 10)).toEqual(['split', 'weak', 'agreed']);
  });

  it('never plans past the maximum, counting slots in flight, nor with nothing left', () => {
    const full = { itemId: 'full', votes: [vote('a', 'yes'), vote('b', 'no')], inFlight: 4 };
    expect(planTopUp([...items, full], m, 6, 10)).not.toContain('full');
    expect(planTopUp(items, m, 2, 10)).toEqual([]);
    expect(planTopUp(items, m, 6, 0)).toEqual([]);
  });

  it('on equal confidence prefers the item with fewer answers, then the id', () => {
    const tied = [
      { itemId: 'b4', votes: [vote('a', 'yes'), vote('a', 'no'), vote('b', 'yes'), vote('b', 'no')] },
      { itemId: 'z2', votes: [vote('a', 'yes'), vote('a', 'no')] },
      { itemId: 'y2', votes: [vote('b', 'yes'), vote('b', 'no')] },
    ];
    expect(planTopUp(tied, m, 6, 3)).toEqual(['y2', 'z2', 'b4']);
  });
});

/**
 * One batch replayed the platform's way: items in order, each stopping when decideNextSlot says
 * so with skills learned by Dawid-Skene every 50 items (never the planted matrices), then, with
 * `budget`, the answers left over go to planTopUp a quarter at a time.
 */
function replayBatch(crowd: GeneratedCrowd, p: RedundancyPolicy, budget?: number) {
  const rng = mulberry32(7);
  const orders = new Map([...byItem(crowd.answers)].map(([item, all]) => [item, shuffled(all, rng)]));
  let m: CrowdModel = { classes: crowd.classes, skills: new Map(), defaultSkill: { accuracy: 0.7 } };
  const collected: CategoricalAnswer[] = [];
  const relearn = () => {
    m = { ...m, skills: new Map([...dawidSkene(collected, { classes: crowd.classes }).workerConfusion].map(([w, c]) => [w, { confusion: c }])) };
  };
  const bought = new Map<string, CategoricalAnswer[]>();
  let n = 0;
  for (const [item, order] of orders) {
    const votes: CategoricalAnswer[] = [];
    while (decideNextSlot(votes, m, p).openSlot) votes.push(order[votes.length]!);
    bought.set(item, votes);
    collected.push(...votes);
    if (++n % 50 === 0) relearn();
  }
  relearn();
  let left = budget === undefined ? 0 : budget * orders.size - collected.length;
  while (left > 0) {
    const plan = planTopUp([...bought].map(([itemId, votes]) => ({ itemId, votes })), m, p.maxAnswers, Math.max(1, Math.ceil(left / 4)));
    if (plan.length === 0) break;
    for (const item of plan) {
      const votes = bought.get(item)!;
      votes.push(orders.get(item)![votes.length]!);
      collected.push(votes[votes.length - 1]!);
    }
    left -= plan.length;
    relearn();
  }
  const labels = new Map([...bought].map(([item, votes]) => {
    const post = itemPosterior(votes, m);
    return [item, post[0] === post[1] ? null : crowd.classes[post[0]! > post[1]! ? 0 : 1]!] as const;
  }));
  let correct = 0;
  for (const [item, t] of crowd.truth) if (labels.get(item) === t) correct++;
  return { bought, used: collected.length / orders.size, accuracy: correct / crowd.truth.size };
}

describe('adaptive redundancy with learned skills and a top-up, on a planted crowd', () => {
  // Mostly mediocre workers and a few spammers: a fixed small budget leaves many items wrong.
  const crowd = generateCrowd({ seed: 21, classes: 2, mix: { good: 24, spammer: 4, adversarial: 0 }, goodAccuracy: [0.65, 0.95], items: 500, answersPerItem: 15, itemsPerHit: 10 });
  const p: RedundancyPolicy = { targetConfidence: 0.95, initialAnswers: 2, maxAnswers: 15 };

  it('stops sooner on items whose first answers agree and opens more on contested ones', () => {
    const { bought } = replayBatch(crowd, p);
    const agreed: number[] = [];
    const contested: number[] = [];
    for (const votes of bought.values()) (votes[0]!.label === votes[1]!.label ? agreed : contested).push(votes.length);
    const avg = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(contested.length).toBeGreaterThan(50);
    expect(avg(contested)).toBeGreaterThan(avg(agreed) + 1.5);
  });

  it('spends exactly the budget with the top-up and is more accurate for it', () => {
    const pass = replayBatch(crowd, p);
    const budget = Math.ceil(pass.used) + 1;
    const topped = replayBatch(crowd, p, budget);
    expect(topped.used).toBe(budget);
    expect(topped.accuracy).toBeGreaterThan(pass.accuracy + 0.01);
    // Reaches the accuracy the model targets, learning skills only from agreement...
    expect(topped.accuracy).toBeGreaterThanOrEqual(p.targetConfidence);
    // ...and beats the same budget spent evenly, aggregated by Dawid-Skene.
    const rng = mulberry32(7);
    const even = [...byItem(crowd.answers).values()].flatMap((all) => shuffled(all, rng).slice(0, budget));
    const ds = dawidSkene(even, { classes: crowd.classes });
    let evenCorrect = 0;
    for (const [item, t] of crowd.truth) if (ds.labels.get(item) === t) evenCorrect++;
    expect(topped.accuracy).toBeGreaterThan(evenCorrect / crowd.truth.size + 0.01);
  });
});
