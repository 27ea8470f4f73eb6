import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodePhoto } from '../../../../shared/adapters/image-decoder';
import { dHash, greyCells, hammingDistance, perceptualBands, type RgbaImage } from '../../../../shared/domain/media/perceptual-hash';
import { encodeJpeg, encodePng, resized, scene } from '../../../support/photos';

const hashOf = (bytes: Uint8Array, family: 'jpeg' | 'png') => dHash(decodePhoto(bytes, family)!);
const solid = (width: number, height: number, rgba: [number, number, number, number]): RgbaImage => ({ width, height, data: Uint8Array.from({ length: width * height * 4 }, (_, i) => rgba[i % 4]!) });

describe('dHash', () => {
  it('keeps a photo within a few bits through re-encoding, resizing and a change of format', () => {
    for (const seed of [1, 2, 3, 4]) {
      const original = scene(seed, 320, 240);
      const first = hashOf(encodeJpeg(original, 92), 'jpeg');
      const copies = [
        hashOf(encodeJpeg(original, 60), 'jpeg'),
        hashOf(encodeJpeg(resized(original, 200, 150), 70), 'jpeg'),
        hashOf(encodeJpeg(resized(original, 480, 360), 85), 'jpeg'),
        hashOf(encodePng(resized(original, 160, 120)), 'png'),
      ];
      for (const copy of copies) expect(hammingDistance(first, copy)).toBeLessThanOrEqual(6);
    }
    // Real encoders on real-sized images: seconds on a loaded machine, not milliseconds.
  }, 30_000);

  it('tells different photos far apart', () => {
    const hashes = [11, 12, 13, 14, 15, 16].map((seed) => hashOf(encodeJpeg(scene(seed), 85), 'jpeg'));
    for (let i = 0; i < hashes.length; i++) for (let j = i + 1; j < hashes.length; j++) expect(hammingDistance(hashes[i]!, hashes[j]!)).toBeGreaterThan(12);
  }, 30_000);

  it('averages every pixel of a cell: a one-pixel-wide line still moves its cell', () => {
    const img = solid(90, 8, [200, 200, 200, 255]);
    for (let y = 0; y < 8; y++) img.data.set([0, 0, 0, 255], (y * 90 + 45) * 4);
    const cells = greyCells(img);
    // Column 4 covers source pixels 40..49: one black among ten.
    expect(cells[4]).toBeCloseTo((200 * 9 + 0) / 10, 6);
    expect(cells[3]).toBeCloseTo(200, 6);
    expect(dHash(img)).toBe('0808080808080808');
  });

  it('sees transparency over white, and flat images as all zero bits', () => {
    expect(dHash(solid(30, 30, [0, 0, 0, 0]))).toBe(dHash(solid(30, 30, [255, 255, 255, 255])));
    expect(dHash(solid(1, 1, [10, 20, 30, 255]))).toBe('0000000000000000');
  });
});

describe('Hamming distance and bands', () => {
  const hex = fc.stringMatching(/^[0-9a-f]{16}$/);

  it('counts differing bits: a metric', () => {
    expect(hammingDistance('0000000000000000', 'ffffffffffffffff')).toBe(64);
    expect(hammingDistance('8000000000000001', '0000000000000000')).toBe(2);
    fc.assert(fc.property(hex, hex, hex, (a, b, c) => {
      expect(hammingDistance(a, a)).toBe(0);
      expect(hammingDistance(a, b)).toBe(hammingDistance(b, a));
      expect(hammingDistance(a, c)).toBeLessThanOrEqual(hammingDistance(a, b) + hammingDistance(b, c));
    }));
    expect(() => hammingDistance('abc', '0000000000000000')).toThrow(RangeError);
  });

  it('cuts four positional 16-bit bands; hashes within 3 bits always share one', () => {
    expect(perceptualBands('0123456789abcdef')).toEqual(['0#0123', '1#4567', '2#89ab', '3#cdef']);
    fc.assert(fc.property(hex, fc.uniqueArray(fc.integer({ min: 0, max: 63 }), { maxLength: 3 }), (h, flips) => {
      let n = BigInt(`0x${h}`);
      for (const bit of flips) n ^= 1n << BigInt(bit);
      const near = n.toString(16).padStart(16, '0');
      expect(hammingDistance(h, near)).toBe(flips.length);
      const mine = new Set(perceptualBands(h));
      expect(perceptualBands(near).some((b) => mine.has(b))).toBe(true);
    }));
  });
});

describe('photo decoder', () => {
  it('decodes JPEG and PNG to RGBA, and gives up on what it cannot read or is too large', () => {
    const img = scene(7, 40, 30);
    expect(decodePhoto(encodePng(img), 'png')).toEqual({ width: 40, height: 30, data: img.data });
    expect(decodePhoto(encodeJpeg(img, 90), 'jpeg')).toMatchObject({ width: 40, height: 30 });
    expect(decodePhoto(Uint8Array.of(0xff, 0xd8, 0xff, 0xe0, 1, 2, 3), 'jpeg')).toBeUndefined();
    const huge = encodePng(solid(4, 4, [0, 0, 0, 255]));
    new DataView(huge.buffer, huge.byteOffset).setUint32(16, 100_000);
    new DataView(huge.buffer, huge.byteOffset).setUint32(20, 100_000);
    expect(decodePhoto(huge, 'png')).toBeUndefined();
  });
});
