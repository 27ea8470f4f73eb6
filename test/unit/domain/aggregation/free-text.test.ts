import { describe, expect, it } from 'vitest';
import { charNgramSimilarity, normalizeText, pickRepresentativeText, tokenJaccard } from '../../../../shared/domain/aggregation/free-text';

const answers = (...texts: string[]) => texts.map((text, i) => ({ workerId: `w${i}`, text }));

describe('text similarity', () => {
  it('normalises case, punctuation and spacing', () => {
    expect(normalizeText('  The  Eiffel-Tower, PARIS! ')).toBe('the eiffel tower paris');
  });

  it('computes token Jaccard on normalised tokens', () => {
    expect(tokenJaccard('red car', 'Red  car!')).toBe(1);
    expect(tokenJaccard('red car', 'blue car')).toBeCloseTo(1 / 3, 12);
    expect(tokenJaccard('', '')).toBe(1);
    expect(tokenJaccard('a', '')).toBe(0);
  });

  it('scores near-misspellings higher with character n-grams than with tokens', () => {
    expect(tokenJaccard('colour', 'color')).toBe(0);
    expect(charNgramSimilarity('colour', 'color')).toBeGreaterThan(0.3);
    expect(charNgramSimilarity('abc', 'abc')).toBe(1);
  });
});

describe('pickRepresentativeText', () => {
  it('picks the answer closest to the others', () => {
    // Each variant adds one word to the same core sentence, so the core is closest to all.
    const r = pickRepresentativeText(answers('a red car on the street', 'red car parked on the street', 'red car on the street', 'red car on the main street', 'lol'));
    expect(r.text).toBe('red car on the street');
    expect(r.workerId).toBe('w2');
    expect(r.score).toBe(Math.max(...r.scores));
  });

  it('still finds the consensus among misspellings with character n-grams', () => {
    const spellings = answers('Mississippi', 'Missisippi', 'Mississipi', 'Ohio');
    // As tokens, no two answers share anything: no consensus.
    expect(pickRepresentativeText(spellings).text).toBeNull();
    const r = pickRepresentativeText(spellings, { similarity: 'char-ngram' });
    expect(r.text).toBe('Mississippi');
    expect(r.scores[3]).toBe(0);
  });

  it('leaves two different answers undecided, but not two spellings of the same one', () => {
    expect(pickRepresentativeText(answers('yes', 'no')).text).toBeNull();
    expect(pickRepresentativeText(answers('Yes!', 'yes')).text).toBe('Yes!');
  });

  it('handles zero and one answers', () => {
    expect(pickRepresentativeText([]).text).toBeNull();
    expect(pickRepresentativeText(answers('only')).text).toBe('only');
  });
});
