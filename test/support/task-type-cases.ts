/**
 * One realistic microtask per question task type (everything but single choice, which every other
 * test uses, and the media and external types, whose answers are uploads and pages): its spec, its
 * input, three answers of which the third disagrees, and what the type's consensus rule makes of
 * them. The task-types e2e test asserts the outcome; `npm run tour` walks them for a new user.
 */
import type { TaskTypeName } from '../../shared/domain/marketplace/task-types/registry';

export const opts = (...values: string[]) => values.map((value) => ({ value, label: value }));
export const image = { url: 'https://images.example.com/street-1.jpg', width: 640, height: 480 };
export const car = (x: number, y: number) => ({ x, y, width: 120, height: 80, label: 'car' });

export interface Case {
  answerSpec: Record<string, unknown>;
  input: Record<string, unknown>;
  /** Three answers; the third disagrees with the first two. */
  answers: [unknown, unknown, unknown];
  aggregate: unknown;
  method: string;
  rule: string;
  measure: string;
}

/** The question types a worker answers in the task form, single choice aside. */
export type CaseType = Exclude<TaskTypeName, 'single_choice' | 'media_collection' | 'external'>;

export const CASES: Record<CaseType, Case> = {
  multiple_choice: {
    answerSpec: { type: 'multiple_choice', question: 'Which topics does the post cover?', options: opts('sport', 'politics', 'weather'), minSelections: 0 },
    input: { text: 'Rain stops the cup final' },
    answers: [{ choices: ['sport', 'weather'] }, { choices: ['weather', 'sport'] }, { choices: ['politics'] }],
    aggregate: { choices: ['sport', 'weather'] },
    method: 'per_label_majority_vote',
    rule: 'consensus.disagrees_per_label',
    measure: 'share_of_settled_labels_matched',
  },
  rating: {
    answerSpec: { type: 'rating', question: 'How relevant is the result?', min: 1, max: 5, labels: [{ value: 1, label: 'off topic' }, { value: 5, label: 'exactly it' }] },
    input: { query: 'cheap flights', result: 'Low-cost airline deals' },
    answers: [{ value: 5 }, { value: 4 }, { value: 1 }],
    aggregate: { value: 4 },
    method: 'median',
    rule: 'consensus.outside_tolerance_of_median',
    measure: 'distance_to_median',
  },
  free_text: {
    answerSpec: { type: 'free_text', question: 'Name the landmark in the photo.', maxLength: 200, language: 'en-GB' },
    input: { image: { url: 'https://images.example.com/landmark.jpg' } },
    answers: [{ text: 'Big Ben clock tower' }, { text: 'Big Ben clock towers' }, { text: 'a red bus' }],
    aggregate: { text: 'Big Ben clock tower' },
    method: 'most_similar_to_others',
    rule: 'consensus.dissimilar_to_representative',
    measure: 'char_trigram_similarity',
  },
  audio_transcription: {
    answerSpec: { type: 'audio_transcription', question: 'Type exactly what is said.', maxLength: 500, language: 'en' },
    input: { audio: { key: 'clips/0001.wav' } },
    answers: [{ text: 'please hold the line' }, { text: 'please hold the line' }, { text: 'police told the lion to wait' }],
    aggregate: { text: 'please hold the line' },
    method: 'best_candidate_by_agreement',
    rule: 'consensus.far_from_best_transcription',
    measure: 'normalized_edit_distance',
  },
  image_tags: {
    answerSpec: { type: 'image_tags', question: 'What does the photo show?', tags: opts('cat', 'dog', 'indoor', 'outdoor'), maxTags: 3 },
    input: { image: { key: 'photos/42.jpg' } },
    answers: [{ tags: ['cat', 'indoor'] }, { tags: ['indoor', 'cat'] }, { tags: ['dog', 'outdoor'] }],
    aggregate: { tags: ['cat', 'indoor'] },
    method: 'per_label_majority_vote',
    rule: 'consensus.disagrees_per_label',
    measure: 'share_of_settled_labels_matched',
  },
  bounding_boxes: {
    answerSpec: { type: 'bounding_boxes', question: 'Draw a box around every car.', labels: opts('car', 'person'), minBoxes: 1, maxBoxes: 5 },
    input: { image },
    answers: [{ boxes: [car(100, 100)] }, { boxes: [car(104, 98)] }, { boxes: [car(400, 300)] }],
    aggregate: { boxes: [{ x: 102, y: 99, width: 120, height: 80, label: 'car' }] },
    method: 'iou_clustering',
    rule: 'consensus.boxes_differ_from_crowd',
    measure: 'box_match_f1',
  },
  survey: {
    answerSpec: {
      type: 'survey',
      questions: [
        { id: 'tone', type: 'single_choice', question: 'Tone of the review?', options: opts('positive', 'negative') },
        { id: 'stars', type: 'rating', question: 'Stars it deserves?', min: 1, max: 5 },
        { id: 'comment', type: 'free_text', question: 'Anything else?', required: false },
      ],
    },
    input: { review: 'Arrived fast, works great.' },
    answers: [
      { tone: { choice: 'positive' }, stars: { value: 5 } },
      { tone: { choice: 'positive' }, stars: { value: 4 }, comment: { text: 'fine' } },
      { tone: { choice: 'negative' }, stars: { value: 1 } },
    ],
    aggregate: { tone: { choice: 'positive' }, stars: { value: 4 } },
    method: 'per_question_consensus',
    rule: 'consensus.disagrees_on_too_many_questions',
    measure: 'share_of_settled_questions_agreed',
  },
};
