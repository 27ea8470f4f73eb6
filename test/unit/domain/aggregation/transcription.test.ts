import { describe, expect, it } from 'vitest';
import { bestTranscription, levenshtein, normalizedEditDistance } from '../../../../shared/domain/aggregation/transcription';

const cands = (...texts: string[]) => texts.map((text, i) => ({ workerId: `w${i}`, text }));

describe('edit distance', () => {
  it('computes Levenshtein distance', () => {
    expect(levenshtein('kitten', 'sitting')).toBe(3);
    expect(levenshtein('', 'abc')).toBe(3);
    expect(levenshtein('same', 'same')).toBe(0);
    expect(levenshtein('flaw', 'lawn')).toBe(2);
  });

  it('counts a code point, not a UTF-16 unit, as one character', () => {
    expect(levenshtein('a😀b', 'a😁b')).toBe(1);
    expect(normalizedEditDistance('😀', '')).toBe(1);
  });

  it('normalises by the longer length', () => {
    expect(normalizedEditDistance('abcd', 'abcx')).toBe(0.25);
    expect(normalizedEditDistance('', '')).toBe(0);
  });
});

describe('bestTranscription', () => {
  it('picks the consensus string, not the outlier', () => {
    const r = bestTranscription(cands('The quick brown fox', 'The quick brown fax', 'The quick brown fox', 'Teh quick brwn fox', 'xyz'));
    expect(r.text).toBe('The quick brown fox');
    expect(r.index).toBe(0);
    expect(r.totalDistance).toBe(Math.min(...r.totals));
  });

  it('picks the medoid even when no two candidates agree exactly', () => {
    // Each outer string differs from the middle one by one edit and from each other by two.
    const r = bestTranscription(cands('invoice 1034', 'invoice 1O34', 'invoice 1084'));
    expect(r.text).toBe('invoice 1034');
  });

  it('collapses whitespace but keeps case by default', () => {
    expect(bestTranscription(cands('  Hello   World ', 'Hello World', 'hello world')).text).toBe('  Hello   World ');
  });

  it('leaves a tie between different strings undecided', () => {
    expect(bestTranscription(cands('ABC', 'ABD'))).toMatchObject({ text: null, tie: true });
    expect(bestTranscription([]).text).toBeNull();
  });
});
