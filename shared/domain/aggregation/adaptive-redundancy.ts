import type { Vote } from './majority-vote';
import { symmetricConfusion } from './worker-skill';

/**
 * Adaptive redundancy ("target-accuracy mode"): instead of buying a fixed number of answers per
 * microtask, buy k, then one more at a time until the item's posterior reaches the target
 * confidence or the maximum is reached. Easy items with skilled, agreeing workers stop early;
 * the budget goes to the items the crowd disagrees on.
 */

/** A worker's skill: a one-coin accuracy, or a full confusion matrix (`[true][answered]`). */
export type WorkerSkill = { accuracy: number } | { confusion: readonly (readonly number[])[] };

export interface CrowdModel {
  classes: readonly string[];
  /** Prior over classes, in `classes` order; uniform when omitted. */
  classPriors?: readonly number[];
  skills: ReadonlyMap<string, WorkerSkill>;
  /** Skill assumed for a worker the model has never seen. */
  defaultSkill: WorkerSkill;
}

export interface RedundancyPolicy {
  /** Stop once the most likely class has at least this posterior. */
  targetConfidence: number;
  /** k: answers always collected before the posterior is consulted. */
  initialAnswers: number;
  /** Hard cap on answers (and so on cost) per microtask. */
  maxAnswers: number;
}

export type SlotReason = 'initial' | 'confident' | 'max_reached' | 'awaiting' | 'uncertain';

export interface SlotDecision {
  openSlot: boolean;
  reason: SlotReason;
  /** Most likely class so far; null on an exact tie. */
  label: string | null;
  confidence: number;
  posterior: number[];
}

// Keeps a zero cell (a worker "never" confuses two classes) from making an item impossible.
const PROB_FLOOR = 1e-9;
const TIE_EPSILON = 1e-12;

function confusionOf(skill: WorkerSkill, K: number): readonly (readonly number[])[] {
  if ('accuracy' in skill) return symmetricConfusion(skill.accuracy, K);
  if (skill.confusion.length !== K || skill.confusion.some((r) => r.length !== K)) {
    throw new RangeError(`itemPosterior: confusion matrix must be ${K}x${K}`);
  }
  return skill.confusion;
}

/**
 * P(true class | the answers so far) for one item, treating workers as independent given the
 * true class (the Dawid-Skene model with its parameters held fixed).
 */
export function itemPosterior(votes: readonly Vote[], model: CrowdModel): number[] {
  const K = model.classes.length;
  if (K < 2) throw new RangeError('itemPosterior: need at least two classes');
  const priors = model.classPriors ?? new Array<number>(K).fill(1 / K);
  if (priors.length !== K) throw new RangeError('itemPosterior: classPriors must match classes');
  const index = new Map(model.classes.map((c, i) => [c, i] as const));
  const logp = priors.map((p) => Math.log(Math.max(p, PROB_FLOOR)));
  for (const v of votes) {
    const a = index.get(v.label);
    if (a === undefined) throw new RangeError(`itemPosterior: label "${v.label}" is not one of the classes`);
    const m = confusionOf(model.skills.get(v.workerId) ?? model.defaultSkill, K);
    for (let t = 0; t < K; t++) logp[t]! += Math.log(Math.max(m[t]![a]!, PROB_FLOOR));
  }
  const max = Math.max(...logp);
  const e = logp.map((l) => Math.exp(l - max));
  const z = e.reduce((s, x) => s + x, 0);
  return e.map((x) => x / z);
}

export function validateRedundancyPolicy(policy: RedundancyPolicy): void {
  const { targetConfidence, initialAnswers, maxAnswers } = policy;
  if (!(targetConfidence > 0 && targetConfidence <= 1)) throw new RangeError('targetConfidence must be in (0, 1]');
  if (!Number.isInteger(initialAnswers) || initialAnswers < 1) throw new RangeError('initialAnswers must be a positive integer');
  if (!Number.isInteger(maxAnswers) || maxAnswers < initialAnswers) throw new RangeError('maxAnswers must be an integer >= initialAnswers');
}

/**
 * Whether to open one more answer slot for an item.
 *
 * @param inFlight slots already open but not yet answered. Past the first k we wait for them
 *   rather than open more, since a pending answer may make the next one unnecessary.
 */
export function decideNextSlot(votes: readonly Vote[], model: CrowdModel, policy: RedundancyPolicy, inFlight = 0): SlotDecision {
  validateRedundancyPolicy(policy);
  if (!Number.isInteger(inFlight) || inFlight < 0) throw new RangeError('inFlight must be a non-negative integer');
  const posterior = itemPosterior(votes, model);
  let best = 0;
  for (let c = 1; c < posterior.length; c++) if (posterior[c]! > posterior[best]!) best = c;
  const confidence = posterior[best]!;
  const tie = posterior.some((p, c) => c !== best && confidence - p <= TIE_EPSILON);
  const base = { label: tie ? null : model.classes[best]!, confidence, posterior };

  const committed = votes.length + inFlight;
  if (committed < policy.initialAnswers) return { ...base, openSlot: true, reason: 'initial' };
  if (votes.length >= policy.initialAnswers && confidence >= policy.targetConfidence && !tie) return { ...base, openSlot: false, reason: 'confident' };
  if (committed >= policy.maxAnswers) return { ...base, openSlot: false, reason: 'max_reached' };
  if (inFlight > 0) return { ...base, openSlot: false, reason: 'awaiting' };
  return { ...base, openSlot: true, reason: 'uncertain' };
}

/** One item of a batch as the top-up planner sees it. */
export interface ItemAnswers {
  itemId: string;
  votes: readonly Vote[];
  /** Slots open but not yet answered. */
  inFlight?: number;
}

/**
 * Where a batch's leftover budget goes once every item has stopped: one more answer each for the
 * items the model is now least sure of, least sure first.
 *
 * Items stop one by one with the skills known at the time; early items were decided on the
 * qualification test alone and some stopped on too little evidence. With the budget fixed by the
 * client (answers per item on average), what the confident items saved is worth more on those
 * than left unspent. The caller re-estimates skills between rounds and asks again, so a round
 * should be a fraction of what is left rather than all of it.
 *
 * @returns item ids to give one more slot each, at most `answersLeft`, never an item at its maximum.
 */
export function planTopUp(items: readonly ItemAnswers[], model: CrowdModel, maxAnswers: number, answersLeft: number): string[] {
  if (!Number.isInteger(maxAnswers) || maxAnswers < 1) throw new RangeError('maxAnswers must be a positive integer');
  if (!Number.isInteger(answersLeft) || answersLeft <= 0) return [];
  const candidates: { itemId: string; confidence: number; committed: number }[] = [];
  for (const it of items) {
    const committed = it.votes.length + (it.inFlight ?? 0);
    if (committed >= maxAnswers) continue;
    candidates.push({ itemId: it.itemId, confidence: Math.max(...itemPosterior(it.votes, model)), committed });
  }
  // Equal confidence: the item with fewer answers first (one more answer moves it further), then by id so the plan is deterministic.
  candidates.sort((a, b) => a.confidence - b.confidence || a.committed - b.committed || (a.itemId < b.itemId ? -1 : a.itemId > b.itemId ? 1 : 0));
  return candidates.slice(0, answersLeft).map((c) => c.itemId);
}
