import { describe, expect, it } from 'vitest';
import { aggregateBoxes, iou, type Box } from '../../../../shared/domain/aggregation/bounding-box';

const box = (x: number, y: number, width: number, height: number, label?: string): Box => (label ? { x, y, width, height, label } : { x, y, width, height });

describe('iou', () => {
  it('is 1 for identical boxes, 0 for disjoint ones, and the ratio otherwise', () => {
    expect(iou(box(0, 0, 10, 10), box(0, 0, 10, 10))).toBe(1);
    expect(iou(box(0, 0, 10, 10), box(20, 20, 5, 5))).toBe(0);
    // 5x10 overlap, union 150.
    expect(iou(box(0, 0, 10, 10), box(5, 0, 10, 10))).toBeCloseTo(50 / 150, 12);
    expect(iou(box(0, 0, 0, 0), box(0, 0, 0, 0))).toBe(0);
  });
});

describe('aggregateBoxes', () => {
  // Two objects, a car at (100,100,50,30) and a person at (300,80,20,60). Three workers mark
  // the car, two the person; one worker adds a stray box.
  const answers = [
    { workerId: 'a', boxes: [box(100, 100, 50, 30), box(302, 80, 20, 60)] },
    { workerId: 'b', boxes: [box(104, 98, 48, 32), box(298, 82, 22, 58)] },
    { workerId: 'c', boxes: [box(96, 102, 52, 28), box(600, 600, 10, 10)] },
  ];

  it('finds each object and averages its coordinates', () => {
    const r = aggregateBoxes(answers, { iouThreshold: 0.5, quorum: 2 });
    expect(r.accepted).toHaveLength(2);
    const car = r.accepted.find((c) => c.box.x < 200)!;
    expect(car.support).toBe(3);
    expect(car.box.x).toBeCloseTo(100, 9);
    expect(car.box.y).toBeCloseTo(100, 9);
    expect(car.box.width).toBeCloseTo(50, 9);
    expect(car.box.height).toBeCloseTo(30, 9);
    expect(car.cohesion).toBeGreaterThan(0.7);
    const person = r.accepted.find((c) => c.box.x > 200)!;
    expect(person.support).toBe(2);
    expect(person.box.x).toBeCloseTo(300, 9);
  });

  it('drops clusters below the quorum (default: a strict majority of workers)', () => {
    const r = aggregateBoxes(answers);
    expect(r.accepted).toHaveLength(2);
    expect(r.rejected.map((c) => c.box.x)).toEqual([600]);
    expect(aggregateBoxes(answers, { quorum: 3 }).accepted).toHaveLength(1);
  });

  it('never merges two boxes of the same worker', () => {
    const r = aggregateBoxes([{ workerId: 'a', boxes: [box(0, 0, 10, 10), box(1, 0, 10, 10)] }], { quorum: 1 });
    expect(r.accepted).toHaveLength(2);
  });

  it('does not merge boxes of different classes', () => {
    const r = aggregateBoxes(
      [
        { workerId: 'a', boxes: [box(0, 0, 10, 10, 'cat')] },
        { workerId: 'b', boxes: [box(0, 0, 10, 10, 'dog')] },
      ],
      { quorum: 1 },
    );
    expect(r.accepted.map((c) => c.box.label).sort()).toEqual(['cat', 'dog']);
  });

  it('respects the IoU threshold', () => {
    const two = [
      { workerId: 'a', boxes: [box(0, 0, 10, 10)] },
      { workerId: 'b', boxes: [box(5, 0, 10, 10)] },
    ];
    expect(aggregateBoxes(two, { iouThreshold: 0.3, quorum: 2 }).accepted).toHaveLength(1);
    expect(aggregateBoxes(two, { iouThreshold: 0.5, quorum: 2 }).accepted).toHaveLength(0);
  });

  it('does not depend on the order answers arrived in', () => {
    const sig = (r: ReturnType<typeof aggregateBoxes>) => r.accepted.map((c) => `${c.box.x.toFixed(6)},${c.support}`).sort();
    expect(sig(aggregateBoxes([...answers].reverse()))).toEqual(sig(aggregateBoxes(answers)));
  });

  it('rejects malformed boxes', () => {
    expect(() => aggregateBoxes([{ workerId: 'a', boxes: [box(0, 0, -1, 5)] }])).toThrow(RangeError);
  });
});
