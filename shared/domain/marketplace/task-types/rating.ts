import { median } from '../../aggregation/numeric';
import { answerObject, checkUnique, type TaskType } from './task-type';

export interface RatingSpec {
  type: 'rating';
  question: string;
  min: number;
  max: number;
  step: number;
  /** Names for some points of the scale, e.g. 1 = "irrelevant", 5 = "perfect". */
  labels?: { value: number; label: string }[];
  /** How far from the crowd's median an answer may be and still agree; one step when absent. */
  tolerance?: number;
}

export interface RatingAnswer {
  value: number;
}

/** Float steps (0.1) are not exact in binary: a point is on the scale within this slack. */
const GRID_EPSILON = 1e-9;
const onScale = (spec: Pick<RatingSpec, 'min' | 'step'>, v: number) => {
  const k = (v - spec.min) / spec.step;
  return Math.abs(k - Math.round(k)) < GRID_EPSILON * Math.max(1, Math.abs(k));
};

/** A point on a numeric scale (rating, relevance); the crowd's answer is the median. */
export const rating: TaskType<RatingSpec, RatingAnswer> = {
  type: 'rating',
  checkSpec(spec, issues) {
    if (!(spec.min < spec.max)) issues.at('max').add(`must be greater than min (${spec.min})`);
    else if (!onScale(spec, spec.max)) issues.at('step').add(`max (${spec.max}) must be min plus a whole number of steps`);
    else if ((spec.max - spec.min) / spec.step > 1_000) issues.at('step').add('a scale has at most 1000 steps');
    if (spec.labels) {
      checkUnique(
        spec.labels.map((l) => String(l.value)),
        'value',
        issues.at('labels'),
      );
      spec.labels.forEach((l, i) => {
        if (l.value < spec.min || l.value > spec.max || !onScale(spec, l.value)) issues.at('labels').at(i).at('value').add(`${l.value} is not a point of the scale`);
      });
    }
  },
  checkInput() {},
  answerReadsInput: () => false,
  parseAnswer(spec, raw, issues) {
    const o = answerObject(raw, ['value'], issues);
    const value = o?.['value'];
    const at = issues.at('value');
    if (!o) return { value: NaN };
    if (typeof value !== 'number' || !Number.isFinite(value)) at.add('must be a number');
    else if (value < spec.min || value > spec.max) at.add(`must be between ${spec.min} and ${spec.max}`);
    else if (!onScale(spec, value)) at.add(`must be ${spec.min} plus a multiple of ${spec.step}`);
    return { value: value as number };
  },
  aggregate(_spec, answers) {
    const m = median(answers.map((a) => a.answer.value));
    const counts: Record<string, number> = {};
    for (const a of answers) counts[String(a.answer.value)] = (counts[String(a.answer.value)] ?? 0) + 1;
    return { method: 'median', answer: m === null ? null : { value: m }, details: { median: m, distribution: counts } };
  },
  judge(spec, aggregate, answer) {
    const tolerance = spec.tolerance ?? spec.step;
    const distance = Math.abs(answer.value - (aggregate.answer as RatingAnswer).value);
    const agrees = distance <= tolerance + GRID_EPSILON;
    return {
      agrees,
      rule: agrees ? 'consensus.within_tolerance_of_median' : 'consensus.outside_tolerance_of_median',
      measure: 'distance_to_median',
      value: distance,
      threshold: tolerance,
    };
  },
};
