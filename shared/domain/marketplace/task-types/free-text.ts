import { charNgramSimilarity, pickRepresentativeText } from '../../aggregation/free-text';
import { answerObject, checkRange, checkText, isLanguageTag, settleTie, type TaskType } from './task-type';

export interface FreeTextSpec {
  type: 'free_text';
  question: string;
  minLength: number;
  maxLength: number;
  /**
   * The language answers are expected in, as a BCP-47 tag (`en`, `pt-BR`). Shown to workers and
   * kept with the project; answers are not language-checked (no detection on the submit path).
   */
  language?: string;
  /** Character-trigram similarity to the crowd's representative answer needed to agree; default 0.5. */
  similarityThreshold?: number;
}

export interface FreeTextAnswer {
  text: string;
}

export const DEFAULT_SIMILARITY_THRESHOLD = 0.5;

/**
 * A short text. The crowd's answer is the one most similar to all the others (the medoid under
 * character-trigram Jaccard similarity, which forgives typos and word order better than tokens).
 */
export const freeText: TaskType<FreeTextSpec, FreeTextAnswer> = {
  type: 'free_text',
  checkSpec(spec, issues) {
    checkRange(spec.minLength, spec.maxLength, issues, ['minLength', 'maxLength']);
    if (spec.language !== undefined && !isLanguageTag(spec.language)) issues.at('language').add('must be a BCP-47 language tag, e.g. en or pt-BR');
  },
  checkInput() {},
  answerReadsInput: () => false,
  parseAnswer(spec, raw, issues) {
    const o = answerObject(raw, ['text'], issues);
    return { text: o ? checkText(o['text'], spec, issues.at('text')) : '' };
  },
  aggregate(spec, answers) {
    const texts = answers.map((a) => a.answer.text);
    const best = pickRepresentativeText(
      answers.map((a, i) => ({ workerId: a.workerId, text: texts[i]! })),
      { similarity: 'char-ngram', n: 3 },
    );
    const threshold = spec.similarityThreshold ?? DEFAULT_SIMILARITY_THRESHOLD;
    // Two similar answers and an outlier always tie (each is as close to the other); the tie only
    // leaves the crowd unsettled when the tied answers are not similar to one another.
    const text = best.text ?? (best.tie ? settleTie(texts, best.scores, (a, b) => charNgramSimilarity(a, b, 3) >= threshold) : null);
    return {
      method: 'most_similar_to_others',
      answer: text === null ? null : { text },
      details: { similarity: 'char_trigram_jaccard', meanSimilarity: best.score, tie: best.tie && text === null },
    };
  },
  judge(spec, aggregate, answer) {
    const threshold = spec.similarityThreshold ?? DEFAULT_SIMILARITY_THRESHOLD;
    const similarity = charNgramSimilarity(answer.text, (aggregate.answer as FreeTextAnswer).text, 3);
    const agrees = similarity >= threshold;
    return {
      agrees,
      rule: agrees ? 'consensus.similar_to_representative' : 'consensus.dissimilar_to_representative',
      measure: 'char_trigram_similarity',
      value: similarity,
      threshold,
    };
  },
};
