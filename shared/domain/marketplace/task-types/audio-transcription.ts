import { bestTranscription, defaultTranscriptionNormalize, normalizedEditDistance } from '../../aggregation/transcription';
import { answerObject, checkAudioInput, checkRange, checkText, isLanguageTag, settleTie, type TaskType } from './task-type';

export interface AudioTranscriptionSpec {
  type: 'audio_transcription';
  /** What to type, e.g. "Type exactly what is said, including false starts". */
  question: string;
  minLength: number;
  maxLength: number;
  /** The spoken language as a BCP-47 tag; shown to workers, not checked against the answer. */
  language?: string;
  /** Normalised edit distance to the crowd's best transcription an answer may have and still agree; default 0.2. */
  maxEditDistance?: number;
}

export interface AudioTranscriptionAnswer {
  text: string;
}

export const DEFAULT_MAX_EDIT_DISTANCE = 0.2;

/**
 * Typing what a recording (`input.audio`) says. Every character matters, so the crowd's answer is
 * the candidate with the smallest total edit distance to the others, never a synthesised string.
 */
export const audioTranscription: TaskType<AudioTranscriptionSpec, AudioTranscriptionAnswer> = {
  type: 'audio_transcription',
  checkSpec(spec, issues) {
    checkRange(spec.minLength, spec.maxLength, issues, ['minLength', 'maxLength']);
    if (spec.language !== undefined && !isLanguageTag(spec.language)) issues.at('language').add('must be a BCP-47 language tag, e.g. en or pt-BR');
  },
  checkInput(_spec, input, issues) {
    checkAudioInput(input, issues);
  },
  answerReadsInput: () => false,
  parseAnswer(spec, raw, issues) {
    const o = answerObject(raw, ['text'], issues);
    return { text: o ? checkText(o['text'], spec, issues.at('text')) : '' };
  },
  aggregate(spec, answers) {
    const texts = answers.map((a) => a.answer.text);
    const best = bestTranscription(answers.map((a, i) => ({ workerId: a.workerId, text: texts[i]! })));
    const threshold = spec.maxEditDistance ?? DEFAULT_MAX_EDIT_DISTANCE;
    const n = defaultTranscriptionNormalize;
    // As for free text: a tie between candidates close to one another is settled, not left open.
    const text =
      best.text ??
      (best.tie
        ? settleTie(
            texts,
            best.totals.map((t) => -t),
            (a, b) => normalizedEditDistance(n(a), n(b)) <= threshold,
          )
        : null);
    return {
      method: 'best_candidate_by_agreement',
      answer: text === null ? null : { text },
      details: { distance: 'normalized_levenshtein', totalDistance: best.totalDistance, tie: best.tie && text === null },
    };
  },
  judge(spec, aggregate, answer) {
    const threshold = spec.maxEditDistance ?? DEFAULT_MAX_EDIT_DISTANCE;
    const n = defaultTranscriptionNormalize;
    const distance = normalizedEditDistance(n(answer.text), n((aggregate.answer as AudioTranscriptionAnswer).text));
    const agrees = distance <= threshold;
    return {
      agrees,
      rule: agrees ? 'consensus.close_to_best_transcription' : 'consensus.far_from_best_transcription',
      measure: 'normalized_edit_distance',
      value: distance,
      threshold,
    };
  },
};
