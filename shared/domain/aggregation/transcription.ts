/**
 * Transcriptions (typing what an image or recording says). Unlike free text, every character
 * matters, so candidates are compared by edit distance and the consensus is the candidate
 * closest in total to all the others (the medoid), not a synthesised string nobody typed.
 */
export interface TranscriptionCandidate {
  workerId: string;
  text: string;
}

export interface TranscriptionOptions {
  /** Applied before comparing. Default: NFC, trimmed, runs of whitespace collapsed; case kept. */
  normalize?: (text: string) => string;
}

export interface BestTranscription {
  /** The chosen candidate as typed; null when distinct candidates tie. */
  text: string | null;
  workerId: string | null;
  index: number;
  /** Sum of normalised edit distances from the chosen candidate to all the others. */
  totalDistance: number;
  /** Sum for every candidate, in input order. */
  totals: number[];
  tie: boolean;
}

export function defaultTranscriptionNormalize(text: string): string {
  return text.normalize('NFC').trim().replace(/\s+/gu, ' ');
}

/** Levenshtein distance over code points (an emoji or accented letter is one edit, not two). */
export function levenshtein(a: string, b: string): number {
  const x = Array.from(a);
  const y = Array.from(b);
  if (x.length < y.length) return levenshtein(b, a);
  const m = y.length;
  let prev = new Int32Array(m + 1);
  let cur = new Int32Array(m + 1);
  for (let j = 0; j <= m; j++) prev[j] = j;
  for (let i = 1; i <= x.length; i++) {
    cur[0] = i;
    const xi = x[i - 1];
    for (let j = 1; j <= m; j++) {
      const sub = prev[j - 1]! + (xi === y[j - 1] ? 0 : 1);
      cur[j] = Math.min(sub, prev[j]! + 1, cur[j - 1]! + 1);
    }
    [prev, cur] = [cur, prev];
  }
  return prev[m]!;
}

/** Edit distance divided by the longer length, so long and short lines weigh alike; in [0, 1]. */
export function normalizedEditDistance(a: string, b: string): number {
  const len = Math.max(Array.from(a).length, Array.from(b).length);
  return len === 0 ? 0 : levenshtein(a, b) / len;
}

const TIE_EPSILON = 1e-12;

export function bestTranscription(candidates: readonly TranscriptionCandidate[], opts: TranscriptionOptions = {}): BestTranscription {
  const norm = opts.normalize ?? defaultTranscriptionNormalize;
  const texts = candidates.map((c) => norm(c.text));
  const m = texts.length;
  if (m === 0) return { text: null, workerId: null, index: -1, totalDistance: 0, totals: [], tie: false };
  const totals = new Array<number>(m).fill(0);
  for (let i = 0; i < m; i++) {
    for (let j = i + 1; j < m; j++) {
      const d = normalizedEditDistance(texts[i]!, texts[j]!);
      totals[i]! += d;
      totals[j]! += d;
    }
  }
  let best = 0;
  for (let i = 1; i < m; i++) if (totals[i]! < totals[best]! - TIE_EPSILON) best = i;
  const tie = totals.some((t, i) => i !== best && Math.abs(t - totals[best]!) <= TIE_EPSILON && texts[i] !== texts[best]);
  if (tie) return { text: null, workerId: null, index: -1, totalDistance: totals[best]!, totals, tie };
  return { text: candidates[best]!.text, workerId: candidates[best]!.workerId, index: best, totalDistance: totals[best]!, totals, tie };
}
