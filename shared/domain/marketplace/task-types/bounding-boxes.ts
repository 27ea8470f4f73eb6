import { aggregateBoxes, iou, type Box } from '../../aggregation/bounding-box';
import type { ChoiceOption } from './single-choice';
import { answerObject, checkImageInput, checkRange, checkUnique, imageSize, isRecord, rejectUnknownFields, type TaskType } from './task-type';

export interface BoundingBoxesSpec {
  type: 'bounding_boxes';
  question: string;
  /** The classes a box can have. */
  labels: ChoiceOption[];
  minBoxes: number;
  maxBoxes: number;
  /** IoU at which two boxes mark the same object, for clustering and for matching an answer; default 0.5. */
  iouThreshold?: number;
  /** F1 of an answer's boxes against the crowd's boxes needed to agree; default 0.5. */
  minMatchF1?: number;
}

export interface LabelledBox {
  x: number;
  y: number;
  width: number;
  height: number;
  label: string;
}

export interface BoundingBoxesAnswer {
  boxes: LabelledBox[];
}

export const DEFAULT_IOU_THRESHOLD = 0.5;
export const DEFAULT_MIN_MATCH_F1 = 0.5;
const BOX_FIELDS = ['x', 'y', 'width', 'height', 'label'] as const;

/** Rounds to 1/100 pixel: the mean of a cluster is not worth more digits. */
const px = (v: number) => Math.round(v * 100) / 100;

/**
 * Boxes one answer shares with the aggregate: a greedy one-to-one matching, best IoU first, of
 * boxes of the same label that overlap by at least the threshold.
 */
function matchedBoxes(mine: readonly LabelledBox[], theirs: readonly LabelledBox[], threshold: number): number {
  const pairs: { i: number; j: number; v: number }[] = [];
  mine.forEach((a, i) =>
    theirs.forEach((b, j) => {
      const v = a.label === b.label ? iou(a, b) : 0;
      if (v >= threshold) pairs.push({ i, j, v });
    }),
  );
  pairs.sort((p, q) => q.v - p.v);
  const usedMine = new Set<number>();
  const usedTheirs = new Set<number>();
  for (const p of pairs) {
    if (usedMine.has(p.i) || usedTheirs.has(p.j)) continue;
    usedMine.add(p.i);
    usedTheirs.add(p.j);
  }
  return usedMine.size;
}

/**
 * Labelled boxes on an image whose pixel size the microtask input carries
 * (`input.image = { url | key, width, height }`). The crowd's boxes are the IoU clusters a
 * majority of the workers drew.
 */
export const boundingBoxes: TaskType<BoundingBoxesSpec, BoundingBoxesAnswer> = {
  type: 'bounding_boxes',
  checkSpec(spec, issues) {
    checkUnique(
      spec.labels.map((l) => l.value),
      'value',
      issues.at('labels'),
    );
    checkRange(spec.minBoxes, spec.maxBoxes, issues, ['minBoxes', 'maxBoxes']);
  },
  checkInput(_spec, input, issues) {
    checkImageInput(input, issues, true);
  },
  answerReadsInput: () => true,
  parseAnswer(spec, raw, issues, input) {
    const o = answerObject(raw, ['boxes'], issues);
    const at = issues.at('boxes');
    if (!o) return { boxes: [] };
    const list = o['boxes'];
    if (!Array.isArray(list)) {
      at.add('must be a list of { x, y, width, height, label }');
      return { boxes: [] };
    }
    if (list.length < spec.minBoxes) at.add(`draw at least ${spec.minBoxes} boxes (got ${list.length})`);
    if (list.length > spec.maxBoxes) at.add(`draw at most ${spec.maxBoxes} boxes (got ${list.length})`);
    const size = imageSize(input);
    if (!size) at.add("the microtask's image has no valid width and height to check boxes against");
    const labels = spec.labels.map((l) => l.value);
    const boxes: LabelledBox[] = [];
    list.slice(0, spec.maxBoxes).forEach((b, i) => {
      const bi = at.at(i);
      if (!isRecord(b)) {
        bi.add('must be { x, y, width, height, label }');
        return;
      }
      rejectUnknownFields(b, BOX_FIELDS, bi);
      const { x, y, width, height, label } = b;
      const nums = { x, y, width, height };
      let numeric = true;
      for (const [k, v] of Object.entries(nums)) {
        if (typeof v !== 'number' || !Number.isFinite(v)) {
          bi.at(k).add('must be a number of pixels');
          numeric = false;
        }
      }
      if (typeof label !== 'string' || !labels.includes(label)) bi.at('label').add(`${JSON.stringify(label)} is not a label; expected one of ${labels.join(', ')}`);
      if (!numeric) return;
      const box = { x, y, width, height, label } as LabelledBox;
      if (box.x < 0) bi.at('x').add('must be at least 0 (inside the image)');
      if (box.y < 0) bi.at('y').add('must be at least 0 (inside the image)');
      if (box.width <= 0) bi.at('width').add('must be positive');
      if (box.height <= 0) bi.at('height').add('must be positive');
      if (size && box.width > 0 && box.x + box.width > size.width) bi.at('width').add(`x + width (${box.x + box.width}) is beyond the image width ${size.width}`);
      if (size && box.height > 0 && box.y + box.height > size.height) bi.at('height').add(`y + height (${box.y + box.height}) is beyond the image height ${size.height}`);
      boxes.push(box);
    });
    return { boxes };
  },
  aggregate(spec, answers) {
    const { accepted, rejected } = aggregateBoxes(
      answers.map((a) => ({ workerId: a.workerId, boxes: a.answer.boxes })),
      { iouThreshold: spec.iouThreshold ?? DEFAULT_IOU_THRESHOLD },
    );
    const box = (b: Box): LabelledBox => ({ x: px(b.x), y: px(b.y), width: px(b.width), height: px(b.height), label: b.label ?? '' });
    return {
      method: 'iou_clustering',
      answer: answers.length ? { boxes: accepted.map((c) => box(c.box)) } : null,
      details: {
        clusters: accepted.map((c) => ({ box: box(c.box), support: c.support, cohesion: c.cohesion })),
        droppedClusters: rejected.map((c) => ({ box: box(c.box), support: c.support })),
      },
    };
  },
  judge(spec, aggregate, answer) {
    const crowd = (aggregate.answer as BoundingBoxesAnswer).boxes;
    const threshold = spec.minMatchF1 ?? DEFAULT_MIN_MATCH_F1;
    const mine = answer.boxes;
    const matched = matchedBoxes(mine, crowd, spec.iouThreshold ?? DEFAULT_IOU_THRESHOLD);
    // Both empty: the worker agrees there is nothing to box.
    const f1 = mine.length + crowd.length === 0 ? 1 : (2 * matched) / (mine.length + crowd.length);
    const agrees = f1 >= threshold;
    return {
      agrees,
      rule: agrees ? 'consensus.boxes_match_crowd' : 'consensus.boxes_differ_from_crowd',
      measure: 'box_match_f1',
      value: f1,
      threshold,
      detail: { matchedBoxes: matched, yourBoxes: mine.length, crowdBoxes: crowd.length },
    };
  },
};
