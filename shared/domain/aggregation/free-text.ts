/**
 * Free-text answers cannot be voted on verbatim (two correct answers rarely match byte for
 * byte), so we pick the answer that is most similar, on average, to everyone else's: the
 * medoid of the answers under a text similarity.
 */
export interface TextAnswer {
  workerId: string;
  text: string;
}

export type TextSimilarity = 'token-jaccard' | 'char-ngram';

export interface RepresentativeOptions {
  similarity?: TextSimilarity;
  /** n for character n-grams. */
  n?: number;
}

export interface RepresentativeText {
  /** Null when distinct answers tie for first place (the platform's tie policy). */
  text: string | null;
  workerId: string | null;
  index: number;
  /** Mean similarity of the chosen answer to the others, in [0, 1]; 0 for a lone answer. */
  score: number;
  /** Mean similarity of every answer to the others, in input order. */
  scores: number[];
  tie: boolean;
}

/** Unicode-normalised, case-folded, punctuation treated as spaces, whitespace collapsed. */
export function normalizeText(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

function jaccard<T>(a: ReadonlySet<T>, b: ReadonlySet<T>): number {
  // Two empty answers agree completely; an empty and a non-empty one not at all.
  if (a.size === 0 && b.size === 0) return 1;
  let inter = 0;
  for (const x of a) if (b.has(x)) inter++;
  return inter / (a.size + b.size - inter);
}

export function tokenJaccard(a: string, b: string): number {
  const tokens = (s: string) => new Set(normalizeText(s).split(' ').filter(Boolean));
  return jaccard(tokens(a), tokens(b));
}

/** Jaccard over character n-grams of the normalised text, padded so short words still count. */
export function charNgramSimilarity(a: string, b: string, n = 3): number {
  if (!(Number.isInteger(n) && n >= 1)) throw new RangeError('charNgramSimilarity: n must be a positive integer');
  const grams = (s: string) => {
    const norm = normalizeText(s);
    const out = new Set<string>();
    if (norm === '') return out;
    const chars = Array.from(` ${norm} `);
    if (chars.length < n) out.add(chars.join(''));
    for (let i = 0; i + n <= chars.length; i++) out.add(chars.slice(i, i + n).join(''));
    return out;
  };
  return jaccard(grams(a), grams(b));
}

const TIE_EPSILON = 1e-12;

export function pickRepresentativeText(answers: readonly TextAnswer[], opts: RepresentativeOptions = {}): RepresentativeText {
  const n = opts.n ?? 3;
  const sim = opts.similarity === 'char-ngram' ? (a: string, b: string) => charNgramSimilarity(a, b, n) : tokenJaccard;
  const m = answers.length;
  if (m === 0) return { text: null, workerId: null, index: -1, score: 0, scores: [], tie: false };
  const totals = new Array<number>(m).fill(0);
  for (let i = 0; i < m; i++) {
    for (let j = i + 1; j < m; j++) {
      const s = sim(answers[i]!.text, answers[j]!.text);
      totals[i]! += s;
      totals[j]! += s;
    }
  }
  const scores = totals.map((t) => (m > 1 ? t / (m - 1) : 0));
  let best = 0;
  for (let i = 1; i < m; i++) if (scores[i]! > scores[best]! + TIE_EPSILON) best = i;
  const bestNorm = normalizeText(answers[best]!.text);
  // Answers that differ only in case or punctuation are the same answer; only a tie between
  // genuinely different texts is left undecided.
  const tie = scores.some((s, i) => i !== best && Math.abs(s - scores[best]!) <= TIE_EPSILON && normalizeText(answers[i]!.text) !== bestNorm);
  if (tie) return { text: null, workerId: null, index: -1, score: scores[best]!, scores, tie };
  return { text: answers[best]!.text, workerId: answers[best]!.workerId, index: best, score: scores[best]!, scores, tie };
}
