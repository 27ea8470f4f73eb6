import { describe, expect, it } from 'vitest';
import { parseJpegExif, parseTiffExif } from '../../../../shared/domain/media/exif';
import * as F from '../../../support/media-fixtures';

describe('parseJpegExif', () => {
  it.each([false, true])('reads DateTimeOriginal and GPS (little-endian: %s)', (little) => {
    const facts = parseJpegExif(F.jpeg({ little, capturedAt: '2024:05:17 14:03:22', gps: { lat: 52.520008, lon: 13.404954 } }));
    expect(facts.capturedAt).toBe('2024-05-17T14:03:22');
    expect(facts.gps!.lat).toBeCloseTo(52.520008, 5);
    expect(facts.gps!.lon).toBeCloseTo(13.404954, 5);
  });

  it('signs southern and western coordinates and keeps the capture offset', () => {
    const facts = parseJpegExif(F.jpeg({ capturedAt: '2023:12:31 23:59:59', offset: '-03:00', gps: { lat: -34.603722, lon: -58.381592 } }));
    expect(facts.capturedAt).toBe('2023-12-31T23:59:59-03:00');
    expect(facts.gps!.lat).toBeCloseTo(-34.603722, 5);
    expect(facts.gps!.lon).toBeCloseTo(-58.381592, 5);
  });

  it('gives only what is there: a time without GPS, GPS without a time', () => {
    expect(parseJpegExif(F.jpeg({ capturedAt: '2024:01:02 03:04:05' }))).toEqual({ capturedAt: '2024-01-02T03:04:05' });
    const onlyGps = parseJpegExif(F.jpeg({ gps: { lat: 1.5, lon: 2.25 } }));
    expect(onlyGps.capturedAt).toBeUndefined();
    expect(onlyGps.gps!.lat).toBeCloseTo(1.5, 6);
  });

  it('finds no facts in a JPEG without EXIF, in other formats, or in a truncated or corrupt segment', () => {
    expect(parseJpegExif(F.jpeg())).toEqual({});
    expect(parseJpegExif(F.png())).toEqual({});
    const full = F.jpeg({ capturedAt: '2024:05:17 14:03:22', gps: { lat: 10, lon: 20 } });
    for (const cut of [4, 12, 30, 60, 90]) expect(() => parseJpegExif(full.subarray(0, cut))).not.toThrow();
    const corrupt = Uint8Array.from(full);
    corrupt.fill(0xff, 30, 60); // offsets and counts now point far outside the block
    expect(() => parseJpegExif(corrupt)).not.toThrow();
    expect(parseTiffExif(new TextEncoder().encode('not a tiff header'))).toEqual({});
  });

  it('ignores a date that is not in the EXIF format', () => {
    expect(parseJpegExif(F.jpeg({ capturedAt: '17.05.2024 14:03' })).capturedAt).toBeUndefined();
  });
});
