import { describe, expect, it } from 'vitest';
import { CreateProjectBody } from '../../../shared/api/schemas';
import type { Answer, AnswerSpec } from '../../../shared/domain/marketplace/answer-spec';
import { reviewByConsensus, type SubmittedAnswer } from '../../../shared/domain/quality/consensus-review';

function spec(answerSpec: unknown): AnswerSpec {
  const r = CreateProjectBody.safeParse({ title: 't', answerSpec, reward: { amountMinor: 10 } });
  if (!r.success) throw new Error(JSON.stringify(r.error.issues));
  return r.data.answerSpec;
}
const opts = (...values: string[]) => values.map((value) => ({ value, label: value }));
/** Answers by assignment id a, b, c, ... in order. */
const answers = (...list: unknown[]): SubmittedAnswer[] => list.map((answer, i) => ({ assignmentId: String.fromCharCode(97 + i), workerId: `w${i}`, answer: answer as Answer }));
const decisionOf = (r: ReturnType<typeof reviewByConsensus>, id: string) => r.decisions.find((d) => d.assignmentId === id)!.decision;
const outcomes = (r: ReturnType<typeof reviewByConsensus>) => r.decisions.map((d) => d.decision.outcome);
/** JSON round trip: the review state travels through Step Functions. */
const viaJson = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

describe('reviewByConsensus: single choice', () => {
  const s = spec({ type: 'single_choice', question: 'Which animal?', options: opts('cat', 'dog', 'bird') });
  const choices = (...c: string[]) => answers(...c.map((choice) => ({ choice })));

  it('approves the majority and rejects the minority of a 2-1 split, with the votes as evidence', () => {
    const r = reviewByConsensus(s, choices('cat', 'dog', 'cat'));
    expect(r.outcome).toMatchObject({ answer: { choice: 'cat' }, label: 'cat', votes: { cat: 2, dog: 1 }, method: 'majority_vote', decided: true });
    expect(r.outcome.confidence).toBeCloseTo(2 / 3);
    expect(decisionOf(r, 'a')).toMatchObject({ outcome: 'approved', rule: 'consensus.agrees_with_majority' });
    const b = decisionOf(r, 'b');
    expect(b).toMatchObject({ outcome: 'rejected', rule: 'consensus.disagrees_with_majority' });
    expect(b.evidence).toMatchObject({ votes: { cat: 2, dog: 1 }, aggregate: { choice: 'cat' }, yourAnswer: 'dog', answers: 3, threshold: 1, value: 0 });
    expect(b.evidence['agreement']).toBeCloseTo(2 / 3);
  });

  it('rejects nobody on a tie (benefit of the doubt)', () => {
    const r = reviewByConsensus(s, choices('cat', 'dog'));
    expect(r.outcome.decided).toBe(false);
    expect(r.outcome.answer).toBeNull();
    expect(r.outcome.label).toBeNull();
    for (const d of r.decisions) {
      expect(d.decision).toMatchObject({ outcome: 'approved', rule: 'consensus.no_consensus_benefit_of_doubt' });
      expect(d.decision.evidence['votes']).toEqual({ cat: 1, dog: 1 });
    }
  });

  it('rejects nobody when the winner does not clear the threshold', () => {
    // 2-1-1: "cat" wins with 50 %, which is not more than the default 0.5 threshold.
    const r = reviewByConsensus(s, choices('cat', 'cat', 'dog', 'bird'));
    expect(r.outcome.label).toBe('cat');
    expect(r.outcome.decided).toBe(false);
    expect(r.decisions.every((d) => d.decision.outcome === 'approved' && d.decision.rule === 'consensus.no_consensus_benefit_of_doubt')).toBe(true);
    const strict = reviewByConsensus(s, choices('cat', 'dog', 'cat'), { agreementThreshold: 0.7 });
    expect(strict.outcome.decided).toBe(false);
    expect(outcomes(strict)).toEqual(['approved', 'approved', 'approved']);
  });

  it('approves a unanimous answer with full confidence', () => {
    const r = reviewByConsensus(s, choices('cat', 'cat', 'cat'));
    expect(r.outcome.confidence).toBe(1);
    expect(outcomes(r)).toEqual(['approved', 'approved', 'approved']);
  });
});

describe('reviewByConsensus: multiple choice (per label)', () => {
  const s = spec({ type: 'multiple_choice', question: 'Which colours?', options: opts('red', 'green', 'blue', 'black'), minSelections: 0 });

  it('selects each label a majority ticked and rejects an answer far from it', () => {
    const r = reviewByConsensus(s, answers({ choices: ['red', 'blue'] }, { choices: ['red', 'blue'] }, { choices: ['green', 'black'] }));
    expect(r.outcome).toMatchObject({ answer: { choices: ['red', 'blue'] }, method: 'per_label_majority_vote', votes: { red: 2, green: 1, blue: 2, black: 1 }, decided: true });
    expect(outcomes(r)).toEqual(['approved', 'approved', 'rejected']);
    expect(decisionOf(r, 'c')).toMatchObject({ rule: 'consensus.disagrees_per_label', evidence: { measure: 'share_of_settled_labels_matched', value: 0, threshold: 0.75 } });
  });

  it('forgives a single slip among four labels only as far as minLabelAgreement allows', () => {
    const three = answers({ choices: ['red'] }, { choices: ['red'] }, { choices: ['red', 'green'] });
    expect(outcomes(reviewByConsensus(s, three))).toEqual(['approved', 'approved', 'approved']); // 3 of 4 labels match = 0.75
    const strict = spec({ type: 'multiple_choice', question: 'q', options: opts('red', 'green', 'blue', 'black'), minSelections: 0, minLabelAgreement: 1 });
    expect(outcomes(reviewByConsensus(strict, three))).toEqual(['approved', 'approved', 'rejected']);
  });
});

describe('reviewByConsensus: image tags', () => {
  const s = spec({ type: 'image_tags', question: 'Tags?', tags: opts('cat', 'dog', 'indoor') });

  it('aggregates tags per tag like multiple choice', () => {
    const r = reviewByConsensus(s, answers({ tags: ['cat', 'indoor'] }, { tags: ['cat', 'indoor'] }, { tags: ['dog'] }));
    expect(r.outcome.answer).toEqual({ tags: ['cat', 'indoor'] });
    expect(outcomes(r)).toEqual(['approved', 'approved', 'rejected']);
  });
});

describe('reviewByConsensus: rating', () => {
  const s = spec({ type: 'rating', question: 'Relevance?', min: 1, max: 5 });
  const values = (...v: number[]) => answers(...v.map((value) => ({ value })));

  it('takes the median and rejects an answer beyond the tolerance (one step by default)', () => {
    const r = reviewByConsensus(s, values(4, 5, 1));
    expect(r.outcome).toMatchObject({ answer: { value: 4 }, method: 'median', decided: true, details: { median: 4, distribution: { '4': 1, '5': 1, '1': 1 } } });
    expect(r.outcome.confidence).toBeCloseTo(2 / 3);
    expect(outcomes(r)).toEqual(['approved', 'approved', 'rejected']);
    expect(decisionOf(r, 'c')).toMatchObject({ rule: 'consensus.outside_tolerance_of_median', evidence: { aggregate: { value: 4 }, yourAnswer: { value: 1 }, measure: 'distance_to_median', value: 3, threshold: 1 } });
  });

  it('honours a wider tolerance, and rejects nobody when the answers scatter', () => {
    const wide = spec({ type: 'rating', question: 'q', min: 1, max: 5, tolerance: 3 });
    expect(outcomes(reviewByConsensus(wide, values(4, 5, 1)))).toEqual(['approved', 'approved', 'approved']);
    const scattered = reviewByConsensus(spec({ type: 'rating', question: 'q', min: 0, max: 100, step: 1 }), values(0, 50, 100));
    expect(scattered.outcome.decided).toBe(false);
    expect(scattered.decisions.every((d) => d.decision.rule === 'consensus.no_consensus_benefit_of_doubt')).toBe(true);
  });
});

describe('reviewByConsensus: free text', () => {
  const s = spec({ type: 'free_text', question: 'Name the landmark' });
  const texts = (...t: string[]) => answers(...t.map((text) => ({ text })));

  it('picks the answer most similar to the others and rejects one below the similarity threshold', () => {
    const r = reviewByConsensus(s, texts('The Eiffel Tower in Paris', 'Eiffel tower, Paris', 'a bridge'));
    expect(r.outcome.method).toBe('most_similar_to_others');
    expect(['The Eiffel Tower in Paris', 'Eiffel tower, Paris']).toContain((r.outcome.answer as { text: string }).text);
    expect(outcomes(r)).toEqual(['approved', 'approved', 'rejected']);
    const c = decisionOf(r, 'c');
    expect(c.rule).toBe('consensus.dissimilar_to_representative');
    expect(c.evidence).toMatchObject({ measure: 'char_trigram_similarity', threshold: 0.5, yourAnswer: { text: 'a bridge' } });
    expect(c.evidence['value']).toBeLessThan(0.5);
  });

  it('settles the tie of two similar answers against an outlier, but not the tie of two different answers', () => {
    // Two similar answers are equally close to each other, so they always tie for representative.
    const r = reviewByConsensus(s, texts('Big Ben clock tower', 'Big Ben clock towers', 'a bridge'));
    expect(r.outcome.answer).toEqual({ text: 'Big Ben clock tower' });
    expect(outcomes(r)).toEqual(['approved', 'approved', 'rejected']);
    const split = reviewByConsensus(s, texts('apple pie', 'zebra crossing'));
    expect(split.outcome).toMatchObject({ answer: null, decided: false, details: { tie: true } });
    expect(outcomes(split)).toEqual(['approved', 'approved']);
  });

  it('rejects nobody when every answer differs', () => {
    const r = reviewByConsensus(s, texts('apple', 'quantum chromodynamics', 'zebra crossing'));
    expect(r.outcome.decided).toBe(false);
    expect(outcomes(r)).toEqual(['approved', 'approved', 'approved']);
  });
});

describe('reviewByConsensus: audio transcription', () => {
  const s = spec({ type: 'audio_transcription', question: 'Type what you hear' });
  const texts = (...t: string[]) => answers(...t.map((text) => ({ text })));

  it('takes the candidate closest to the others; a small typo agrees, a different sentence does not', () => {
    const r = reviewByConsensus(s, texts('the quick brown fox jumps', 'the quick brown fox jumps', 'the quikc brown fox jumps', 'hello there'));
    expect(r.outcome).toMatchObject({ answer: { text: 'the quick brown fox jumps' }, method: 'best_candidate_by_agreement', decided: true });
    expect(r.outcome.confidence).toBeCloseTo(3 / 4);
    expect(outcomes(r)).toEqual(['approved', 'approved', 'approved', 'rejected']);
    expect(decisionOf(r, 'd')).toMatchObject({ rule: 'consensus.far_from_best_transcription', evidence: { measure: 'normalized_edit_distance', threshold: 0.2 } });
  });
});

describe('reviewByConsensus: bounding boxes', () => {
  const s = spec({ type: 'bounding_boxes', question: 'Box the cars', labels: opts('car', 'person') });
  const car = (x: number, y: number) => ({ x, y, width: 100, height: 60, label: 'car' });

  it('keeps the IoU clusters a majority drew and rejects a worker whose boxes miss them', () => {
    const r = reviewByConsensus(s, answers({ boxes: [car(10, 10), car(300, 200)] }, { boxes: [car(14, 12), car(302, 198)] }, { boxes: [car(500, 10)] }));
    expect(r.outcome.method).toBe('iou_clustering');
    const agg = (r.outcome.answer as { boxes: { x: number; label: string }[] }).boxes;
    expect(agg).toHaveLength(2);
    expect(agg.map((b) => b.x).sort((p, q) => p - q)).toEqual([12, 301]);
    expect(outcomes(r)).toEqual(['approved', 'approved', 'rejected']);
    expect(decisionOf(r, 'c')).toMatchObject({
      rule: 'consensus.boxes_differ_from_crowd',
      evidence: { measure: 'box_match_f1', value: 0, threshold: 0.5, matchedBoxes: 0, yourBoxes: 1, crowdBoxes: 2 },
    });
    expect(viaJson(r)).toEqual(r);
  });

  it('never matches boxes of different labels', () => {
    const r = reviewByConsensus(s, answers({ boxes: [car(10, 10)] }, { boxes: [car(10, 10)] }, { boxes: [{ ...car(10, 10), label: 'person' }] }));
    expect(outcomes(r)).toEqual(['approved', 'approved', 'rejected']);
  });

  it('agrees that an empty image is empty', () => {
    const r = reviewByConsensus(s, answers({ boxes: [] }, { boxes: [] }, { boxes: [car(10, 10)] }));
    expect(r.outcome.answer).toEqual({ boxes: [] });
    expect(outcomes(r)).toEqual(['approved', 'approved', 'rejected']);
  });
});

describe('reviewByConsensus: survey (per question)', () => {
  const s = spec({
    type: 'survey',
    questions: [
      { id: 'tone', type: 'single_choice', question: 'Tone?', options: opts('pos', 'neg') },
      { id: 'stars', type: 'rating', question: 'Stars?', min: 1, max: 5 },
      { id: 'note', type: 'free_text', question: 'Note', required: false },
    ],
  });

  it('settles each question and rejects an assignment that disagrees on more than half of the settled questions it answered', () => {
    const r = reviewByConsensus(
      s,
      answers({ tone: { choice: 'pos' }, stars: { value: 5 } }, { tone: { choice: 'pos' }, stars: { value: 4 } }, { tone: { choice: 'neg' }, stars: { value: 1 } }),
    );
    expect(r.outcome).toMatchObject({ method: 'per_question_consensus', answer: { tone: { choice: 'pos' }, stars: { value: 4 } }, decided: true });
    expect(outcomes(r)).toEqual(['approved', 'approved', 'rejected']);
    const c = decisionOf(r, 'c');
    expect(c.rule).toBe('consensus.disagrees_on_too_many_questions');
    expect(c.evidence).toMatchObject({ measure: 'share_of_settled_questions_agreed', value: 0, threshold: 0.5 });
    expect(c.evidence['questions']).toMatchObject({ tone: { agrees: false, rule: 'consensus.disagrees_with_majority' }, stars: { agrees: false, value: 3 } });
    // The unanswered optional question is neither settled nor held against anyone.
    expect((r.outcome.details['questions'] as Record<string, { answered: number; decided: boolean }>)['note']).toMatchObject({ answered: 0, decided: false });
  });

  it('lets an assignment that agrees on half of the settled questions through', () => {
    const r = reviewByConsensus(
      s,
      answers({ tone: { choice: 'pos' }, stars: { value: 5 } }, { tone: { choice: 'pos' }, stars: { value: 5 } }, { tone: { choice: 'pos' }, stars: { value: 1 } }),
    );
    expect(outcomes(r)).toEqual(['approved', 'approved', 'approved']);
    expect(decisionOf(r, 'c')).toMatchObject({ rule: 'consensus.agrees_on_enough_questions', evidence: { value: 0.5 } });
  });

  it('rejects nobody when no question is settled', () => {
    const r = reviewByConsensus(s, answers({ tone: { choice: 'pos' }, stars: { value: 1 } }, { tone: { choice: 'neg' }, stars: { value: 5 } }));
    expect(r.outcome.answer).toBeNull();
    expect(r.outcome.decided).toBe(false);
    expect(r.decisions.every((d) => d.decision.rule === 'consensus.no_consensus_benefit_of_doubt')).toBe(true);
  });
});
