import { describe, expect, it } from 'vitest';
import { AnswerSpec as AnswerSpecSchema, CreateProjectBody } from '../../../shared/api/schemas';
import { DomainError } from '../../../shared/domain/errors';
import { parseGoldAnswers, type Answer, type AnswerSpec } from '../../../shared/domain/marketplace/answer-spec';
import { GOLD_METHOD, reviewByGold } from '../../../shared/domain/quality/gold-review';

/** Specs go through the API schema first, as in production, so defaults are applied. */
function spec(answerSpec: unknown): AnswerSpec {
  const r = CreateProjectBody.safeParse({ title: 't', answerSpec, reward: { amountMinor: 10 } });
  if (!r.success) throw new Error(`spec refused by zod: ${JSON.stringify(r.error.issues)}`);
  return r.data.answerSpec;
}

const opts = (...values: string[]) => values.map((value) => ({ value, label: value.toUpperCase() }));

function goldIssues(s: AnswerSpec, entries: { input: Record<string, unknown>; gold?: { answer: unknown } }[]) {
  try {
    parseGoldAnswers(s, entries);
  } catch (e) {
    expect(e).toBeInstanceOf(DomainError);
    expect((e as DomainError).code).toBe('invalid_gold_answer');
    return ((e as DomainError).details as { issues: { path: string; message: string }[] }).issues;
  }
  throw new Error('accepted');
}

/** Decides the given answers against `expected`; returns each worker's outcome and rule. */
function judgeAll(s: AnswerSpec, expected: unknown, answers: unknown[], input: Record<string, unknown> = {}) {
  const [gold] = parseGoldAnswers(s, [{ input, gold: { answer: expected } }]);
  const review = reviewByGold(
    s,
    gold!,
    answers.map((answer, i) => ({ assignmentId: `asg_${i}`, workerId: `w${i}`, answer: answer as Answer })),
  );
  return { review, outcomes: review.decisions.map((d) => d.decision.outcome) };
}

const image = { image: { url: 'https://img.example.com/street.jpg', width: 640, height: 480 } };

/** For each type: a spec, an input, the expected answer, an answer that matches it and one that does not. */
const CASES: { name: string; spec: AnswerSpec; input?: Record<string, unknown>; expected: unknown; match: unknown; miss: unknown }[] = [
  { name: 'single_choice', spec: spec({ type: 'single_choice', question: 'Cat?', options: opts('yes', 'no') }), expected: { choice: 'yes' }, match: { choice: 'yes' }, miss: { choice: 'no' } },
  {
    name: 'multiple_choice',
    spec: spec({ type: 'multiple_choice', question: 'Which?', options: opts('red', 'green', 'blue', 'pink'), maxSelections: 3 }),
    expected: { choices: ['red', 'blue'] },
    match: { choices: ['blue', 'red'] },
    miss: { choices: ['green', 'pink'] },
  },
  { name: 'rating', spec: spec({ type: 'rating', question: 'Stars?', min: 1, max: 5 }), expected: { value: 4 }, match: { value: 4 }, miss: { value: 1 } },
  {
    name: 'free_text',
    spec: spec({ type: 'free_text', question: 'Describe', maxLength: 200 }),
    expected: { text: 'a red bicycle leaning on a wall' },
    match: { text: 'a red bicycle leaning on a wall.' },
    miss: { text: 'two dogs in a park' },
  },
  {
    name: 'audio_transcription',
    spec: spec({ type: 'audio_transcription', question: 'Type it', maxLength: 200 }),
    input: { audio: { url: 'https://a.example.com/1.mp3' } },
    expected: { text: 'the quick brown fox' },
    match: { text: 'The quick brown fox' },
    miss: { text: 'completely different words here' },
  },
  {
    name: 'image_tags',
    spec: spec({ type: 'image_tags', question: 'What?', tags: opts('cat', 'dog', 'car'), minTags: 1, maxTags: 2 }),
    input: image,
    expected: { tags: ['cat'] },
    match: { tags: ['cat'] },
    miss: { tags: ['dog', 'car'] },
  },
  {
    name: 'bounding_boxes',
    spec: spec({ type: 'bounding_boxes', question: 'Box cars', labels: opts('car'), minBoxes: 1, maxBoxes: 3 }),
    input: image,
    expected: { boxes: [{ x: 10, y: 20, width: 100, height: 50, label: 'car' }] },
    match: { boxes: [{ x: 12, y: 21, width: 98, height: 50, label: 'car' }] },
    miss: { boxes: [{ x: 400, y: 300, width: 100, height: 50, label: 'car' }] },
  },
  {
    name: 'survey',
    spec: spec({
      type: 'survey',
      questions: [
        { id: 'tone', type: 'single_choice', question: 'Tone?', options: opts('pos', 'neg') },
        { id: 'stars', type: 'rating', question: 'Stars?', min: 1, max: 5 },
      ],
    }),
    expected: { tone: { choice: 'pos' }, stars: { value: 5 } },
    match: { tone: { choice: 'pos' }, stars: { value: 5 } },
    miss: { tone: { choice: 'neg' }, stars: { value: 1 } },
  },
];

describe('gold answers are checked like answers', () => {
  it('accepts an expected answer of every comparable type and returns it canonical', () => {
    for (const c of CASES) expect(parseGoldAnswers(c.spec, [{ input: c.input ?? {}, gold: { answer: c.expected } }]), c.name).toHaveLength(1);
    const s = CASES.find((c) => c.name === 'free_text')!.spec;
    expect(parseGoldAnswers(s, [{ input: {} }, { input: {}, gold: { answer: { text: '  padded  ' } } }])).toEqual([undefined, { text: 'padded' }]);
  });

  it('names every bad row and field as microtasks.<row>.gold.answer.<field>', () => {
    const choice = CASES[0]!.spec;
    expect(goldIssues(choice, [{ input: {} }, { input: {}, gold: { answer: { choice: 'maybe' } } }, { input: {}, gold: { answer: { pick: 'yes' } } }]).map((i) => i.path)).toEqual([
      'microtasks.1.gold.answer.choice',
      'microtasks.2.gold.answer.choice',
      'microtasks.2.gold.answer.pick',
    ]);
    const rating = CASES[2]!.spec;
    expect(goldIssues(rating, [{ input: {}, gold: { answer: { value: 9 } } }]).map((i) => i.path)).toEqual(['microtasks.0.gold.answer.value']);
  });

  it("checks boxes against the microtask's own image, as a worker's would be", () => {
    const boxes = CASES.find((c) => c.name === 'bounding_boxes')!;
    const outside = { boxes: [{ x: 600, y: 20, width: 100, height: 50, label: 'car' }] };
    expect(goldIssues(boxes.spec, [{ input: image, gold: { answer: outside } }]).map((i) => i.path)).toEqual(['microtasks.0.gold.answer.boxes.0.width']);
  });

  it('refuses gold on types whose answers are never compared', () => {
    const external = AnswerSpecSchema.parse({ type: 'external', taskUrl: 'https://tasks.example.com/x', answerFields: [{ name: 'rating', type: 'number', required: true }] });
    const issues = goldIssues(external, [{ input: {}, gold: { answer: { rating: 3 } } }]);
    expect(issues).toMatchObject([{ path: 'microtasks.0.gold.answer', message: expect.stringMatching(/not compared/) }]);
  });
});

describe('review by gold', () => {
  it.each(CASES)("judges $name answers with the type's own judge against the expected answer", (c) => {
    const { review, outcomes } = judgeAll(c.spec, c.expected, [c.match, c.miss], c.input);
    expect(outcomes).toEqual(['approved', 'rejected']);
    expect(review.decisions.map((d) => d.decision.rule)).toEqual(['gold.matches_expected', 'gold.differs_from_expected']);
    expect(review.outcome).toMatchObject({ method: GOLD_METHOD, decided: true, confidence: 0.5 });
  });

  it('rejects even a unanimous crowd that differs from the expected answer, with the expected answer as evidence', () => {
    const choice = CASES[0]!.spec;
    const { review } = judgeAll(choice, { choice: 'yes' }, [{ choice: 'no' }, { choice: 'no' }, { choice: 'no' }]);
    expect(review.decisions.every((d) => d.decision.outcome === 'rejected')).toBe(true);
    expect(review.decisions[0]!.decision.evidence).toMatchObject({ expected: { choice: 'yes' }, yourAnswer: 'no', measure: 'same_choice_as_majority', value: 0 });
    expect(review.outcome).toMatchObject({ answer: { choice: 'yes' }, confidence: 0 });
  });

  it('shows the expected answer on an approval too, and measures with the type thresholds', () => {
    const rating = spec({ type: 'rating', question: 'Stars?', min: 1, max: 5, tolerance: 1 });
    const { review, outcomes } = judgeAll(rating, { value: 4 }, [{ value: 5 }, { value: 2 }]);
    expect(outcomes).toEqual(['approved', 'rejected']);
    expect(review.decisions[0]!.decision.evidence).toMatchObject({ expected: { value: 4 }, value: 1, threshold: 1 });
  });
});
