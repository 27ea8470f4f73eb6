import { describe, expect, it } from 'vitest';
import { mp4DurationSeconds, wavDurationSeconds } from '../../../../shared/domain/media/duration';
import * as F from '../../../support/media-fixtures';

/** A ranged reader over bytes that counts what it read, as the ranged GETs would. */
function reader(bytes: Uint8Array) {
  const reads: number[] = [];
  return {
    reads,
    read: async (offset: number, length: number) => {
      reads.push(length);
      return bytes.subarray(offset, offset + length);
    },
  };
}

describe('durations from headers', () => {
  it('WAV: data size over byte rate', () => {
    expect(wavDurationSeconds(F.wav(2.5))).toBeCloseTo(2.5, 6);
    expect(wavDurationSeconds(F.wav(2.5).subarray(0, 64))).toBeCloseTo(2.5, 6); // the header alone is enough
    expect(wavDurationSeconds(F.png())).toBeUndefined();
  });

  it.each([0, 1] as const)('MP4: mvhd version %s, with moov before or after a large mdat, reading headers only', async (version) => {
    for (const moovAtEnd of [false, true]) {
      const bytes = F.mp4({ durationSeconds: 12.5, version, moovAtEnd, mdatBytes: 300_000 });
      const r = reader(bytes);
      expect(await mp4DurationSeconds(r.read, bytes.length)).toBeCloseTo(12.5, 3);
      expect(r.reads.reduce((a, b) => a + b, 0)).toBeLessThan(200);
    }
  });

  it('MP4 without moov, or cut short, has no duration', async () => {
    const noMoov = F.concat(F.ftyp('isom'), F.randomBytesOf(100));
    expect(await mp4DurationSeconds(reader(noMoov).read, noMoov.length)).toBeUndefined();
    const cut = F.mp4({ durationSeconds: 5, moovAtEnd: true }).subarray(0, 500);
    expect(await mp4DurationSeconds(reader(cut).read, cut.length)).toBeUndefined();
  });
});
