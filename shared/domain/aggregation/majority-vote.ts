/**
 * Majority vote over categorical answers of one item.
 *
 * Tie policy: a tie for first place yields `label: null` (no consensus). We never break ties at
 * random on a request path, because a random winner would pay or reject workers by coin flip;
 * an unresolved item is left for the next review stage instead.
 */
export interface Vote {
  workerId: string;
  label: string;
}

export interface MajorityOutcome {
  label: string | null;
  /** Share of the votes held by the winning label (0 when tied or empty). */
  confidence: number;
  votes: Record<string, number>;
  tie: boolean;
}

export function majorityVote(votes: readonly Vote[]): MajorityOutcome {
  const counts: Record<string, number> = {};
  for (const v of votes) counts[v.label] = (counts[v.label] ?? 0) + 1;
  const ranked = Object.entries(counts).sort((a, b) => b[1] - a[1]);
  const first = ranked[0];
  if (!first) return { label: null, confidence: 0, votes: counts, tie: false };
  const tie = ranked.length > 1 && ranked[1]![1] === first[1];
  if (tie) return { label: null, confidence: 0, votes: counts, tie: true };
  return { label: first[0], confidence: first[1] / votes.length, votes: counts, tie: false };
}
