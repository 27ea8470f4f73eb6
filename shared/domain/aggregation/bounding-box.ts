/**
 * Bounding boxes: each worker draws zero or more boxes on an image. Boxes from different
 * workers that overlap enough are taken to mark the same object; an object is kept when
 * enough workers marked it.
 *
 * Clustering is average-linkage agglomerative (merge the pair of clusters with the highest
 * mean pairwise IoU while it is at least the threshold). Unlike greedy assignment it does not
 * depend on the order answers arrived in, and average linkage does not chain a row of
 * neighbouring objects into one cluster as single linkage would.
 */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
  /** Optional object class; boxes of different classes never merge. */
  label?: string;
}

export interface BoxAnswer {
  workerId: string;
  boxes: readonly Box[];
}

export interface BoxCluster {
  /** Mean coordinates of the members. */
  box: Box;
  members: { workerId: string; box: Box }[];
  /** Number of distinct workers in the cluster. */
  support: number;
  /** Mean pairwise IoU of the members (1 for a single box). */
  cohesion: number;
}

export interface BoxAggregationOptions {
  /** Minimum mean IoU for two clusters to merge. */
  iouThreshold?: number;
  /** Workers needed to keep a cluster; default a strict majority of the workers who answered. */
  quorum?: number;
}

export interface BoxAggregation {
  accepted: BoxCluster[];
  rejected: BoxCluster[];
}

export function iou(a: Box, b: Box): number {
  const ix = Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x));
  const iy = Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y));
  const inter = ix * iy;
  const union = a.width * a.height + b.width * b.height - inter;
  return union > 0 ? inter / union : 0;
}

export function aggregateBoxes(answers: readonly BoxAnswer[], opts: BoxAggregationOptions = {}): BoxAggregation {
  const threshold = opts.iouThreshold ?? 0.5;
  const workers = new Set(answers.map((a) => a.workerId));
  const quorum = opts.quorum ?? Math.floor(workers.size / 2) + 1;
  const flat = answers.flatMap((a) => a.boxes.map((box) => ({ workerId: a.workerId, box })));
  for (const { box } of flat) {
    if (![box.x, box.y, box.width, box.height].every(Number.isFinite) || box.width < 0 || box.height < 0) {
      throw new RangeError('aggregateBoxes: boxes need finite coordinates and non-negative size');
    }
  }
  const n = flat.length;

  // linkSum[a*n+b] = sum of IoU over member pairs of clusters a and b.
  const linkSum = new Float64Array(n * n);
  for (let a = 0; a < n; a++) {
    for (let b = a + 1; b < n; b++) {
      const s = (flat[a]!.box.label ?? '') === (flat[b]!.box.label ?? '') ? iou(flat[a]!.box, flat[b]!.box) : 0;
      linkSum[a * n + b] = s;
      linkSum[b * n + a] = s;
    }
  }
  const members: number[][] = flat.map((_, i) => [i]);
  const workerSets: Set<string>[] = flat.map((f) => new Set([f.workerId]));
  const innerSum = new Float64Array(n);
  const alive = new Uint8Array(n).fill(1);

  const disjointWorkers = (a: number, b: number) => {
    // Two boxes from one worker are two objects by that worker's own account.
    for (const w of workerSets[a]!) if (workerSets[b]!.has(w)) return false;
    return true;
  };

  for (;;) {
    let bestA = -1;
    let bestB = -1;
    let best = -1;
    for (let a = 0; a < n; a++) {
      if (!alive[a]) continue;
      for (let b = a + 1; b < n; b++) {
        if (!alive[b]) continue;
        const avg = linkSum[a * n + b]! / (members[a]!.length * members[b]!.length);
        if (avg >= threshold && avg > best && disjointWorkers(a, b)) {
          best = avg;
          bestA = a;
          bestB = b;
        }
      }
    }
    if (bestA < 0) break;
    innerSum[bestA]! += innerSum[bestB]! + linkSum[bestA * n + bestB]!;
    for (let c = 0; c < n; c++) {
      if (!alive[c] || c === bestA || c === bestB) continue;
      const s = linkSum[bestA * n + c]! + linkSum[bestB * n + c]!;
      linkSum[bestA * n + c] = s;
      linkSum[c * n + bestA] = s;
    }
    members[bestA]!.push(...members[bestB]!);
    for (const w of workerSets[bestB]!) workerSets[bestA]!.add(w);
    alive[bestB] = 0;
  }

  const accepted: BoxCluster[] = [];
  const rejected: BoxCluster[] = [];
  for (let c = 0; c < n; c++) {
    if (!alive[c]) continue;
    const ms = members[c]!.map((i) => flat[i]!);
    const k = ms.length;
    const mean = (f: (b: Box) => number) => ms.reduce((s, m) => s + f(m.box), 0) / k;
    const label = ms[0]!.box.label;
    const box: Box = { x: mean((b) => b.x), y: mean((b) => b.y), width: mean((b) => b.width), height: mean((b) => b.height) };
    if (label !== undefined) box.label = label;
    const pairs = (k * (k - 1)) / 2;
    const cluster: BoxCluster = { box, members: ms, support: workerSets[c]!.size, cohesion: pairs > 0 ? innerSum[c]! / pairs : 1 };
    (cluster.support >= quorum ? accepted : rejected).push(cluster);
  }
  return { accepted, rejected };
}
