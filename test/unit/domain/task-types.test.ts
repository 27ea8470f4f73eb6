import { describe, expect, it } from 'vitest';
import { CreateProjectBody } from '../../../shared/api/schemas';
import { DomainError } from '../../../shared/domain/errors';
import { answerReadsInput, assertMicrotaskInputsFit, assertSpecIsConsistent, validateAnswer, type AnswerSpec } from '../../../shared/domain/marketplace/answer-spec';

/** Specs go through the API schema first, as in production, so defaults are applied. */
function spec(answerSpec: unknown): AnswerSpec {
  const r = CreateProjectBody.safeParse({ title: 't', answerSpec, reward: { amountMinor: 10 } });
  if (!r.success) throw new Error(`spec refused by zod: ${JSON.stringify(r.error.issues)}`);
  return r.data.answerSpec;
}

function zodIssues(answerSpec: unknown): string[] {
  const r = CreateProjectBody.safeParse({ title: 't', answerSpec, reward: { amountMinor: 10 } });
  expect(r.success).toBe(false);
  return r.error!.issues.map((i) => i.path.join('.'));
}

function issuesOf(fn: () => unknown, code: string) {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(DomainError);
    expect((e as DomainError).kind).toBe('validation');
    expect((e as DomainError).code).toBe(code);
    return ((e as DomainError).details as { issues: { path: string; message: string }[] }).issues;
  }
  throw new Error('accepted');
}
const answerIssues = (s: AnswerSpec, answer: unknown, input?: Record<string, unknown>) => issuesOf(() => validateAnswer(s, answer, input), 'invalid_answer').map((i) => i.path);
const specIssues = (s: AnswerSpec) => issuesOf(() => assertSpecIsConsistent(s), 'validation_failed').map((i) => i.path);
const inputIssues = (s: AnswerSpec, inputs: Record<string, unknown>[]) => issuesOf(() => assertMicrotaskInputsFit(s, inputs), 'invalid_microtask_input').map((i) => i.path);

const opts = (...values: string[]) => values.map((value) => ({ value, label: value.toUpperCase() }));

describe('multiple_choice', () => {
  const s = spec({ type: 'multiple_choice', question: 'Which apply?', options: opts('red', 'green', 'blue'), maxSelections: 2 });

  it('defaults minSelections to 1 and accepts distinct options within the bounds', () => {
    expect(s).toMatchObject({ minSelections: 1, maxSelections: 2 });
    expect(validateAnswer(s, { choices: ['blue', 'red'] })).toEqual({ choices: ['blue', 'red'] });
  });

  it('refuses an unknown option, a repeated option, too few or too many, naming the field', () => {
    expect(answerIssues(s, { choices: ['red', 'pink'] })).toEqual(['answer.choices.1']);
    expect(answerIssues(s, { choices: ['red', 'red'] })).toEqual(['answer.choices.1']);
    expect(answerIssues(s, { choices: [] })).toEqual(['answer.choices']);
    expect(answerIssues(s, { choices: ['red', 'green', 'blue'] })).toEqual(['answer.choices']);
    expect(answerIssues(s, { choices: 'red' })).toEqual(['answer.choices']);
    expect(answerIssues(s, { choices: ['red'], extra: 1 })).toEqual(['answer.extra']);
  });

  it('allows "none of these" when minSelections is 0', () => {
    const none = spec({ type: 'multiple_choice', question: 'q', options: opts('a', 'b'), minSelections: 0 });
    expect(validateAnswer(none, { choices: [] })).toEqual({ choices: [] });
  });

  it('refuses a spec whose bounds cannot be met or whose values repeat', () => {
    expect(specIssues(spec({ type: 'multiple_choice', question: 'q', options: opts('a', 'b'), minSelections: 3 }))).toEqual(['answerSpec.minSelections']);
    expect(specIssues(spec({ type: 'multiple_choice', question: 'q', options: opts('a', 'b', 'c'), minSelections: 2, maxSelections: 1 }))).toEqual(['answerSpec.maxSelections']);
    expect(specIssues(spec({ type: 'multiple_choice', question: 'q', options: opts('a', 'a') }))).toEqual(['answerSpec.options']);
  });
});

describe('rating', () => {
  const s = spec({ type: 'rating', question: 'How relevant?', min: 1, max: 5, labels: [{ value: 1, label: 'irrelevant' }, { value: 5, label: 'perfect' }] });

  it('accepts a point of the scale (step 1 by default)', () => {
    expect(validateAnswer(s, { value: 4 })).toEqual({ value: 4 });
  });

  it('refuses out of range, off the step grid and non-numbers, naming answer.value', () => {
    expect(answerIssues(s, { value: 6 })).toEqual(['answer.value']);
    expect(answerIssues(s, { value: 0 })).toEqual(['answer.value']);
    expect(answerIssues(s, { value: 2.5 })).toEqual(['answer.value']);
    expect(answerIssues(s, { value: '3' })).toEqual(['answer.value']);
    expect(answerIssues(s, {})).toEqual(['answer.value']);
  });

  it('accepts decimal steps despite binary floating point', () => {
    const tenth = spec({ type: 'rating', question: 'q', min: 0, max: 1, step: 0.1 });
    expect(validateAnswer(tenth, { value: 0.3 })).toEqual({ value: 0.3 });
    expect(answerIssues(tenth, { value: 0.35 })).toEqual(['answer.value']);
  });

  it('refuses min ≥ max, a step that does not reach max, and labels off the scale', () => {
    expect(specIssues(spec({ type: 'rating', question: 'q', min: 5, max: 5 }))).toEqual(['answerSpec.max']);
    expect(specIssues(spec({ type: 'rating', question: 'q', min: 0, max: 5, step: 2 }))).toEqual(['answerSpec.step']);
    expect(specIssues(spec({ type: 'rating', question: 'q', min: 1, max: 5, labels: [{ value: 7, label: 'x' }] }))).toEqual(['answerSpec.labels.0.value']);
  });
});

describe('free_text', () => {
  const s = spec({ type: 'free_text', question: 'Describe', minLength: 3, maxLength: 10, language: 'pt-BR' });

  it('keeps the BCP-47 language on the spec and trims the answer', () => {
    expect(s).toMatchObject({ language: 'pt-BR' });
    expect(validateAnswer(s, { text: '  olá mundo ' })).toEqual({ text: 'olá mundo' });
  });

  it('counts characters as code points', () => {
    expect(validateAnswer(s, { text: '😀😀😀' })).toEqual({ text: '😀😀😀' });
  });

  it('refuses blank, too short, too long and non-string text, naming answer.text', () => {
    expect(answerIssues(s, { text: '   ' })).toEqual(['answer.text']);
    expect(answerIssues(s, { text: 'ab' })).toEqual(['answer.text']);
    expect(answerIssues(s, { text: 'abcdefghijk' })).toEqual(['answer.text']);
    expect(answerIssues(s, { text: 5 })).toEqual(['answer.text']);
  });

  it('refuses minLength > maxLength and a malformed language tag', () => {
    expect(specIssues(spec({ type: 'free_text', question: 'q', minLength: 20, maxLength: 10 }))).toEqual(['answerSpec.maxLength']);
    expect(zodIssues({ type: 'free_text', question: 'q', language: 'english please' })).toEqual(['answerSpec.language']);
  });
});

describe('audio_transcription', () => {
  const s = spec({ type: 'audio_transcription', question: 'Type what you hear', maxLength: 50, language: 'en' });

  it('needs each microtask to reference its recording by an https URL or a key', () => {
    expect(() => assertMicrotaskInputsFit(s, [{ audio: { url: 'https://cdn.example.com/a.mp3' } }, { audio: { key: 'clips/b.wav' } }])).not.toThrow();
    expect(inputIssues(s, [{ audio: { key: 'ok.wav' } }, { text: 'no audio' }])).toEqual(['microtasks.1.input.audio']);
    expect(inputIssues(s, [{ audio: { url: 'http://insecure.example.com/a.mp3' } }])).toEqual(['microtasks.0.input.audio.url']);
    expect(inputIssues(s, [{ audio: { key: '../etc/passwd' } }])).toEqual(['microtasks.0.input.audio.key']);
    expect(inputIssues(s, [{ audio: { url: 'https://x.example/a', key: 'a' } }])).toEqual(['microtasks.0.input.audio']);
  });

  it('takes a non-blank text within the limits', () => {
    expect(validateAnswer(s, { text: 'hello world' })).toEqual({ text: 'hello world' });
    expect(answerIssues(s, { text: '' })).toEqual(['answer.text']);
    expect(answerIssues(s, { text: 'x'.repeat(51) })).toEqual(['answer.text']);
  });
});

describe('image_tags', () => {
  const s = spec({ type: 'image_tags', question: 'What is in the picture?', tags: opts('cat', 'dog', 'car'), minTags: 1, maxTags: 2 });

  it('needs an image reference (its size is optional)', () => {
    expect(() => assertMicrotaskInputsFit(s, [{ image: { url: 'https://img.example.com/1.jpg' } }])).not.toThrow();
    expect(inputIssues(s, [{ image: 'https://img.example.com/1.jpg' }])).toEqual(['microtasks.0.input.image']);
    expect(inputIssues(s, [{ image: { key: 'a.jpg', width: -3 } }])).toEqual(['microtasks.0.input.image.width']);
  });

  it('takes distinct tags from the set within min/max', () => {
    expect(validateAnswer(s, { tags: ['dog'] })).toEqual({ tags: ['dog'] });
    expect(answerIssues(s, { tags: ['horse'] })).toEqual(['answer.tags.0']);
    expect(answerIssues(s, { tags: [] })).toEqual(['answer.tags']);
    expect(answerIssues(s, { tags: ['cat', 'dog', 'car'] })).toEqual(['answer.tags']);
  });
});

describe('bounding_boxes', () => {
  const s = spec({ type: 'bounding_boxes', question: 'Box every vehicle', labels: opts('car', 'bike'), minBoxes: 1, maxBoxes: 3 });
  const input = { image: { url: 'https://img.example.com/street.jpg', width: 640, height: 480 } };
  const box = (o: Partial<Record<string, unknown>> = {}) => ({ x: 10, y: 20, width: 100, height: 50, label: 'car', ...o });

  it('reads the microtask input to check boxes', () => {
    expect(answerReadsInput(s)).toBe(true);
    expect(answerReadsInput(spec({ type: 'rating', question: 'q', min: 1, max: 3 }))).toBe(false);
  });

  it('needs each microtask image to carry its width and height, naming the row and field', () => {
    expect(() => assertMicrotaskInputsFit(s, [input])).not.toThrow();
    const issues = inputIssues(s, [input, { image: { url: 'https://img.example.com/2.jpg', width: 640 } }, {}]);
    expect(issues).toEqual(['microtasks.1.input.image.height', 'microtasks.2.input.image']);
  });

  it('accepts boxes inside the image with a label from the set', () => {
    expect(validateAnswer(s, { boxes: [box(), box({ x: 540, y: 430, width: 100, height: 50, label: 'bike' })] }, input)).toEqual({
      boxes: [box(), { x: 540, y: 430, width: 100, height: 50, label: 'bike' }],
    });
  });

  it('refuses boxes outside the image, of no size, with an unknown label, and the wrong count', () => {
    expect(answerIssues(s, { boxes: [box({ x: 600 })] }, input)).toEqual(['answer.boxes.0.width']);
    expect(answerIssues(s, { boxes: [box({ y: 450 })] }, input)).toEqual(['answer.boxes.0.height']);
    expect(answerIssues(s, { boxes: [box({ x: -1 })] }, input)).toEqual(['answer.boxes.0.x']);
    expect(answerIssues(s, { boxes: [box({ width: 0 })] }, input)).toEqual(['answer.boxes.0.width']);
    expect(answerIssues(s, { boxes: [box({ label: 'truck' })] }, input)).toEqual(['answer.boxes.0.label']);
    expect(answerIssues(s, { boxes: [box({ x: '10' })] }, input)).toEqual(['answer.boxes.0.x']);
    expect(answerIssues(s, { boxes: [box({ colour: 'red' })] }, input)).toEqual(['answer.boxes.0.colour']);
    expect(answerIssues(s, { boxes: [] }, input)).toEqual(['answer.boxes']);
    expect(answerIssues(s, { boxes: [box(), box(), box(), box()] }, input)).toEqual(['answer.boxes']);
  });

  it('refuses an answer when the image size is unknown rather than accept unchecked boxes', () => {
    expect(answerIssues(s, { boxes: [box()] })).toEqual(['answer.boxes']);
  });

  it('refuses minBoxes > maxBoxes and repeated labels', () => {
    expect(specIssues(spec({ type: 'bounding_boxes', question: 'q', labels: opts('a'), minBoxes: 5, maxBoxes: 2 }))).toEqual(['answerSpec.maxBoxes']);
    expect(specIssues(spec({ type: 'bounding_boxes', question: 'q', labels: opts('a', 'a') }))).toEqual(['answerSpec.labels']);
  });
});

describe('survey', () => {
  const s = spec({
    type: 'survey',
    questions: [
      { id: 'sentiment', type: 'single_choice', question: 'Tone?', options: opts('pos', 'neg') },
      { id: 'stars', type: 'rating', question: 'Stars?', min: 1, max: 5 },
      { id: 'why', type: 'free_text', question: 'Why?', required: false },
      { id: 'objects', type: 'bounding_boxes', question: 'Box the product', labels: opts('product'), required: false },
    ],
  });
  const input = { image: { key: 'p/1.png', width: 100, height: 100 } };

  it('maps question ids to answers; optional questions may be left out', () => {
    expect(validateAnswer(s, { sentiment: { choice: 'pos' }, stars: { value: 5 } }, input)).toEqual({ sentiment: { choice: 'pos' }, stars: { value: 5 } });
    expect(validateAnswer(s, { sentiment: { choice: 'neg' }, stars: { value: 2 }, why: { text: ' slow ' } }, input)).toEqual({
      sentiment: { choice: 'neg' },
      stars: { value: 2 },
      why: { text: 'slow' },
    });
  });

  it('names the question and field of every problem', () => {
    expect(answerIssues(s, { stars: { value: 9 } }, input)).toEqual(['answer.sentiment', 'answer.stars.value']);
    expect(answerIssues(s, { sentiment: { choice: 'pos' }, stars: { value: 3 }, mood: {} }, input)).toEqual(['answer.mood']);
    expect(answerIssues(s, { sentiment: { choice: 'pos' }, stars: { value: 3 }, objects: { boxes: [{ x: 90, y: 0, width: 20, height: 5, label: 'product' }] } }, input)).toEqual([
      'answer.objects.boxes.0.width',
    ]);
    expect(answerIssues(s, 'yes', input)).toEqual(['answer']);
  });

  it("checks the microtask input against every question's needs, each need once", () => {
    expect(answerReadsInput(s)).toBe(true);
    expect(inputIssues(s, [{ text: 'x' }])).toEqual(['microtasks.0.input.image']);
    const two = spec({
      type: 'survey',
      questions: [
        { id: 'a', type: 'bounding_boxes', question: 'q', labels: opts('x') },
        { id: 'b', type: 'bounding_boxes', question: 'q', labels: opts('y') },
      ],
    });
    expect(inputIssues(two, [{}])).toEqual(['microtasks.0.input.image']);
  });

  it("refuses duplicate question ids and reports a question's own spec problem under its index", () => {
    const dup = spec({
      type: 'survey',
      questions: [
        { id: 'a', type: 'rating', question: 'q', min: 1, max: 5 },
        { id: 'a', type: 'rating', question: 'q', min: 5, max: 1 },
      ],
    });
    expect(specIssues(dup)).toEqual(['answerSpec.questions', 'answerSpec.questions.1.max']);
  });

  it('needs at least one answered question when every question is optional', () => {
    const optional = spec({ type: 'survey', questions: [{ id: 'a', type: 'free_text', question: 'q', required: false }] });
    expect(answerIssues(optional, {})).toEqual(['answer']);
  });

  it('cannot nest a survey (the zod schema refuses it)', () => {
    expect(zodIssues({ type: 'survey', questions: [{ id: 'inner', type: 'survey', questions: [] }] })).toEqual(['answerSpec.questions.0.type']);
  });
});

describe('spec schemas', () => {
  it('are strict: an unknown field of a spec is refused, naming it', () => {
    const r = CreateProjectBody.safeParse({ title: 't', answerSpec: { type: 'rating', question: 'q', min: 1, max: 5, colour: 'red' }, reward: { amountMinor: 10 } });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]).toMatchObject({ code: 'unrecognized_keys', keys: ['colour'], path: ['answerSpec'] });
  });

  it('bound list sizes', () => {
    expect(zodIssues({ type: 'bounding_boxes', question: 'q', labels: opts('a'), maxBoxes: 1_000 })).toEqual(['answerSpec.maxBoxes']);
    expect(zodIssues({ type: 'free_text', question: 'q', maxLength: 1_000_000 })).toEqual(['answerSpec.maxLength']);
  });
});
